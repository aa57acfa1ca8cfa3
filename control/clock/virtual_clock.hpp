#pragma once
// Lock-step time for tests: run time stands still while any attached thread is running, and
// when every attached thread is blocked on the clock it jumps to the earliest deadline among
// them. A whole simulated run therefore takes the same run seconds on an idle or a loaded
// machine, and no wall time beyond the CPU's work.
//
// Rules for the threads that take part (see clock.hpp): each is attached for its lifetime;
// every wait that another attached thread ends goes through the clock (ClockCondition,
// wait_ready, sleep_until), because a thread blocked anywhere else counts as running and holds
// time still (harmless while the thread it waits for is running, a deadlock if that one waits
// for time). A thread that sets up a run (a test's main thread) attaches while it does, so the
// simulators cannot run ahead before the run starts.
//
// Paced (pace > 0): run time also never runs ahead of `pace` run seconds per real second since
// construction, so a lock-step run can be watched (the GUI polls it on a timer) and still
// cannot fault on a loaded machine: a slow machine only makes it run slower than the pace.
//
// Waiters are nodes on their own stacks, linked under the mutex: no allocation.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "control/clock/clock.hpp"

namespace edc::clk {

class VirtualClock final : public Clock {
public:
    explicit VirtualClock(double speed = 1.0, double pace = 0.0)
        : speed_(speed > 0.0 ? speed : 1.0), pace_(pace > 0.0 ? pace : 0.0), epoch_(std::chrono::steady_clock::now()) {}

    [[nodiscard]] double now_s() const noexcept override {
        std::lock_guard lock(mutex_);
        return now_;
    }
    [[nodiscard]] double speed() const noexcept override { return speed_; }
    [[nodiscard]] bool is_virtual() const noexcept override { return true; }

    void sleep_until(double t_s) override { block(0, t_s, false); }
    void wait_change(std::uint64_t gen, double until_s) override { block(gen, until_s, true); }

    void attach() noexcept override {
        std::lock_guard lock(mutex_);
        ++attached_;
    }
    void detach() noexcept override {
        std::lock_guard lock(mutex_);
        --attached_;
        advance_if_all_blocked();
    }
    [[nodiscard]] std::uint64_t generation() const noexcept override {
        std::lock_guard lock(mutex_);
        return generation_;
    }
    void notify() noexcept override {
        std::lock_guard lock(mutex_);
        ++generation_;
        cv_.notify_all();
    }

    // Diagnostics for tests of the clock itself.
    [[nodiscard]] int attached() const noexcept {
        std::lock_guard lock(mutex_);
        return attached_;
    }

private:
    struct Waiter {
        double until_s;
        std::uint64_t gen;
        bool wakes_on_notify;
        Waiter* next;
    };

    [[nodiscard]] bool blocked(const Waiter& w) const noexcept {
        return w.until_s > now_ && (!w.wakes_on_notify || w.gen == generation_);
    }

    void block(std::uint64_t gen, double until_s, bool wakes_on_notify) {
        std::unique_lock lock(mutex_);
        Waiter self{until_s, gen, wakes_on_notify, waiters_};
        if (!blocked(self)) return;
        waiters_ = &self;
        advance_if_all_blocked();
        while (blocked(self)) {
            if (held_) {  // paced: everyone waits, the next deadline is due at held_until_
                cv_.wait_until(lock, held_until_);
                if (held_ && std::chrono::steady_clock::now() >= held_until_) advance_if_all_blocked();
            } else {
                cv_.wait(lock);
            }
        }
        Waiter** p = &waiters_;
        while (*p != &self) p = &(*p)->next;
        *p = self.next;
    }

    // Caller holds mutex_.
    void advance_if_all_blocked() noexcept {
        held_ = false;
        int count = 0;
        double earliest = no_deadline;
        for (const Waiter* w = waiters_; w != nullptr; w = w->next) {
            if (!blocked(*w)) continue;
            ++count;
            earliest = std::min(earliest, w->until_s);
        }
        // Nobody left to run and a deadline to run to. (All waiting for ever: they wait for a
        // thread outside the run, e.g. an operator's command from a test's main thread.)
        if (count == 0 || count < attached_ || std::isinf(earliest)) return;
        if (pace_ > 0.0) {
            const auto due = epoch_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                          std::chrono::duration<double>(earliest / pace_));
            if (std::chrono::steady_clock::now() < due) {
                held_ = true;
                held_until_ = due;
                cv_.notify_all();  // waiters wait for `due` now, not for a change
                return;
            }
        }
        now_ = earliest;
        cv_.notify_all();
    }

    mutable std::mutex mutex_;
    std::condition_variable cv_;
    double speed_;
    double pace_;  // run seconds per real second at most (0: as fast as the CPU allows)
    std::chrono::steady_clock::time_point epoch_;
    bool held_ = false;  // paced: all blocked, the earliest deadline is not due yet
    std::chrono::steady_clock::time_point held_until_;
    double now_ = 0.0;
    std::uint64_t generation_ = 0;
    int attached_ = 0;
    Waiter* waiters_ = nullptr;
};

}  // namespace edc::clk
