#include "domain/search_index.h"

#include <limits>

namespace taskstore::domain {
namespace {

// Bucket counts stay between 2^10 and 2^20. Buckets are sized for about
// 128 entries each: fewer buckets would make the lists of rare trigrams
// share space with common ones, more would cost 24 bytes of list header
// each for little gain (measured in bench/search_benchmark.cc).
constexpr int kMinBucketBits = 10;
constexpr int kMaxBucketBits = 20;
constexpr std::size_t kEntriesPerBucket = 128;

// The index grows (and rebuilds) once the average list is this many
// times longer than planned, so rebuilds cost O(1) per added entry.
constexpr std::size_t kGrowthFactor = 4;

int BucketBitsFor(std::size_t entries) {
  int bits = kMinBucketBits;
  while (bits < kMaxBucketBits &&
         (std::size_t{1} << bits) * kEntriesPerBucket < entries) {
    ++bits;
  }
  return bits;
}

}  // namespace

SearchIndex::SearchIndex()
    : bucket_bits_(kMinBucketBits),
      buckets_(std::size_t{1} << kMinBucketBits) {}

std::uint32_t SearchIndex::BucketOf(std::string_view text,
                                    std::size_t at) const {
  std::uint32_t trigram = static_cast<unsigned char>(text[at]) |
                          static_cast<unsigned char>(text[at + 1]) << 8 |
                          static_cast<unsigned char>(text[at + 2]) << 16;

  // Fibonacci hashing: the top bits of the product mix all three bytes.
  return (trigram * 0x9E3779B1u) >> (32 - bucket_bits_);
}

void SearchIndex::Insert(TaskId id, std::string_view key) {
  const auto entry = static_cast<std::uint32_t>(id);
  for (std::size_t at = 0; at + 3 <= key.size(); ++at) {
    Postings& list = buckets_[BucketOf(key, at)];
    if (list.empty() || list.back() < entry) {
      list.push_back(entry);
      ++entry_count_;
      continue;
    }

    // An edited task's new key: its id belongs inside the list.
    auto place = std::lower_bound(list.begin(), list.end(), entry);
    if (*place != entry) {
      list.insert(place, entry);
      ++entry_count_;
    }
  }
}

void SearchIndex::Rebuild(std::size_t task_count, const KeySource& keys) {
  std::size_t entries = 0;
  for (TaskId id = 1; id <= task_count; ++id) {
    std::size_t size = keys(id).size();
    if (size >= 3) entries += size - 2;
  }
  Resize(task_count, entries, keys);
}

void SearchIndex::Resize(std::size_t task_count, std::size_t entries,
                         const KeySource& keys) {
  // Ids are stored in 32 bits; four billion tasks do not fit in memory
  // long before that limit matters.
  if (task_count > std::numeric_limits<std::uint32_t>::max()) std::abort();

  bucket_bits_ = BucketBitsFor(entries);
  buckets_ = std::vector<Postings>(std::size_t{1} << bucket_bits_);
  entry_count_ = 0;

  // Appending each key's entries straight to their lists would touch a
  // different list, far from the last one, for almost every entry, and
  // miss the cache each time (seconds for a million tasks). Instead the
  // entries of a chunk of tasks are first dealt, in one sequential pass,
  // to partitions of neighbouring buckets; then each partition, whose
  // lists fit in cache, is appended at once. Ids ascend within every
  // partition, so each list stays sorted, and an id already at the back
  // of a list (a key holding a trigram twice) is skipped.
  const int partition_bits = std::min(bucket_bits_, 8);
  const int shift = bucket_bits_ - partition_bits;
  std::vector<std::vector<std::uint64_t>> partitions(std::size_t{1}
                                                     << partition_bits);
  constexpr TaskId kChunk = TaskId{1} << 18;
  for (TaskId first = 1; first <= task_count; first += kChunk) {
    const TaskId last = std::min<TaskId>(task_count, first + kChunk - 1);
    for (TaskId id = first; id <= last; ++id) {
      std::string_view key = keys(id);
      for (std::size_t at = 0; at + 3 <= key.size(); ++at) {
        std::uint64_t bucket = BucketOf(key, at);
        partitions[bucket >> shift].push_back(bucket << 32 | id);
      }
    }
    for (std::vector<std::uint64_t>& partition : partitions) {
      for (std::uint64_t entry : partition) {
        Postings& list = buckets_[entry >> 32];
        const auto id = static_cast<std::uint32_t>(entry);
        if (list.empty() || list.back() < id) {
          list.push_back(id);
          ++entry_count_;
        }
      }
      partition.clear();
    }
  }
  largest_id_ = task_count;
}

void SearchIndex::Add(TaskId id, std::string_view key, const KeySource& keys) {
  if (id > std::numeric_limits<std::uint32_t>::max()) std::abort();
  Insert(id, key);
  largest_id_ = std::max(largest_id_, id);

  std::size_t capacity = buckets_.size() * kEntriesPerBucket * kGrowthFactor;
  if (bucket_bits_ < kMaxBucketBits && entry_count_ > capacity) {
    Resize(largest_id_, entry_count_, keys);
  }
}

std::vector<const SearchIndex::Postings*> SearchIndex::ListsFor(
    std::string_view term) const {
  std::vector<std::uint32_t> seen;
  std::vector<const Postings*> lists;
  for (std::size_t at = 0; at + 3 <= term.size(); ++at) {
    std::uint32_t bucket = BucketOf(term, at);
    if (std::find(seen.begin(), seen.end(), bucket) != seen.end()) continue;
    seen.push_back(bucket);
    lists.push_back(&buckets_[bucket]);
  }
  std::sort(lists.begin(), lists.end(),
            [](const Postings* a, const Postings* b) {
              return a->size() < b->size();
            });

  // The shortest lists prune the most; a long term's further lists would
  // cost a look-up per candidate for little gain.
  constexpr std::size_t kMostLists = 8;
  if (lists.size() > kMostLists) lists.resize(kMostLists);
  return lists;
}

std::size_t SearchIndex::MemoryBytes() const {
  std::size_t bytes = buckets_.capacity() * sizeof(Postings);
  for (const Postings& list : buckets_) {
    bytes += list.capacity() * sizeof(std::uint32_t);
  }
  return bytes;
}

}  // namespace taskstore::domain
