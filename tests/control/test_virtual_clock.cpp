// control/clock: the lock-step virtual clock advances only when every attached thread is
// blocked on it, to the earliest deadline; a change notified through ClockCondition wakes a
// waiter without time passing; the loop runner ticks on it at exact run times.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "control/clock/virtual_clock.hpp"
#include "control/loop/loop_runner.hpp"

namespace edc::clk {
namespace {

TEST(VirtualClock, TimeStandsStillWhileAnAttachedThreadRuns) {
    VirtualClock clock;
    Attachment me(clock);
    std::atomic<bool> woke{false};
    std::thread sleeper([&clock, &woke, a = Attachment(clock)] {
        clock.sleep_until(5.0);
        woke = true;
    });
    // This thread is attached and running: however long the sleeper waits, run time stays at 0.
    for (int i = 0; i < 1000 && !woke; ++i) std::this_thread::yield();
    EXPECT_FALSE(woke.load());
    EXPECT_EQ(clock.now_s(), 0.0);
    clock.sleep_until(2.0);  // both blocked: time jumps to this thread's deadline first
    EXPECT_EQ(clock.now_s(), 2.0);
    EXPECT_FALSE(woke.load());
    clock.sleep_until(7.0);  // ... then to the sleeper's, which wakes and detaches; then to 7
    EXPECT_TRUE(woke.load());
    EXPECT_EQ(clock.now_s(), 7.0);
    sleeper.join();
}

TEST(VirtualClock, ANotifiedConditionWakesItsWaiterWithoutTimePassing) {
    VirtualClock clock;
    Attachment me(clock);
    std::mutex m;
    ClockCondition cv(clock);
    bool ready = false;
    double seen_at = -1.0;
    std::thread waiter([&, a = Attachment(clock)] {
        std::unique_lock lock(m);
        const bool ok = cv.wait_until(lock, 100.0, [&] { return ready; });
        seen_at = ok ? clock.now_s() : -2.0;
    });
    clock.sleep_until(3.0);
    {
        std::lock_guard lock(m);
        ready = true;
    }
    cv.notify_all();
    me.release();  // nothing else runs: the waiter must wake at 3 s, not at its 100 s deadline
    waiter.join();
    EXPECT_EQ(seen_at, 3.0);
}

TEST(VirtualClock, AWaitWithNobodyToEndItTimesOutAtItsDeadline) {
    VirtualClock clock;
    Attachment me(clock);
    struct Guarded {
        std::mutex m;
        bool ready = false;
    } g;
    ClockCondition cv(clock);
    std::unique_lock lock(g.m);
    EXPECT_FALSE(cv.wait_until(lock, 12.5, [&g] { return g.ready; }));
    EXPECT_EQ(clock.now_s(), 12.5);
}

TEST(VirtualClock, TheLoopRunnerTicksAtExactRunTimes) {
    VirtualClock clock(20.0);
    Attachment me(clock);
    loop::LoopOptions o;
    o.period_s = 0.05;
    o.clock = &clock;
    o.try_realtime = false;
    o.try_lock_memory = false;
    o.max_ticks = 200;
    loop::LoopRunner runner(o);
    std::vector<double> at;
    at.reserve(200);
    const auto stats = runner.run([&](const loop::TickContext& t) { at.push_back(t.time_s); });
    EXPECT_EQ(stats.ticks, 200U);
    EXPECT_EQ(stats.overruns, 0U);
    ASSERT_EQ(at.size(), 200U);
    for (std::size_t i = 0; i < at.size(); ++i) EXPECT_NEAR(at[i], 0.05 * static_cast<double>(i), 1e-9);
    EXPECT_NEAR(clock.now_s(), 0.05 * 199, 1e-9);
}

// Paced at 20 run seconds per real second: two threads in lock step reach run time 2 s at
// exact run times, and not before 0.1 s of real time has passed (a lower bound: a busy
// machine only makes it later). A notify still wakes a waiter without time passing.
TEST(VirtualClock, APacedClockKeepsLockStepAndRunsNoFasterThanItsPace) {
    VirtualClock clock(1.0, 20.0);
    const auto started = std::chrono::steady_clock::now();
    std::vector<double> ticks;
    {
        Attachment me(clock);
        std::thread other([&clock, a = Attachment(clock)] {
            for (int i = 1; i <= 4; ++i) clock.sleep_until(0.5 * i);
        });
        for (int i = 1; i <= 20; ++i) {
            clock.sleep_until(0.1 * i);
            ticks.push_back(clock.now_s());
        }
        other.join();
    }
    const double real_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ASSERT_EQ(ticks.size(), 20U);
    for (std::size_t i = 0; i < ticks.size(); ++i) EXPECT_NEAR(ticks[i], 0.1 * static_cast<double>(i + 1), 1e-12);
    EXPECT_GE(real_s, 2.0 / 20.0 - 1e-3);

    struct {
        std::mutex m;
        bool ready = false;
    } g;
    Attachment me(clock);
    ClockCondition cv(clock);
    std::thread notifier([&clock, &g, &cv, a = Attachment(clock)] {
        clock.sleep_until(3.0);
        {
            std::lock_guard lock(g.m);
            g.ready = true;
        }
        cv.notify_all();
    });
    {
        std::unique_lock lock(g.m);
        EXPECT_TRUE(cv.wait_until(lock, 100.0, [&g] { return g.ready; }));
    }
    EXPECT_NEAR(clock.now_s(), 3.0, 1e-12);
    notifier.join();
}

}  // namespace
}  // namespace edc::clk
