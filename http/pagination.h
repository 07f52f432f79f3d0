// The query parameters that page through a list: `limit` (how many
// items, 1 to domain::kMaxPageSize, domain::kDefaultPageSize when absent)
// and `after` (the cursor from the previous page's "next"; 0, the start,
// when absent). See domain/page.h for what a cursor is.
#ifndef TASKSTORE_HTTP_PAGINATION_H_
#define TASKSTORE_HTTP_PAGINATION_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"
#include "domain/page.h"
#include "http/target.h"

namespace taskstore::http {

struct PageParams {
  std::uint64_t after = 0;
  std::size_t limit = domain::kDefaultPageSize;
};

// InvalidArgument, naming the parameter and the accepted range, when a
// value is not a whole decimal number in range ("limit=0", "after=-1",
// "limit=1e3").
Result<PageParams> ParsePageParams(std::span<const Param> query);

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_PAGINATION_H_
