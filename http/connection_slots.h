// A counted pool of connection slots: the server takes one per accepted
// connection and the connection gives it back when it ends, so the number
// of open connections stays within a cap.
#ifndef TASKSTORE_HTTP_CONNECTION_SLOTS_H_
#define TASKSTORE_HTTP_CONNECTION_SLOTS_H_

#include <atomic>
#include <cstddef>
#include <optional>
#include <utility>

namespace taskstore::http {

class ConnectionSlots {
 public:
  // Held by one connection; gives its slot back when destroyed. Move-only.
  // The pool must outlive it.
  class Slot {
   public:
    Slot(Slot&& other) noexcept : pool_(std::exchange(other.pool_, nullptr)) {}
    Slot& operator=(Slot&& other) noexcept {
      if (this != &other) {
        Release();
        pool_ = std::exchange(other.pool_, nullptr);
      }
      return *this;
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { Release(); }

   private:
    friend class ConnectionSlots;
    explicit Slot(ConnectionSlots* pool) : pool_(pool) {}
    void Release() {
      if (pool_ != nullptr) pool_->in_use_.fetch_sub(1);
      pool_ = nullptr;
    }

    ConnectionSlots* pool_;
  };

  explicit ConnectionSlots(std::size_t capacity) : capacity_(capacity) {}

  ConnectionSlots(const ConnectionSlots&) = delete;
  ConnectionSlots& operator=(const ConnectionSlots&) = delete;

  // A slot, or nullopt when all `capacity` are taken. Thread-safe.
  std::optional<Slot> TryTake() {
    std::size_t used = in_use_.load();
    do {
      if (used >= capacity_) return std::nullopt;
    } while (!in_use_.compare_exchange_weak(used, used + 1));
    return Slot(this);
  }

  std::size_t in_use() const { return in_use_.load(); }
  std::size_t capacity() const { return capacity_; }

 private:
  const std::size_t capacity_;
  std::atomic<std::size_t> in_use_{0};
};

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_CONNECTION_SLOTS_H_
