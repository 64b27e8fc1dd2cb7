// Internal: a pool of non-thread-safe objects (dlib networks, detectors). Each concurrent call
// leases one instance; new instances are cloned from a factory on demand, so N threads end up
// with N instances and never wait on each other, unless a maximum is configured.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace kyc::detail {

template <typename T>
class Pool {
 public:
  using Factory = std::function<std::unique_ptr<T>()>;

  /// max_instances 0 = unbounded.
  explicit Pool(Factory factory, std::size_t max_instances = 0)
      : factory_(std::move(factory)), max_(max_instances) {}

  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<T> item) : pool_(pool), item_(std::move(item)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (item_) pool_->give_back(std::move(item_));
    }
    T& operator*() const { return *item_; }
    T* operator->() const { return item_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<T> item_;
  };

  Lease acquire() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      if (!free_.empty()) {
        std::unique_ptr<T> item = std::move(free_.back());
        free_.pop_back();
        return Lease(this, std::move(item));
      }
      if (max_ == 0 || created_ < max_) {
        ++created_;
        free_.reserve(created_);  // so that give_back (in a destructor) never allocates
        lock.unlock();
        try {
          return Lease(this, factory_());
        } catch (...) {
          {
            std::lock_guard<std::mutex> relock(mutex_);
            --created_;
          }
          available_.notify_one();  // a waiter may now create the instance itself
          throw;
        }
      }
      available_.wait(lock);
    }
  }

  /// Instances created so far (for tests and diagnostics).
  std::size_t created() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return created_;
  }

 private:
  void give_back(std::unique_ptr<T> item) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      free_.push_back(std::move(item));
    }
    available_.notify_one();
  }

  Factory factory_;
  std::size_t max_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<T>> free_;
  std::size_t created_ = 0;
};

}  // namespace kyc::detail
