// SQLite's write gate serves its writers first come, first served: a writer that releases the
// gate and asks again at once queues behind those already waiting, and one that times out leaves
// the queue without taking anyone's turn.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite/write_gate.hpp"

namespace ecrm::storage {
namespace {

using namespace std::chrono_literals;

// Waits (up to 10 s) until `n` writers are queued on `gate`.
bool wait_for_queue(const WriteGate& gate, std::size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (gate.waiting() != n) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(WriteGate, AWriterAskingAgainQueuesBehindThoseAlreadyWaiting) {
  WriteGate gate;
  std::mutex mutex;
  std::vector<std::string> order;
  const auto record = [&](std::string who) {
    std::lock_guard lock(mutex);
    order.push_back(std::move(who));
  };

  ASSERT_TRUE(gate.acquire(1s));
  std::thread b([&] {
    ASSERT_TRUE(gate.acquire(10s));
    record("b");
    gate.release();
  });
  ASSERT_TRUE(wait_for_queue(gate, 1));
  std::thread c([&] {
    ASSERT_TRUE(gate.acquire(10s));
    record("c");
    gate.release();
  });
  ASSERT_TRUE(wait_for_queue(gate, 2));

  // The holder lets go and asks again straight away, as a loop writing batch after batch does.
  gate.release();
  ASSERT_TRUE(gate.acquire(10s));
  record("a again");
  gate.release();
  b.join();
  c.join();

  EXPECT_EQ(order, (std::vector<std::string>{"b", "c", "a again"}));
  EXPECT_EQ(gate.waiting(), 0u);
}

TEST(WriteGate, AWriterThatTimesOutLeavesTheQueueAndTheNextOneGetsTheGate) {
  WriteGate gate;
  ASSERT_TRUE(gate.acquire(1s));

  std::thread late([&] { EXPECT_FALSE(gate.acquire(50ms)); });
  late.join();  // gave up while the gate was held
  EXPECT_EQ(gate.waiting(), 0u);

  bool got = false;
  std::thread next([&] {
    got = gate.acquire(10s);
    if (got) gate.release();
  });
  ASSERT_TRUE(wait_for_queue(gate, 1));
  gate.release();
  next.join();
  EXPECT_TRUE(got);

  // Free again: taken at once.
  EXPECT_TRUE(gate.acquire(0ms));
  gate.release();
}

}  // namespace
}  // namespace ecrm::storage
