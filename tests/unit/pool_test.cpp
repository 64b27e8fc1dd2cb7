#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "engine/pool.hpp"

namespace {

TEST(Pool, ReusesInstancesAndGrowsWithConcurrency) {
  std::atomic<int> made{0};
  kyc::detail::Pool<int> pool([&] { return std::make_unique<int>(made++); });
  { auto a = pool.acquire(); }
  { auto b = pool.acquire(); }
  EXPECT_EQ(pool.created(), 1u);
  {
    auto a = pool.acquire();
    auto b = pool.acquire();
    EXPECT_NE(*a, *b);
  }
  EXPECT_EQ(pool.created(), 2u);
}

TEST(Pool, BoundedPoolMakesThreadsWait) {
  kyc::detail::Pool<int> pool([] { return std::make_unique<int>(0); }, 1);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) ++*pool.acquire();  // exclusive: no data race
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(pool.created(), 1u);
  EXPECT_EQ(*pool.acquire(), 400);
}

}  // namespace

namespace {

// A failing factory must free its slot and wake a waiter, or a bounded pool hangs forever.
TEST(Pool, FailedCreationWakesWaiters) {
  std::atomic<int> attempts{0};
  kyc::detail::Pool<int> pool(
      [&]() -> std::unique_ptr<int> {
        if (attempts++ == 0) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
          throw std::runtime_error("first creation fails");
        }
        return std::make_unique<int>(1);
      },
      1);
  std::thread first([&] { EXPECT_THROW(pool.acquire(), std::runtime_error); });
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::thread second([&] { EXPECT_EQ(*pool.acquire(), 1); });  // waits, then creates
  first.join();
  second.join();
  EXPECT_EQ(pool.created(), 1u);
}

}  // namespace
