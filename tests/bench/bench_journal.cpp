// Journal throughput into a WAL database on disk (TMPDIR): samples/s sustained through the
// writer thread, and the raw cost of one batch transaction. Target: 100 000 samples/s. And
// what sealing a day-long run costs at end_run (BM_JournalSealDayLong).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "app/journal/journal_writer.hpp"
#include "app/journal/run_journal.hpp"
#include "recipes/format/sha256.hpp"

namespace {

using namespace edc::journal;

class BenchDir {
public:
    BenchDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "edc-bench-journal-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) std::abort();
        path_ = pattern;
    }
    ~BenchDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    [[nodiscard]] std::string db() const { return (path_ / "bench.sqlite").string(); }

private:
    std::filesystem::path path_;
};

JournalSample sample(std::int64_t i) {
    JournalSample s;
    s.t_s = 0.01 * static_cast<double>(i);
    s.current_a = 5.7e-3;
    s.potential_v = -0.3;
    s.charge_c = 5.7e-3 * s.t_s;
    s.feed_rate_m3_s = 1.3e-7;
    s.dispensed_m3 = 1.3e-7 * s.t_s;
    s.volume_m3 = 20e-6 + s.dispensed_m3;
    s.n_bi = 1e-3;
    s.n_sb = 1e-3;
    s.depth_m = 3e-9 * s.t_s;
    s.x_bi_predicted = 0.4;
    s.x_bi_target = 0.4;
    return s;
}

RunStart start() {
    RunStart s;
    s.recipe_name = "bench";
    s.recipe_text = "bench";
    s.recipe_sha256 = "00";
    s.software_version = "bench";
    s.git_revision = "bench";
    s.operator_name = "bench";
    return s;
}

// Each iteration pushes a block of samples through the writer and waits until all of it is
// committed, so the rate is what SQLite sustains, not what the queue absorbs.
void BM_JournalSamples(benchmark::State& state) {
    const auto block = static_cast<std::int64_t>(state.range(0));
    BenchDir dir;
    auto journal = RunJournal::open(dir.db()).value();
    const auto run = journal.begin_run(start()).value();
    auto writer = JournalWriter::start(dir.db(), run).value();
    std::int64_t i = 0;
    std::int64_t full_waits = 0;
    for (auto _ : state) {
        for (std::int64_t k = 0; k < block; ++k, ++i) {
            const JournalSample s = sample(i);
            while (!writer->push(s)) {
                ++full_waits;
                std::this_thread::yield();
            }
        }
        if (!writer->flush()) state.SkipWithError("journal write failed");
    }
    (void)writer->stop();
    state.SetItemsProcessed(state.iterations() * block);
    state.counters["samples_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations() * block), benchmark::Counter::kIsRate);
    state.counters["queue_full_waits"] = static_cast<double>(full_waits);
}
BENCHMARK(BM_JournalSamples)->Arg(100000)->Iterations(10)->Unit(benchmark::kMillisecond)->UseRealTime();

// One transaction of N samples through RunJournal::append, no thread. N = 1 is a batch at 10 Hz
// with the writer's 100 ms flush interval: the cost of one fsynced commit (synchronous = FULL).
void BM_JournalAppendBatch(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    BenchDir dir;
    auto journal = RunJournal::open(dir.db()).value();
    const auto run = journal.begin_run(start()).value();
    std::vector<JournalSample> batch(n);
    std::int64_t i = 0;
    for (auto _ : state) {
        for (auto& s : batch) s = sample(i++);
        if (!journal.append_samples(run, batch)) state.SkipWithError("journal write failed");
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_JournalAppendBatch)->Arg(1)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

double monotonic_s() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// A day-long run (864 000 samples = 24 h at 10 Hz, plus 2 000 events) is committed first, not
// timed; the timed part is end_run, which reads every row back and hashes it into the seal in
// its transaction. Counters: verify_s = verify_chain re-reading and re-hashing everything;
// sha256_only_s = hashing the same 83 MB of canonical sample bytes from memory.
void BM_JournalSealDayLong(benchmark::State& state) {
    const auto n = static_cast<std::int64_t>(state.range(0));
    BenchDir dir;
    auto journal = RunJournal::open(dir.db()).value();
    const auto run = journal.begin_run(start()).value();
    std::vector<JournalSample> batch(10000);
    for (std::int64_t i = 0; i < n;) {
        const auto k = std::min<std::int64_t>(n - i, static_cast<std::int64_t>(batch.size()));
        for (std::int64_t b = 0; b < k; ++b) batch[static_cast<std::size_t>(b)] = sample(i + b);
        if (!journal.append_samples(run, std::span<const JournalSample>(batch.data(), static_cast<std::size_t>(k)))) {
            state.SkipWithError("journal write failed");
            return;
        }
        i += k;
    }
    std::vector<JournalEvent> events;
    events.reserve(2000);
    for (int e = 0; e < 2000; ++e) events.push_back({43.2 * e, "info", "state_change", "depositing -> depositing"});
    if (!journal.append(run, {}, events)) state.SkipWithError("journal write failed");
    for (auto _ : state) {
        if (!journal.end_run(run, RunStatus::completed)) state.SkipWithError("end_run failed");
    }
    const double v0 = monotonic_s();
    const auto report = journal.verify_chain();
    const double v1 = monotonic_s();
    if (!report || report->sealed != 1) state.SkipWithError("verify failed");
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(n) * 96, 0x5a);
    const double h0 = monotonic_s();
    edc::recipes::Sha256 h;
    h.update(bytes);
    benchmark::DoNotOptimize(h.finish());
    const double h1 = monotonic_s();
    auto size_of = [](const std::string& path) {
        std::error_code ec;
        const auto bytes_on_disk = std::filesystem::file_size(path, ec);
        return ec ? std::uintmax_t{0} : bytes_on_disk;
    };
    const auto size = size_of(dir.db()) + size_of(dir.db() + "-wal");
    state.counters["samples"] = static_cast<double>(n);
    state.counters["verify_s"] = v1 - v0;
    state.counters["sha256_only_s"] = h1 - h0;
    state.counters["db_mib"] = static_cast<double>(size) / (1024.0 * 1024.0);
}
BENCHMARK(BM_JournalSealDayLong)->Arg(864000)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// The producer's side alone: what push() costs the control loop's tick.
void BM_JournalPush(benchmark::State& state) {
    SampleRing<JournalSample> ring(1U << 16);
    std::vector<JournalSample> sink(1U << 16);
    const JournalSample s = sample(1);
    std::int64_t n = 0;
    for (auto _ : state) {
        if (!ring.push(s)) {
            state.PauseTiming();
            (void)ring.pop(sink);
            state.ResumeTiming();
        }
        ++n;
    }
    state.SetItemsProcessed(n);
}
BENCHMARK(BM_JournalPush);

}  // namespace
