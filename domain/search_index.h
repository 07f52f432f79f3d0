// An inverted index that narrows a substring search over the tasks'
// search keys (FoldForSearch of each title) to a few candidates.
//
// Every three consecutive bytes of a key (a trigram) are hashed to one of
// 2^k buckets; each bucket lists, in ascending order, the ids of the tasks
// whose key holds one of its trigrams. A term of three or more bytes can
// only occur in a key that holds all of the term's trigrams, so the ids
// present in every one of the term's buckets are a superset of the
// matches. Buckets are shared by unrelated trigrams and keys change after
// they are indexed (edits, erasure), so callers must still check each
// candidate against its current key: the index never decides a match, it
// only skips tasks that cannot match.
//
// Ids are never removed: a deleted or edited task keeps its old entries
// until the next rebuild, and the caller's check rejects them.
//
// Not thread-safe; the projection that owns it guards it.
#ifndef TASKSTORE_DOMAIN_SEARCH_INDEX_H_
#define TASKSTORE_DOMAIN_SEARCH_INDEX_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "domain/task.h"

namespace taskstore::domain {

class SearchIndex {
 public:
  // Terms shorter than this (in bytes, after folding) have no trigram;
  // the index cannot narrow them and callers scan instead.
  static constexpr std::size_t kMinTermSize = 3;

  // The key of task `id`, for rebuilds; ids run from 1 to the task count.
  using KeySource = std::function<std::string_view(TaskId)>;

  SearchIndex();

  // Indexes the keys of tasks 1..`task_count` at once, replacing whatever
  // the index held. Faster than adding them one by one.
  void Rebuild(std::size_t task_count, const KeySource& keys);

  // Indexes `key` as the search key of task `id`. `keys` is consulted
  // only when the index grows and rebuilds itself, and must then know
  // every id up to the largest one added. Cheapest when ids arrive in
  // ascending order, as creations do.
  void Add(TaskId id, std::string_view key, const KeySource& keys);

  // Calls `visit(id)` for each candidate id greater than `after`, in
  // ascending order, until `visit` returns false. Every task whose key
  // holds `term` is visited; others may be too.
  // REQUIRES: term.size() >= kMinTermSize.
  template <typename Visit>
  void ForEachCandidate(std::string_view term, TaskId after,
                        Visit&& visit) const;

  // Bytes held by the index, including spare capacity.
  std::size_t MemoryBytes() const;

  // The number of (bucket, id) entries.
  std::size_t entry_count() const { return entry_count_; }

 private:
  using Postings = std::vector<std::uint32_t>;

  std::uint32_t BucketOf(std::string_view text, std::size_t at) const;

  // The distinct buckets of `term`'s trigrams, shortest list first.
  std::vector<const Postings*> ListsFor(std::string_view term) const;

  // Adds `id` to every bucket of `key` without checking the load.
  void Insert(TaskId id, std::string_view key);

  // Chooses the bucket count for `entries` entries and rebuilds.
  void Resize(std::size_t task_count, std::size_t entries,
              const KeySource& keys);

  int bucket_bits_;
  std::vector<Postings> buckets_;
  std::size_t entry_count_ = 0;
  TaskId largest_id_ = 0;
};

template <typename Visit>
void SearchIndex::ForEachCandidate(std::string_view term, TaskId after,
                                   Visit&& visit) const {
  std::vector<const Postings*> lists = ListsFor(term);

  // Walk the shortest list and look each id up in the others, moving a
  // cursor forward in each: ids ascend in all of them.
  const Postings& shortest = *lists.front();
  std::vector<Postings::const_iterator> cursors;
  for (const Postings* list : lists) {
    cursors.push_back(std::upper_bound(list->begin(), list->end(), after));
  }
  for (auto it = cursors.front(); it != shortest.end(); ++it) {
    bool in_all = true;
    for (std::size_t i = 1; i < lists.size() && in_all; ++i) {
      cursors[i] = std::lower_bound(cursors[i], lists[i]->end(), *it);
      in_all = cursors[i] != lists[i]->end() && *cursors[i] == *it;
    }
    if (in_all && !visit(TaskId{*it})) return;
  }
}

}  // namespace taskstore::domain

#endif  // TASKSTORE_DOMAIN_SEARCH_INDEX_H_
