// Tells the live event streams (event_stream.h) that the store has
// committed new events. The store's commit observer calls Publish(); each
// subscribed stream is woken on its own strand and reads the new events
// from the store itself, so nothing is queued per stream and a slow
// stream never holds up a writer or another stream.
#ifndef TASKSTORE_HTTP_EVENT_NOTIFIER_H_
#define TASKSTORE_HTTP_EVENT_NOTIFIER_H_

#include <memory>
#include <mutex>
#include <vector>

namespace taskstore::http {

// What the notifier knows of a stream. Both calls must return quickly and
// may come from any thread.
class EventSubscriber {
 public:
  virtual ~EventSubscriber() = default;

  // New events may be in the store.
  virtual void Wake() = 0;

  // The server is stopping: end the stream.
  virtual void Close() = 0;
};

// Thread-safe.
class EventNotifier {
 public:
  EventNotifier() = default;
  EventNotifier(const EventNotifier&) = delete;
  EventNotifier& operator=(const EventNotifier&) = delete;

  // Adds `subscriber` until it expires. False, adding nothing, once
  // Close() has been called: the caller ends its stream.
  bool Subscribe(std::weak_ptr<EventSubscriber> subscriber);

  // Wakes every live subscriber. Cheap: called after every commit.
  void Publish();

  // Closes every subscriber and refuses later ones. Idempotent.
  void Close();

  // Live subscribers, for tests and metrics.
  std::size_t subscriber_count();

 private:
  // The live subscribers; drops the expired ones. REQUIRES: mutex_ held.
  std::vector<std::shared_ptr<EventSubscriber>> LiveLocked();

  std::mutex mutex_;
  std::vector<std::weak_ptr<EventSubscriber>> subscribers_;
  bool closed_ = false;
};

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_EVENT_NOTIFIER_H_
