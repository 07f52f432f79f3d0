// The operational flags of `taskstore serve`: --token (or the environment
// variable TASKSTORE_TOKEN) and --cors-origin.
#ifndef TASKSTORE_APP_OPS_FLAGS_H_
#define TASKSTORE_APP_OPS_FLAGS_H_

#include <optional>
#include <string>

#include "base/result.h"
#include "http/access_policy.h"
#include "http/cors.h"

namespace taskstore::app {

// The environment variable that may hold the token.
inline constexpr char kTokenVariable[] = "TASKSTORE_TOKEN";

// The access policy from the --token flag, or else from `environment`
// (the value of TASKSTORE_TOKEN, null when unset); the flag wins. Neither
// given: everything open. InvalidArgument for an empty or malformed token
// (the message never repeats the token).
Result<http::AccessPolicy> ResolveToken(const std::optional<std::string>& flag,
                                        const char* environment);

// The CORS policy for --cors-origin; "" means none. InvalidArgument when
// the flag is not a web origin.
Result<http::CorsPolicy> ResolveCorsOrigin(const std::string& flag);

}  // namespace taskstore::app

#endif  // TASKSTORE_APP_OPS_FLAGS_H_
