#include "app/ops_flags.h"

namespace taskstore::app {

Result<http::AccessPolicy> ResolveToken(const std::optional<std::string>& flag,
                                        const char* environment) {
  if (flag) {
    Result<http::AccessPolicy> policy = http::MakeAccessPolicy(*flag);
    if (!policy.ok()) return policy.status().WithContext("--token");
    return policy;
  }
  if (environment != nullptr) {
    // Set but empty is refused too: it most likely means a secret that
    // failed to load, and running open by accident is the worse outcome.
    Result<http::AccessPolicy> policy = http::MakeAccessPolicy(environment);
    if (!policy.ok()) return policy.status().WithContext(kTokenVariable);
    return policy;
  }
  return http::AccessPolicy();
}

Result<http::CorsPolicy> ResolveCorsOrigin(const std::string& flag) {
  if (flag.empty()) return http::CorsPolicy();
  Status valid = http::ValidateOrigin(flag);
  if (!valid.ok()) return valid.WithContext("--cors-origin");
  return http::CorsPolicy{flag};
}

}  // namespace taskstore::app
