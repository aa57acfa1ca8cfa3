#pragma once
// Run time: seconds since the run's epoch, `speed` times faster than the wall clock when the
// instruments are simulated (the simulator's chemistry runs on the same scale), 1 otherwise.
// The run's origin (t = 0, checking begins) is marked once by start(); every part of the
// runtime reads run time from here.
#include <atomic>
#include <chrono>

namespace edc::app {

class RunClock {
public:
    explicit RunClock(double speed = 1.0) : epoch_(std::chrono::steady_clock::now()), speed_(speed) {}
    [[nodiscard]] double now_s() const noexcept {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_).count() * speed_;
    }
    void mark_run_start() noexcept { t0_s_.store(now_s()); }
    [[nodiscard]] double run_s() const noexcept { return now_s() - t0_s_.load(); }
    [[nodiscard]] double speed() const noexcept { return speed_; }
    // Real time for a span of run time (for sleeps and loop periods).
    [[nodiscard]] std::chrono::microseconds real(double run_s) const noexcept {
        return std::chrono::microseconds(static_cast<long long>(run_s / speed_ * 1e6));
    }

private:
    std::chrono::steady_clock::time_point epoch_;
    double speed_;
    std::atomic<double> t0_s_{0.0};
};

}  // namespace edc::app
