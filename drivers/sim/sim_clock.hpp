#pragma once
// Simulated time: the run's one clock (control/clock: the runtime and the fault injector read
// the same), N times faster than real time. Link delays and host timeouts stay in real time
// (they belong to the wire, not to the chemistry), so every model call receives both readings
// of the same instant; real seconds are clock seconds / N.
#include <memory>
#include <string>
#include <utility>

#include "control/clock/clock.hpp"

namespace edc::sim {

struct Instant {
    double sim_s = 0.0;
    double real_s = 0.0;
};

class SimClock {
public:
    explicit SimClock(std::shared_ptr<clk::Clock> clock) : clock_(std::move(clock)) {}
    explicit SimClock(double speed_factor = 1.0) : SimClock(std::make_shared<clk::WallClock>(speed_factor)) {}

    [[nodiscard]] double speed_factor() const noexcept { return clock_->speed(); }
    [[nodiscard]] double real_s() const noexcept { return clock_->now_s() / clock_->speed(); }
    [[nodiscard]] double sim_s() const noexcept { return clock_->now_s(); }
    [[nodiscard]] Instant now() const noexcept {
        const double t = clock_->now_s();
        return {t, t / clock_->speed()};
    }
    [[nodiscard]] clk::Clock& clock() const noexcept { return *clock_; }

private:
    std::shared_ptr<clk::Clock> clock_;
};

// What a model hands back to its wire adapter: the bytes of one reply and how long the
// instrument takes to produce them (real seconds, before the bytes start on the wire).
struct WireReply {
    std::string bytes;
    double processing_s = 0.0;
};

}  // namespace edc::sim
