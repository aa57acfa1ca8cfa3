#include "control/loop/scheduler.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "control/loop/pump_rate.hpp"

namespace edc::loop {

namespace {

double lag_fraction(double dt, double tau) noexcept {
    return tau > 0.0 ? -std::expm1(-dt / tau) : 1.0;
}

}  // namespace

Scheduler::Scheduler(plan::FeedPlan plan, const model::CellParams& cell, const plan::PumpLimits& pump,
                     const SchedulerConfig& config)
    : plan_(std::move(plan)),
      cell_(cell),
      pump_(pump),
      config_(config),
      digits_(rate_significant_digits(pump.rate_resolution_rel)),
      metal_per_coulomb_(model::metal_mol_per_coulomb(cell.chemistry)),
      tau_mix_(std::max(0.0, cell.cell.mixing_time_s)),
      tau_pump_(std::max(0.0, pump.flow_lag_s)),
      lead_ramp_c_(std::max(0.0, config.lead_ramp_lags) * (tau_mix_ + tau_pump_) * plan_.totals.current_a) {
    if (config_.max_rate_step_m3_per_s <= 0.0)
        config_.max_rate_step_m3_per_s = 0.25 * pump_.max_rate_m3_per_s;
    if (!plan_.points.empty()) {
        start_charge_c_ = plan_.points.front().charge_c;
        counter_base_m3_ = plan_.points.front().fed_m3 - plan_.prebolus_m3;
    }
    reset();
}

void Scheduler::reset() noexcept {
    started_ = false;
    last_time_ = 0.0;
    last_command_time_ = 0.0;
    charge_ = start_charge_c_;
    command_ = 0.0;
    limited_ = false;
    bulk_ = plan_.start_bath;
    electrode_ = bulk_.concentrations();
    plunger_ = plan_.prebolus_m3 + counter_base_m3_;
    delivered_rate_ = 0.0;
    film_metal_mol_ = 0.0;
    film_bi_mol_ = 0.0;
}

// Bath and pump observer over dt with the command that was in force.
void Scheduler::observe(double dt, double current) noexcept {
    if (dt <= 0.0) return;
    const double q_cmd = command_;
    const double q_prev = delivered_rate_;
    delivered_rate_ += (q_cmd - q_prev) * lag_fraction(dt, tau_pump_);
    plunger_ += q_cmd * dt;

    const double x_film = model::film_x_bi(cell_.chemistry.selectivity, electrode_);
    const auto rates = model::bath_rates(cell_, bulk_, 0.5 * (q_prev + delivered_rate_), x_film,
                                         metal_per_coulomb_ * current);
    bulk_ = model::advance(bulk_, rates, dt);
    const auto bulk_c = bulk_.concentrations();
    const double f = lag_fraction(dt, tau_mix_);
    electrode_.bi_mol_per_m3 += (bulk_c.bi_mol_per_m3 - electrode_.bi_mol_per_m3) * f;
    electrode_.sb_mol_per_m3 += (bulk_c.sb_mol_per_m3 - electrode_.sb_mol_per_m3) * f;
    charge_ += current * dt;
    film_metal_mol_ += metal_per_coulomb_ * current * dt;
    film_bi_mol_ += x_film * metal_per_coulomb_ * current * dt;
}

double Scheduler::w_ahead(double q) const noexcept {
    return q >= plan_.totals.charge_c ? 0.0 : plan_.w_at(q);
}

// How much of the lead is in force: 0 at the first tick, rising linearly with charge to 1 after
// lead_ramp_lags lag times at the plan's current. The lead is volume the plan owes ahead of the
// charge; brought in over k lag times it adds about 1/k of the plan's rate (0.67 at k = 1.5)
// instead of arriving as one step that the step limit and the pump lag turn into ringing.
double Scheduler::lead_share() const noexcept {
    return lead_ramp_c_ > 0.0 ? std::min(1.0, (charge_ - start_charge_c_) / lead_ramp_c_) : 1.0;
}

// Feedforward w(Q + I (tau_mix + tau_pump)) I: the bulk must lead the electrode by the mixing
// lag and the plunger must lead the bulk by the pump lag. Feedback keeps the plunger where
// the plan wants it: delivered volume on plan at Q + I tau_mix, plus the volume a first-order
// compliance holds back at that flow (tau_pump q).
double Scheduler::control_law(double current, bool& limited) const noexcept {
    const double share = lead_share();
    const double lead_mix = config_.lead_compensation ? share * current * tau_mix_ : 0.0;
    const double lead_pump = config_.lead_compensation ? share * current * tau_pump_ : 0.0;
    const double q_mix = charge_ + lead_mix;
    double q = w_ahead(q_mix + lead_pump) * current;
    if (config_.volume_feedback) {
        const double plunger_target = plan_.fed_at(q_mix) + share * tau_pump_ * w_ahead(q_mix) * current;
        q += config_.volume_gain_per_s * (plunger_target - plunger_);
    }
    const double step = config_.max_rate_step_m3_per_s;
    double out = std::clamp(q, 0.0, pump_.max_rate_m3_per_s);
    if (step > 0.0) out = std::clamp(out, command_ - step, command_ + step);
    out = pump_setting(out, pump_, digits_);
    limited = q > out * (1.0 + 1e-3) + 1e-15;
    return out;
}

SchedulerOutput Scheduler::tick(const SchedulerInputs& in) noexcept {
    const double dt = started_ ? std::max(0.0, in.time_s - last_time_) : 0.0;
    if (!started_) last_command_time_ = in.time_s - config_.command_period_s;
    started_ = true;
    last_time_ = std::max(last_time_, in.time_s);
    const double current = in.current_on ? std::max(0.0, in.current_a) : 0.0;

    observe(dt, current);
    if (in.dispensed_valid && in.dispensed_age_s >= 0.0 &&
        in.dispensed_age_s <= config_.counter_stale_after_s) {
        // the counter is older than now by its age, during which the plunger ran at the command
        const double counter_now = counter_base_m3_ + in.dispensed_m3 + command_ * in.dispensed_age_s;
        plunger_ += (counter_now - plunger_) * lag_fraction(dt, config_.counter_correction_time_s);
    }

    SchedulerOutput out;
    out.done = charge_ >= plan_.totals.charge_c;
    const bool may_command = in.time_s - last_command_time_ >= config_.command_period_s - 1e-9;
    if (!in.current_on || out.done || !pump_.present) {
        command_ = 0.0;
        limited_ = false;
    } else if (may_command) {
        command_ = control_law(current, limited_);
        last_command_time_ = in.time_s;
    }
    out.rate_limited = limited_;

    out.feed_rate_m3_per_s = command_;
    out.bath.bulk = bulk_;
    out.bath.electrode = electrode_;
    out.bath.plunger_m3 = plunger_;
    out.bath.delivered_rate_m3_per_s = delivered_rate_;
    out.bath.delivered_m3 = plunger_ - tau_pump_ * delivered_rate_;
    out.charge_c = charge_;
    out.depth_m = plan_.depth_at(charge_);
    out.x_bi_predicted = model::film_x_bi(cell_.chemistry.selectivity, electrode_);
    out.x_bi_target = plan_.x_target_at(charge_);
    out.planned_fed_m3 = plan_.fed_at(charge_);
    out.film_metal_mol = film_metal_mol_;
    out.film_bi_mol = film_bi_mol_;
    return out;
}

}  // namespace edc::loop
