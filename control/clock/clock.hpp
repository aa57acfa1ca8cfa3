#pragma once
// One clock for a run: the runtime, the control loop, the instrument workers, the simulators
// and the fault injector all read time and wait on the same Clock, so run time t = 0 is one
// instant for all of them. Seconds are run seconds (simulated seconds when simulating);
// `speed()` of them pass per real second, so "real" spans (link delays, driver timeouts) are
// converted with real_to_clock().
//
// Two implementations: WallClock (the bench, and `edc run --sim --speed N`) sleeps on the
// steady clock; VirtualClock (virtual_clock.hpp, tests) advances only when every attached
// thread is blocked on it, so a whole simulated run is deterministic in run seconds and runs
// as fast as the CPU allows.
//
// Waiting threads use ClockCondition (a condition variable that also tells the clock) or
// wait_ready() for futures; a thread that waits on the clock is attached for its lifetime
// (Attachment). Header-only, no allocation.
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <future>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>

namespace edc::clk {

inline constexpr double no_deadline = std::numeric_limits<double>::infinity();

class Clock {
public:
    Clock() = default;
    virtual ~Clock() = default;
    Clock(const Clock&) = delete;
    Clock& operator=(const Clock&) = delete;

    [[nodiscard]] virtual double now_s() const noexcept = 0;
    [[nodiscard]] virtual double speed() const noexcept = 0;  // run seconds per real second
    [[nodiscard]] virtual bool is_virtual() const noexcept { return false; }
    virtual void sleep_until(double t_s) = 0;

    // Lock-step (no-ops on the wall): a thread that will wait on this clock is attached before
    // it is spawned (so time cannot run ahead of it) and detached when it ends.
    virtual void attach() noexcept {}
    virtual void detach() noexcept {}
    // Something a waiter may be waiting for changed (notify), and waiting for such a change
    // since generation `gen` or until run time `until_s`, whichever is first.
    [[nodiscard]] virtual std::uint64_t generation() const noexcept { return 0; }
    virtual void notify() noexcept {}
    virtual void wait_change(std::uint64_t /*gen*/, double until_s) { sleep_until(until_s); }

    void sleep_for(double span_s) { sleep_until(now_s() + span_s); }
    [[nodiscard]] double real_to_clock(double real_s) const noexcept { return real_s * speed(); }
    [[nodiscard]] double clock_to_real(double span_s) const noexcept { return span_s / speed(); }
    template <class Rep, class Period>
    [[nodiscard]] double real_to_clock(std::chrono::duration<Rep, Period> real) const noexcept {
        return std::chrono::duration<double>(real).count() * speed();
    }
    // The wall time to wait for a span of run time (bounded: "no_deadline" waits a day at a time).
    [[nodiscard]] std::chrono::nanoseconds real_span(double span_s) const noexcept {
        const double real = span_s / speed();
        if (!(real > 0.0)) return std::chrono::nanoseconds(0);
        if (real > 86400.0) return std::chrono::hours(24);
        return std::chrono::nanoseconds(static_cast<long long>(real * 1e9));
    }
};

// The steady clock, `speed` run seconds per real second, origin at construction.
class WallClock final : public Clock {
public:
    explicit WallClock(double speed = 1.0)
        : epoch_(std::chrono::steady_clock::now()), speed_(speed > 0.0 ? speed : 1.0) {}
    [[nodiscard]] double now_s() const noexcept override {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_).count() * speed_;
    }
    [[nodiscard]] double speed() const noexcept override { return speed_; }
    void sleep_until(double t_s) override {
        if (std::isinf(t_s)) t_s = now_s() + 86400.0 * speed_;
        const auto at = epoch_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                     std::chrono::duration<double>(t_s / speed_));
        std::this_thread::sleep_until(at);
    }

private:
    std::chrono::steady_clock::time_point epoch_;
    double speed_;
};

// Attaches the thread it is moved into for that thread's lifetime:
//   thread_ = std::thread([this, a = clk::Attachment(clock)] { ... });
class Attachment {
public:
    explicit Attachment(Clock& clock) noexcept : clock_(&clock) { clock_->attach(); }
    Attachment(Attachment&& other) noexcept : clock_(std::exchange(other.clock_, nullptr)) {}
    Attachment& operator=(Attachment&&) = delete;
    Attachment(const Attachment&) = delete;
    Attachment& operator=(const Attachment&) = delete;
    ~Attachment() { release(); }
    void release() noexcept {
        if (clock_ != nullptr) std::exchange(clock_, nullptr)->detach();
    }

private:
    Clock* clock_;
};

// A condition variable on the run's clock: notify_all() wakes waiters on either clock, and
// deadlines are run times.
class ClockCondition {
public:
    explicit ClockCondition(Clock& clock) noexcept : clock_(&clock) {}

    void notify_all() noexcept {
        cv_.notify_all();
        clock_->notify();
    }

    // Waits until pred() holds (true) or run time reaches t_s (false). `lock` guards what pred
    // reads, and whoever changes that calls notify_all() (holding the lock or after it).
    template <class Pred>
    bool wait_until(std::unique_lock<std::mutex>& lock, double t_s, Pred pred) {
        if (!clock_->is_virtual()) {
            for (;;) {
                if (pred()) return true;
                const double left = t_s - clock_->now_s();
                if (left <= 0.0) return false;
                cv_.wait_for(lock, clock_->real_span(left));
            }
        }
        for (;;) {
            const auto gen = clock_->generation();
            if (pred()) return true;
            if (clock_->now_s() >= t_s) return false;
            lock.unlock();
            clock_->wait_change(gen, t_s);
            lock.lock();
        }
    }
    template <class Pred>
    bool wait_for(std::unique_lock<std::mutex>& lock, double span_s, Pred pred) {
        return wait_until(lock, clock_->now_s() + span_s, pred);
    }
    template <class Pred>
    void wait(std::unique_lock<std::mutex>& lock, Pred pred) {
        (void)wait_until(lock, no_deadline, pred);
    }

private:
    Clock* clock_;
    std::condition_variable cv_;
};

// Waits for a future until run time t_s; true if it is ready. Whoever makes it ready calls
// clock.notify() afterwards (InstrumentWorker does, after every job).
template <class T>
bool wait_ready(Clock& clock, const std::future<T>& f, double t_s) {
    if (!clock.is_virtual()) {
        return f.wait_for(clock.real_span(t_s - clock.now_s())) == std::future_status::ready;
    }
    for (;;) {
        const auto gen = clock.generation();
        if (f.wait_for(std::chrono::seconds(0)) == std::future_status::ready) return true;
        if (clock.now_s() >= t_s) return false;
        clock.wait_change(gen, t_s);
    }
}

}  // namespace edc::clk
