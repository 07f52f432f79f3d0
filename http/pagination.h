// The query parameters that page through a list: `limit` (how many
// items, 1 to domain::kMaxPageSize, domain::kDefaultPageSize when absent)
// and `after` (the cursor from the previous page's "next"; 0, the start,
// when absent). See domain/page.h for what a cursor is.
#ifndef TASKSTORE_HTTP_PAGINATION_H_
#define TASKSTORE_HTTP_PAGINATION_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "base/result.h"
#include "domain/page.h"
#include "http/target.h"

namespace taskstore::http {

struct PageParams {
  std::uint64_t after = 0;
  std::size_t limit = domain::kDefaultPageSize;
};

// `text` as a whole decimal number: digits only (no sign, space or
// exponent, so that a typo is an error rather than another value), in
// range of 64 bits; nullopt otherwise.
std::optional<std::uint64_t> ParseWholeNumber(std::string_view text);

// InvalidArgument, naming the parameter and the accepted range, when a
// value is not a whole decimal number in range ("limit=0", "after=-1",
// "limit=1e3").
Result<PageParams> ParsePageParams(std::span<const Param> query);

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_PAGINATION_H_
