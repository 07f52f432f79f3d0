#include "http/event_notifier.h"

#include <utility>

namespace taskstore::http {

bool EventNotifier::Subscribe(std::weak_ptr<EventSubscriber> subscriber) {
  std::lock_guard lock(mutex_);
  if (closed_) return false;
  // Pruning here keeps the list as long as the live streams, even when no
  // event is ever published.
  std::erase_if(subscribers_, [](const std::weak_ptr<EventSubscriber>& weak) {
    return weak.expired();
  });
  subscribers_.push_back(std::move(subscriber));
  return true;
}

std::vector<std::shared_ptr<EventSubscriber>> EventNotifier::LiveLocked() {
  std::vector<std::shared_ptr<EventSubscriber>> live;
  live.reserve(subscribers_.size());
  std::erase_if(subscribers_,
                [&live](const std::weak_ptr<EventSubscriber>& weak) {
                  std::shared_ptr<EventSubscriber> subscriber = weak.lock();
                  if (!subscriber) return true;
                  live.push_back(std::move(subscriber));
                  return false;
                });
  return live;
}

void EventNotifier::Publish() {
  std::vector<std::shared_ptr<EventSubscriber>> live;
  {
    std::lock_guard lock(mutex_);
    live = LiveLocked();
  }
  // Outside the lock: the last reference to a stream may be dropped here,
  // and its destructor must not run under mutex_.
  for (const std::shared_ptr<EventSubscriber>& subscriber : live) {
    subscriber->Wake();
  }
}

void EventNotifier::Close() {
  std::vector<std::shared_ptr<EventSubscriber>> live;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    live = LiveLocked();
    subscribers_.clear();
  }
  for (const std::shared_ptr<EventSubscriber>& subscriber : live) {
    subscriber->Close();
  }
}

std::size_t EventNotifier::subscriber_count() {
  std::lock_guard lock(mutex_);
  std::size_t live = 0;
  for (const std::weak_ptr<EventSubscriber>& weak : subscribers_) {
    if (!weak.expired()) ++live;
  }
  return live;
}

}  // namespace taskstore::http
