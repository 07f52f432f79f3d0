// Where accepted events go to become durable. The domain knows only this
// interface; eventlog/ provides the file-backed implementation.
#ifndef TASKSTORE_DOMAIN_JOURNAL_H_
#define TASKSTORE_DOMAIN_JOURNAL_H_

#include <span>

#include "base/status.h"
#include "domain/event.h"

namespace taskstore::domain {

class Journal {
 public:
  virtual ~Journal() = default;

  // Appends `events` (consecutive sequence numbers) and returns OK only
  // once they are durable. On failure none of them may be replayed later.
  // Calls are serialized by the caller.
  virtual Status Append(std::span<const Event> events) = 0;

  // OK while appends can succeed; otherwise the error that every append
  // now fails with, such as a log gone read-only after a failed sync.
  // Thread-safe. A journal that never breaks for good keeps the default.
  virtual Status Health() const { return Status::Ok(); }
};

}  // namespace taskstore::domain

#endif  // TASKSTORE_DOMAIN_JOURNAL_H_
