#pragma once
// What crosses between the runtime's threads, by value, through SPSC queues.
#include <atomic>

#include "control/loop/scheduler.hpp"
#include "control/run/interlocks.hpp"

namespace edc::app {

// Galvanostat channel -> control loop.
struct GalvanostatSample {
    double t_s = 0.0;
    double current_a = 0.0;  // cathodic positive
    double potential_v = 0.0;
    bool in_compliance = false;
};

// Pump channel -> control loop.
struct PumpSample {
    double t_s = 0.0;
    double dispensed_m3 = 0.0;
};

// Control loop -> supervisor, at the journal's sample rate and on every trip or completion.
struct TickRecord {
    double t_s = 0.0;
    loop::SchedulerOutput out;
    double current_a = 0.0;
    double potential_v = 0.0;
    double dispensed_m3 = 0.0;
    bool tripped = false;
    run::InterlockReport trip{};
};

// The feed the loop commands and the pump channel carries out. `enabled` is switched by the
// run's actions (deposition on, hold, safe state); `rate` is written by the loop each tick.
struct FeedCommand {
    std::atomic<bool> enabled{false};
    std::atomic<double> rate_m3_per_s{0.0};
    [[nodiscard]] double wanted() const noexcept { return enabled.load() ? rate_m3_per_s.load() : 0.0; }
};

}  // namespace edc::app
