// Request targets ("/api/tasks?search=milk") taken apart and decoded.
#ifndef TASKSTORE_HTTP_TARGET_H_
#define TASKSTORE_HTTP_TARGET_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace taskstore::http {

// One decoded `name=value` pair of a query or of a form body.
struct Param {
  std::string name;
  std::string value;

  friend bool operator==(const Param&, const Param&) = default;
};

struct Target {
  // The whole path, percent-decoded: "/tasks/a b" for "/tasks/a%20b".
  std::string path;

  // The path split at its "/" separators before decoding, each piece then
  // decoded on its own, so that an escaped "%2F" stays inside its segment.
  // "/" has no segments; "/api/tasks/" has "api", "tasks" and "".
  std::vector<std::string> segments;

  // The query parameters in the order they appear, repeats included.
  std::vector<Param> query;
};

// The value of the first parameter called `name`, or nullopt. The view
// points into `params`.
std::optional<std::string_view> FindParam(std::span<const Param> params,
                                          std::string_view name);

// Parses an origin-form target ("/path?query"); an absolute-form target
// ("http://host/path?query", which proxies send) is reduced to its path
// and query. In the path "+" is a plus sign; in the query it is a space.
//
// Fails with InvalidArgument when the target does not start with "/" (or
// a scheme), holds a "%" not followed by two hex digits, or decodes to
// bytes that are not valid UTF-8.
Result<Target> ParseTarget(std::string_view target);

// Decodes `application/x-www-form-urlencoded` text ("a=1&b=x+y"), the
// format of both query strings and HTML form bodies. Empty pieces ("a=1&&")
// are skipped; a piece without "=" is a name with an empty value. Fails
// like ParseTarget.
Result<std::vector<Param>> ParseUrlEncoded(std::string_view text);

// `value` percent-encoded for a query string or form: every byte but
// ASCII letters, digits and "-._~" becomes %XX, so the result decodes
// (ParseUrlEncoded) back to `value`.
std::string EncodeQueryValue(std::string_view value);

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_TARGET_H_
