#include "control/twin/twin.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "control/loop/pump_rate.hpp"
#include "control/model/units.hpp"
#include "control/plan/planner.hpp"
#include "control/text.hpp"
#include "control/twin/profile_recorder.hpp"

namespace edc::twin {

const char* to_string(FeedStrategy f) noexcept {
    switch (f) {
        case FeedStrategy::scheduled:
            return "scheduled";
        case FeedStrategy::constant:
            return "constant";
        case FeedStrategy::open_loop:
            return "open_loop";
    }
    return "?";
}

const char* to_string(Disturbance d) noexcept {
    return d == Disturbance::none ? "none" : "standard";
}

DisturbanceSet DisturbanceSet::none() noexcept {
    DisturbanceSet d;
    d.mixing_time_s = 0.0;
    d.pump_lag_s = 0.0;
    d.rate_digits = 15;
    d.current_noise_rel = 0.0;
    d.dip_duration_s = 0.0;
    d.hold_duration_s = 0.0;
    return d;
}

namespace {

double lag_fraction(double dt, double tau) {
    return tau > 0.0 ? -std::expm1(-dt / tau) : 1.0;
}

// The cell as the twin sees it: what the scheduler is told matches the simulated physics.
struct TwinCell {
    model::CellParams cell;
    plan::PumpLimits pump;
};

TwinCell twin_cell(const plan::PlanRequest& req, const DisturbanceSet& d) {
    TwinCell c{req.cell, req.pump};
    c.cell.cell.mixing_time_s = d.mixing_time_s;
    c.pump.flow_lag_s = d.pump_lag_s;
    c.pump.rate_resolution_rel = std::pow(10.0, -d.rate_digits);
    return c;
}

// The feed strategy: a pump rate request at each command instant.
class Feeder {
public:
    Feeder(FeedStrategy f, const plan::FeedPlan& plan, const TwinCell& c, const loop::SchedulerConfig& cfg)
        : feed_(f),
          plan_(plan),
          scheduler_(plan, c.cell, c.pump, cfg),
          constant_rate_((plan.totals.feed_volume_m3 - plan.prebolus_m3) / plan.totals.duration_s) {}

    // Called every scheduler tick; returns the latest request.
    double tick(const loop::SchedulerInputs& in, double run_time_s, double plunger_m3, bool command_now) {
        if (feed_ == FeedStrategy::scheduled) return scheduler_.tick(in).feed_rate_m3_per_s;
        if (!command_now) return request_;
        if (!in.current_on) {
            request_ = 0.0;
        } else if (feed_ == FeedStrategy::constant) {
            request_ = plunger_m3 < plan_.totals.feed_volume_m3 ? constant_rate_ : 0.0;
        } else {
            request_ = plan_.feed_rate_at_time(run_time_s);
        }
        return request_;
    }

private:
    FeedStrategy feed_;
    const plan::FeedPlan& plan_;
    loop::Scheduler scheduler_;
    double constant_rate_;
    double request_ = 0.0;
};

// The controller's own model as the plant: mass balance stepped by model::advance, the
// electrode lagging the bulk by the disturbance set's mixing time.
class ModelPlant final : public Plant {
public:
    explicit ModelPlant(const model::CellParams& cell)
        : cell_(cell), a_(model::metal_mol_per_coulomb(cell.chemistry)) {}

    void prime(const plan::FeedPlan& plan) override {
        bath_ = plan.start_bath;  // the planner's account of the bolus
        electrode_ = bath_.concentrations();
    }

    PlantStep advance(double h, double current, double q_mean) override {
        const double x_film = model::film_x_bi(cell_.chemistry.selectivity, electrode_);
        const double r = a_ * current;
        bath_ = model::advance(bath_, model::bath_rates(cell_, bath_, q_mean, x_film, r), h);
        const auto c = bath_.concentrations();
        const double f = lag_fraction(h, cell_.cell.mixing_time_s);
        electrode_.bi_mol_per_m3 += (c.bi_mol_per_m3 - electrode_.bi_mol_per_m3) * f;
        electrode_.sb_mol_per_m3 += (c.sb_mol_per_m3 - electrode_.sb_mol_per_m3) * f;
        if (r <= 0.0) return {};
        return {r * h, x_film, model::thickness_m(cell_, r * h, x_film)};
    }

    [[nodiscard]] double volume_m3() const override { return bath_.volume_m3; }

private:
    model::CellParams cell_;
    double a_;
    model::BathState bath_;
    model::Concentrations electrode_;
};

}  // namespace

TwinResult simulate(const plan::PlanRequest& req, const plan::FeedPlan& plan, const TwinOptions& opt,
                    const DisturbanceSet& d) {
    ModelPlant plant(twin_cell(req, d).cell);
    return simulate(req, plan, opt, d, plant);
}

TwinResult simulate(const plan::PlanRequest& req, const plan::FeedPlan& plan, const TwinOptions& opt,
                    const DisturbanceSet& d, Plant& plant) {
    const TwinCell tc = twin_cell(req, d);
    const double nominal_i = plan.totals.current_a;
    const double q_total = plan.totals.charge_c;
    const double t_nominal = plan.totals.duration_s;
    const double hold_start = d.hold_start_fraction * t_nominal;
    const double hold_end = hold_start + d.hold_duration_s;
    const double dip_start = d.dip_start_fraction * t_nominal;
    const double dip_end = dip_start + d.dip_duration_s;
    const double tick_dt = 1.0 / opt.scheduler_hz;
    const int substeps = std::max(1, static_cast<int>(std::lround(tick_dt / opt.physics_dt_s)));
    const double dt = tick_dt / substeps;
    const int ticks_per_command =
        std::max(1, static_cast<int>(std::lround(opt.scheduler_hz / opt.command_hz)));
    const double t_limit = 5.0 * t_nominal + d.hold_duration_s + 60.0;

    auto cfg = opt.scheduler;
    cfg.command_period_s = ticks_per_command * tick_dt - 0.5 * tick_dt;
    Feeder feeder(opt.feed, plan, tc, cfg);
    std::mt19937_64 rng(opt.seed);
    std::normal_distribution<double> noise(0.0, 1.0);

    plant.prime(plan);
    double plunger = plan.prebolus_m3;
    double delivered = plan.prebolus_m3;
    double q_pump = 0.0;       // plunger rate the pump runs
    double q_delivered = 0.0;  // flow reaching the bath
    double counter = plunger;  // last counter reading
    double counter_time = 0.0;
    double charge = 0.0;
    double run_time = 0.0;  // with current on
    ProfileRecorder recorder(plan.totals.thickness_m, opt.profile_points);

    TwinResult res;
    res.feed = opt.feed;
    double t = 0.0;
    double t_now = 0.0;  // virtual time reached, within the last tick at the end
    for (long k = 0; charge < q_total && t < t_limit; ++k) {
        t = static_cast<double>(k) * tick_dt;
        const bool hold = t >= hold_start && t < hold_end;
        const bool dip = t >= dip_start && t < dip_end;
        const double level = dip ? d.dip_level : 1.0;
        const double current = hold ? 0.0 : nominal_i * level * (1.0 + d.current_noise_rel * noise(rng));
        const bool command_now = k % ticks_per_command == 0;
        if (command_now) {
            counter = plunger;
            counter_time = t;
        }
        const loop::SchedulerInputs in{t, current, !hold, counter, true, t - counter_time};
        const double request = feeder.tick(in, run_time, plunger, command_now);
        if (command_now) q_pump = hold ? 0.0 : loop::pump_setting(request, tc.pump, d.rate_digits);
        if (hold) q_pump = 0.0;  // the operator's stop reaches the pump at once
        if (opt.record_trace && command_now) res.trace.push_back({t, current, charge, counter, q_pump});
        res.totals.max_rate_m3_per_s = std::max(res.totals.max_rate_m3_per_s, q_pump);
        if (const double planned = plan.w_at(charge) * nominal_i; planned > 0.0 && !hold) {
            if (q_pump / planned > res.totals.max_rate_over_plan) {
                res.totals.max_rate_over_plan = q_pump / planned;
                res.totals.max_rate_over_plan_at_c = charge;
            }
        }

        for (int s = 0; s < substeps && charge < q_total; ++s) {
            double h = dt;
            if (current > 0.0 && charge + current * h > q_total) h = (q_total - charge) / current;
            const double q_prev = q_delivered;
            q_delivered += (q_pump - q_delivered) * lag_fraction(h, d.pump_lag_s);
            const double q_mean = 0.5 * (q_prev + q_delivered);
            const PlantStep step = plant.advance(h, current, q_mean);
            if (step.metal_mol > 0.0) recorder.deposit(step.thickness_m, step.metal_mol, step.x_bi);
            charge += current * h;
            plunger += q_pump * h;
            delivered += q_mean * h;
            t_now = t + static_cast<double>(s) * dt + h;
        }
        if (!hold) run_time += tick_dt;
    }
    // The run ends where the charge is reached (within the last tick): its last reading.
    if (opt.record_trace && !res.trace.empty() && res.trace.back().t_s < t_now) {
        res.trace.push_back({t_now, res.trace.back().current_a, charge, plunger, 0.0});
    }

    res.disturbance =
        d.hold_duration_s > 0.0 || d.current_noise_rel > 0.0 ? Disturbance::standard : Disturbance::none;
    res.profile = recorder.profile(plan);
    double sum_sq = 0.0;
    for (const auto& p : res.profile) {
        const double e = p.x_achieved - p.x_target;
        sum_sq += e * e;
        res.max_abs_x_bi = std::max(res.max_abs_x_bi, std::abs(e));
    }
    res.rms_x_bi = res.profile.empty() ? 0.0 : std::sqrt(sum_sq / static_cast<double>(res.profile.size()));
    res.totals.duration_s = t + tick_dt;
    res.totals.charge_c = charge;
    res.totals.thickness_m = recorder.thickness_m();
    res.totals.fed_m3 = delivered;
    res.totals.final_volume_m3 = plant.volume_m3();
    res.totals.hold_s = d.hold_duration_s;
    return res;
}

TwinResult simulate(const plan::PlanRequest& req, const plan::FeedPlan& plan, const TwinOptions& opt) {
    auto r = simulate(req, plan, opt, DisturbanceSet::of(opt.disturbance));
    r.disturbance = opt.disturbance;
    return r;
}

Result<TwinResult> simulate(const plan::PlanRequest& req, const TwinOptions& opt) {
    const auto plan = plan::make_plan(req);
    if (!plan) return std::unexpected(plan.error().to_error());
    return simulate(req, *plan, opt);
}

std::array<TwinResult, 3> compare_strategies(const plan::PlanRequest& req, const plan::FeedPlan& plan,
                                             Disturbance disturbance, std::uint64_t seed) {
    std::array<TwinResult, 3> out;
    const std::array<FeedStrategy, 3> feeds{FeedStrategy::scheduled, FeedStrategy::constant,
                                            FeedStrategy::open_loop};
    for (std::size_t i = 0; i < feeds.size(); ++i) {
        TwinOptions opt;
        opt.disturbance = disturbance;
        opt.feed = feeds[i];
        opt.seed = seed;
        out[i] = simulate(req, plan, opt);
    }
    return out;
}

std::string comparison_table(const std::array<TwinResult, 3>& results) {
    std::string out = strf("%-10s | %12s | %12s | %9s | %10s | %12s\n", "feed", "RMS at.% Bi", "max at.% Bi",
                           "fed mL", "time s", "max mL/min");
    out += "-----------|--------------|--------------|-----------|------------|-------------\n";
    for (const auto& r : results) {
        out += strf("%-10s | %12.3f | %12.3f | %9.2f | %10.1f | %12.2f\n", to_string(r.feed),
                    100.0 * r.rms_x_bi, 100.0 * r.max_abs_x_bi, units::m3_to_ml(r.totals.fed_m3),
                    r.totals.duration_s, units::m3_per_s_to_ml_per_min(r.totals.max_rate_m3_per_s));
    }
    return out;
}

}  // namespace edc::twin
