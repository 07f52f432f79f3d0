// One page of a list that is read a page at a time.
//
// Lists are ordered by a key that never changes for an item and that new
// items do not take below the cursor (a task's id, an event's sequence
// number), and `after` is the key of the last item already seen. So a
// walk through every page shows each item at most once, and shows every
// item that stayed in the list, unchanged, for the whole walk, whatever
// is added or removed meanwhile.
#ifndef TASKSTORE_DOMAIN_PAGE_H_
#define TASKSTORE_DOMAIN_PAGE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace taskstore::domain {

inline constexpr std::size_t kDefaultPageSize = 100;
inline constexpr std::size_t kMaxPageSize = 1000;

// A page of tasks also ends before the titles and descriptions on it
// pass this many bytes (it always holds at least one task), so that a
// page of long descriptions stays small: a slow client holds one page's
// answer in the server's memory while it reads.
inline constexpr std::size_t kMaxPageTextBytes = 1 << 20;

template <typename Item>
struct Page {
  std::vector<Item> items;
  // The cursor of the next page: the key of the last item here. nullopt
  // on the last page.
  std::optional<std::uint64_t> next;
};

}  // namespace taskstore::domain

#endif  // TASKSTORE_DOMAIN_PAGE_H_
