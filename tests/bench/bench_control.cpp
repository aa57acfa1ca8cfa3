// edc-bench: control core. Run: build/<dir>/tests/bench/edc-bench
// --benchmark_filter='BM_(SchedulerTick|Plan|TwinRun)'
#include <benchmark/benchmark.h>

#include <cmath>

#include "control/loop/scheduler.hpp"
#include "control/model/units.hpp"
#include "control/plan/planner.hpp"
#include "control/twin/twin.hpp"

using namespace edc;

namespace {

plan::PlanRequest paper_request() {
    plan::PlanRequest r;
    r.cell.chemistry.current_efficiency = 0.725;
    r.cell.chemistry.packing_fraction = 0.868;
    r.cell.cell.mode = model::CellMode::growing;
    r.cell.cell.initial_volume_m3 = units::ml_to_m3(20.0);
    r.cell.cell.max_volume_m3 = units::ml_to_m3(150.0);
    r.cell.cell.electrode_area_m2 = units::cm2_to_m2(1.0);
    r.deposit.current_density_a_per_m2 = units::ma_per_cm2_to_a_per_m2(5.7);
    r.deposit.duration_s = 200.0;
    r.deposit.profile = {{0.0, 0.50}, {1.0, 0.16}};
    r.pump.max_rate_m3_per_s = units::ml_per_min_to_m3_per_s(100.0);
    r.pump.syringe_volume_m3 = units::ml_to_m3(140.0);
    return r;
}

void BM_SchedulerTick(benchmark::State& state) {
    const auto req = paper_request();
    const auto plan = plan::make_plan(req);
    loop::Scheduler s(*plan, req.cell, req.pump);
    const double current = plan->totals.current_a;
    double t = 0.0;
    double counter = 0.0;
    for (auto _ : state) {
        const auto out = s.tick({t, current, true, counter, true, 0.05});
        counter += out.feed_rate_m3_per_s * 0.002;
        t += 0.002;
        if (out.done) {
            s.reset();
            t = 0.0;
            counter = 0.0;
        }
        benchmark::DoNotOptimize(out);
    }
}
BENCHMARK(BM_SchedulerTick);

// A curved, non-increasing profile given as N points.
void BM_Plan(benchmark::State& state) {
    auto req = paper_request();
    const auto n = static_cast<int>(state.range(0));
    req.deposit.profile.clear();
    for (int i = 0; i < n; ++i) {
        const double s = static_cast<double>(i) / (n - 1);
        req.deposit.profile.push_back({s, 0.16 + 0.34 * std::pow(1.0 - s, 1.3)});
    }
    for (auto _ : state) {
        auto plan = plan::make_plan(req);
        if (!plan) state.SkipWithError("plan failed");
        benchmark::DoNotOptimize(plan);
    }
    state.counters["profile_points"] = n;
    state.counters["grid_steps"] = req.steps;
}
BENCHMARK(BM_Plan)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// One 200 s twin run (virtual clock, standard disturbances, closed loop); the counters give
// the error of each strategy so the table carries the comparison.
void BM_TwinRun(benchmark::State& state) {
    const auto req = paper_request();
    const auto plan = plan::make_plan(req);
    twin::TwinOptions opt;
    twin::TwinResult r;
    for (auto _ : state) {
        r = twin::simulate(req, *plan, opt);
        benchmark::DoNotOptimize(r);
    }
    const auto all = twin::compare_strategies(req, *plan, twin::Disturbance::standard, 1);
    state.counters["rms_sched_atpct"] = 100.0 * all[0].rms_x_bi;
    state.counters["rms_const_atpct"] = 100.0 * all[1].rms_x_bi;
    state.counters["rms_open_atpct"] = 100.0 * all[2].rms_x_bi;
}
BENCHMARK(BM_TwinRun)->Unit(benchmark::kMillisecond);

}  // namespace
