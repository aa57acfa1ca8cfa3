// RunSession::Impl's checks for a resumed run (job thread, in `checking`): ask the instruments
// what they are doing, make them safe if they were left working, count what they did while no
// controller watched, rebuild the bath, re-plan the rest of the profile, and ask the operator.
// Nothing is energised here. See resume_state.hpp.
#include <algorithm>
#include <cmath>

#include "app/runtime/runtime_text.hpp"
#include "app/runtime/session_impl.hpp"
#include "control/decimal.hpp"
#include "control/plan/planner.hpp"

namespace edc::app {

namespace {

// A safe-state step's answer, waited for on the run's clock (a virtual clock moves on meanwhile).
SafeStepOutcome settle(clk::Clock& clock, std::future<SafeStepOutcome> f, const char* what) {
    if (!clk::wait_ready(clock, f, clock.now_s() + clock.real_to_clock(call_limit))) {
        return {fail("timeout", std::string(what) + " did not answer in time"), {}};
    }
    return f.get();
}

}  // namespace

std::optional<std::string> RunSession::Impl::check_resume(const std::string& found_instruments_json) {
    const ResumeFrom& from = *options_.resume;
    const auto& r = options_.recipe;
    if (auto differ = identity_mismatch(from.instruments_json, found_instruments_json); !differ.empty()) {
        return "the instruments are not the interrupted run's: " + differ;
    }
    ResumeFindings f;
    f.resumes_run = from.run_id;
    f.depth_before_m = from.last.depth_m;

    // The state first: a Keithley keeps its output on when its controller dies, a pump keeps
    // pumping until its own watchdog or target stops it. Both are made safe at once (switching
    // off energises nothing); the dead time ends when the output goes off.
    auto on = await(clock_.clock(), galvanostat_->output_state(), "galvanostat");
    if (!on) return "galvanostat output state unknown: " + describe(on.error());
    f.output_was_on = *on;
    if (f.output_was_on) {
        const auto off = settle(clock_.clock(), galvanostat_->make_safe(), "galvanostat");
        if (!off.result)
            return "the galvanostat's output was on and could not be switched off: " +
                   describe(off.result.error());
    }
    f.gap_s = from.gap_s + run_time();
    if (pump_) {
        auto st = await(clock_.clock(), pump_->status(), "pump");
        if (!st) return "pump state unknown: " + describe(st.error());
        f.pump_was_running = st->state == PumpState::infusing;
        if (f.pump_was_running) {
            const auto stop = settle(clock_.clock(), pump_->make_safe(), "pump");
            if (!stop.result)
                return "the pump was running and could not be stopped: " + describe(stop.result.error());
            pump_->start_keepalive();
            st = await(clock_.clock(), pump_->status(), "pump");
            if (!st) return "pump state unknown after stopping it: " + describe(st.error());
        }
        f.pump_counter_m3 = st->dispensed_m3;
    }
    // What happened while dead: the pump's counter says what it dispensed beyond the journal;
    // an output found on passed the set current for the whole gap.
    f.gap_volume_m3 = pump_ ? std::max(0.0, f.pump_counter_m3 - from.last.dispensed_m3) : 0.0;
    f.gap_charge_c = f.output_was_on ? f.gap_s * from.set_current_a : 0.0;
    const auto bath =
        bath_after_gap(r.plan.cell, from.last, f.gap_volume_m3, f.gap_charge_c, from.last.x_bi_predicted);
    f.start.charge_c = from.last.charge_c + f.gap_charge_c;
    f.start.bath_volume_m3 = bath.volume_m3;
    f.start.c_bi_mol_per_m3 = bath.n_bi_mol / bath.volume_m3;
    f.start.c_sb_mol_per_m3 = bath.n_sb_mol / bath.volume_m3;
    f.start.fed_m3 = std::max(f.pump_counter_m3, from.last.dispensed_m3);

    plan::PlanRequest req = r.plan;
    req.start = f.start;
    auto plan = plan::make_plan(req);
    if (!plan) return "the rest of the profile cannot be planned: " + plan.error().summary();
    if (plan->points.empty() || plan->points.back().charge_c <= f.start.charge_c) {
        return "nothing is left to deposit: the interrupted run had reached " +
               decimal::fixed(f.start.charge_c, 3) + " C of " + decimal::fixed(plan_.totals.charge_c, 3) +
               " C";
    }
    for (const auto& w : plan->warnings) f.warnings.push_back(w.code + ": " + w.message);
    f.remaining_charge_c = plan->points.back().charge_c - f.start.charge_c;

    // The continuation's pump counter starts at 0 when it primes: the syringe holds what is left.
    limits_.syringe_volume_m3 = std::max(0.0, limits_.syringe_volume_m3 - f.start.fed_m3);
    plan_ = std::move(*plan);
    loop_.replan(plan_, r.plan.cell, r.plan.pump, limits_);
    {
        std::lock_guard lock(mutex_);
        snapshot_.nominal_duration_s = plan_.totals.duration_s;
        snapshot_.planned_charge_c = plan_.totals.charge_c;
        snapshot_.charge_c = f.start.charge_c;
        snapshot_.volume_m3 = f.start.bath_volume_m3;
        resume_findings_ = f;
    }
    if (!options_.confirm_resume || !options_.confirm_resume(f)) {
        return std::string("the operator did not confirm (nothing was energised)");
    }
    return std::nullopt;
}

}  // namespace edc::app
