#pragma once
// Run time: seconds since the run's origin on the run's one clock (control/clock), shared with
// the simulators and the fault injector. A wall clock `speed` times faster than real time when
// the instruments are simulated (1 on the bench), or a virtual lock-step clock in tests. The
// run's origin (t = 0, checking begins) is marked once by mark_run_start(); every part of the
// runtime reads run time from here and waits on clock().
#include <atomic>
#include <chrono>
#include <memory>
#include <utility>

#include "control/clock/clock.hpp"

namespace edc::app {

class RunClock {
public:
    explicit RunClock(std::shared_ptr<clk::Clock> clock) : clock_(std::move(clock)) {}
    explicit RunClock(double speed = 1.0) : RunClock(std::make_shared<clk::WallClock>(speed)) {}

    [[nodiscard]] double now_s() const noexcept { return clock_->now_s(); }
    void mark_run_start() noexcept { t0_s_.store(now_s()); }
    [[nodiscard]] double run_s() const noexcept { return now_s() - t0_s_.load(); }
    // The clock's reading at run time `run_s` (for deadlines on clock()).
    [[nodiscard]] double at(double run_s) const noexcept { return t0_s_.load() + run_s; }
    [[nodiscard]] double speed() const noexcept { return clock_->speed(); }
    // Real time for a span of run time.
    [[nodiscard]] std::chrono::microseconds real(double run_s) const noexcept {
        return std::chrono::microseconds(static_cast<long long>(run_s / speed() * 1e6));
    }
    [[nodiscard]] clk::Clock& clock() const noexcept { return *clock_; }
    [[nodiscard]] const std::shared_ptr<clk::Clock>& shared() const noexcept { return clock_; }

private:
    std::shared_ptr<clk::Clock> clock_;
    std::atomic<double> t0_s_{0.0};
};

}  // namespace edc::app
