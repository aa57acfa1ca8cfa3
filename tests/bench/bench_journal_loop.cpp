// The scheduler loop beside the journal: control's LoopRunner at the run's rate (20 Hz, as
// RunSession runs it) with the real tick (Scheduler::tick on the paper's plan, the sample built
// and pushed as app/runtime/session_impl.cpp does), with and without a JournalWriter committing
// those samples to a WAL file, and the same at a 1 kHz loop journaling every tick (stress).
// Reports each tick's wake-up lateness (p50, p99, max; relative to the least-late tick, so
// each is low by the smallest wake-up latency, a few us) and overruns as counters, one row per
// configuration, all in one run:
//   build/<dir>/tests/bench/edc-bench --benchmark_filter=BM_LoopBesideJournal
// EDC_BENCH_LOOP_S scales the run time of each row (default 30 s at 20 Hz, 10 s at 1 kHz).
// Timing is reported, never asserted.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "app/journal/journal_writer.hpp"
#include "app/journal/run_journal.hpp"
#include "app/runtime/run_records.hpp"
#include "control/loop/loop_runner.hpp"
#include "control/loop/scheduler.hpp"
#include "control/model/units.hpp"
#include "control/plan/planner.hpp"

namespace {

using namespace edc;

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

double monotonic_s() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0.0;
    const auto k = static_cast<std::size_t>(std::llround(p * static_cast<double>(v.size() - 1)));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

// Args: loop rate (Hz), journal sample rate (Hz; 0 = no JournalWriter at all).
void BM_LoopBesideJournal(benchmark::State& state) {
    const auto loop_hz = static_cast<double>(state.range(0));
    const auto sample_hz = static_cast<double>(state.range(1));
    double seconds = loop_hz <= 20.0 ? 30.0 : 10.0;
    if (const char* env = std::getenv("EDC_BENCH_LOOP_S")) seconds *= std::atof(env) / 30.0;
    const auto ticks = static_cast<std::uint64_t>(seconds * loop_hz);

    const auto req = paper_request();
    const auto plan = plan::make_plan(req);
    if (!plan) {
        state.SkipWithError("plan failed");
        return;
    }
    std::string dir = (std::filesystem::temp_directory_path() / "edc-bench-loop-XXXXXX").string();
    if (mkdtemp(dir.data()) == nullptr) {
        state.SkipWithError("mkdtemp failed");
        return;
    }
    const std::string db = dir + "/bench.sqlite";
    std::unique_ptr<journal::JournalWriter> writer;
    if (sample_hz > 0.0) {
        auto j = journal::RunJournal::open(db);
        if (!j) {
            state.SkipWithError(j.error().message.c_str());
            return;
        }
        journal::RunStart start;
        start.recipe_name = "bench-loop";
        auto id = j->begin_run(start);
        if (!id) {
            state.SkipWithError(id.error().message.c_str());
            return;
        }
        auto w = journal::JournalWriter::start(db, *id);
        if (!w) {
            state.SkipWithError(w.error().message.c_str());
            return;
        }
        writer = std::move(*w);
    }

    std::vector<double> lateness(ticks, 0.0);  // preallocated: the tick writes, never allocates
    loop::LoopStats stats;
    for (auto _ : state) {
        loop::Scheduler scheduler(*plan, req.cell, req.pump);
        loop::LoopOptions lo;
        lo.period_s = 1.0 / loop_hz;
        lo.try_lock_memory = false;  // as RunSession
        lo.max_ticks = ticks;
        loop::LoopRunner runner(lo);
        const double current = plan->totals.current_a;
        const double sample_period = sample_hz > 0.0 ? 1.0 / sample_hz : 0.0;
        double next_sample = 0.0;
        double counter = 0.0;
        stats = runner.run([&](const loop::TickContext& ctx) {
            // Wake-up minus deadline, up to the unknown start instant of the runner; made relative
            // to the least-late tick below (clock_nanosleep never wakes early).
            lateness[ctx.index] = monotonic_s() - ctx.time_s;
            const double t = ctx.time_s;
            const auto out = scheduler.tick({t, current, true, counter, true, 0.05});
            counter += out.feed_rate_m3_per_s / loop_hz;
            if (writer && t >= next_sample) {
                next_sample += sample_period;
                if (next_sample < t - sample_period) next_sample = t + sample_period;
                writer->push(app::journal_sample(t, out, current, 0.0, counter));
            }
            benchmark::DoNotOptimize(out);
        });
    }
    std::uint64_t written = 0;
    std::uint64_t batches = 0;
    if (writer) {
        (void)writer->stop();
        written = writer->samples_written();
        batches = writer->batches_written();
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);

    lateness.resize(std::min<std::size_t>(lateness.size(), stats.ticks));
    if (!lateness.empty()) {
        const double earliest = *std::min_element(lateness.begin(), lateness.end());
        for (double& l : lateness) l -= earliest;
    }
    state.counters["loop_hz"] = loop_hz;
    state.counters["journal_hz"] = sample_hz;
    state.counters["ticks"] = static_cast<double>(stats.ticks);
    state.counters["overruns"] = static_cast<double>(stats.overruns);
    state.counters["late_p50_us"] = 1e6 * percentile(lateness, 0.50);
    state.counters["late_p99_us"] = 1e6 * percentile(lateness, 0.99);
    state.counters["late_max_us"] =
        1e6 * (lateness.empty() ? 0.0 : *std::max_element(lateness.begin(), lateness.end()));
    state.counters["runner_max_late_us"] = 1e6 * stats.max_lateness_s;
    state.counters["fifo"] = stats.realtime_granted ? 1.0 : 0.0;
    state.counters["samples_written"] = static_cast<double>(written);
    state.counters["batches"] = static_cast<double>(batches);
}
BENCHMARK(BM_LoopBesideJournal)
    ->ArgNames({"loop_hz", "journal_hz"})
    ->Args({20, 0})
    ->Args({20, 10})
    ->Args({1000, 0})
    ->Args({1000, 1000})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace
