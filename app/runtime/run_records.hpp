#pragma once
// What crosses between the runtime's threads, by value, through SPSC queues.
#include <atomic>

#include "app/journal/journal_records.hpp"
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

// The journal's sample of one tick: what the instruments said (current, potential, the pump's
// counter) and what the scheduler made of it. The control loop's and the journal benchmark's.
[[nodiscard]] inline journal::JournalSample journal_sample(double t_s, const loop::SchedulerOutput& out,
                                                           double current_a, double potential_v,
                                                           double dispensed_m3) noexcept {
    journal::JournalSample s;
    s.t_s = t_s;
    s.current_a = current_a;
    s.potential_v = potential_v;
    s.charge_c = out.charge_c;
    s.feed_rate_m3_s = out.feed_rate_m3_per_s;
    s.dispensed_m3 = dispensed_m3;
    s.volume_m3 = out.bath.bulk.volume_m3;
    s.n_bi = out.bath.bulk.n_bi_mol;
    s.n_sb = out.bath.bulk.n_sb_mol;
    s.depth_m = out.depth_m;
    s.x_bi_predicted = out.x_bi_predicted;
    s.x_bi_target = out.x_bi_target;
    return s;
}

// The feed the loop commands and the pump channel carries out. `enabled` is switched by the
// run's actions (deposition on, hold, safe state); `rate` is written by the loop each tick.
struct FeedCommand {
    std::atomic<bool> enabled{false};
    std::atomic<double> rate_m3_per_s{0.0};
    [[nodiscard]] double wanted() const noexcept { return enabled.load() ? rate_m3_per_s.load() : 0.0; }
};

}  // namespace edc::app
