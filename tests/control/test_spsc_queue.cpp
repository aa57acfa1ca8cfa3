#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <thread>

#include "control/loop/spsc_queue.hpp"

using edc::loop::SpscQueue;

TEST(SpscQueue, RejectsCapacityThatIsNotAPowerOfTwo) {
    EXPECT_THROW(SpscQueue<int>(3), std::invalid_argument);
    EXPECT_THROW(SpscQueue<int>(0), std::invalid_argument);
    EXPECT_NO_THROW(SpscQueue<int>(8));
}

TEST(SpscQueue, ReportsFullAndEmptyAndKeepsOrder) {
    SpscQueue<int> q(4);
    int out = 0;
    EXPECT_FALSE(q.try_pop(out));
    for (int i = 0; i < 4; ++i) EXPECT_TRUE(q.try_push(i));
    EXPECT_FALSE(q.try_push(99));
    EXPECT_EQ(q.size_approx(), 4U);
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(q.try_pop(out));
        EXPECT_EQ(out, i);
    }
    EXPECT_FALSE(q.try_pop(out));
    // wraps around
    for (int round = 0; round < 10; ++round) {
        EXPECT_TRUE(q.try_push(round));
        ASSERT_TRUE(q.try_pop(out));
        EXPECT_EQ(out, round);
    }
}

TEST(SpscQueue, TwoThreadsPassEveryValueOnceInOrder) {
    constexpr std::uint64_t n = 1'000'000;
    SpscQueue<std::uint64_t> q(64);
    std::thread producer([&] {
        for (std::uint64_t i = 1; i <= n; ++i) {
            while (!q.try_push(i)) std::this_thread::yield();
        }
    });
    std::uint64_t expected = 1;
    std::uint64_t sum = 0;
    while (expected <= n) {
        std::uint64_t v = 0;
        if (!q.try_pop(v)) {
            std::this_thread::yield();
            continue;
        }
        ASSERT_EQ(v, expected);
        sum += v;
        ++expected;
    }
    producer.join();
    EXPECT_EQ(sum, n * (n + 1) / 2);
}
