// Crash durability on a filesystem that fails writes (issue 6): `edc run --sim` journals to a
// 16 MB tmpfs that is filled mid-deposition, then the process is killed with SIGKILL while its
// writes are failing. The next open must find the file sound (integrity ok, hash chain intact),
// the run marked interrupted, and the samples committed before the disk filled all there,
// contiguous. Needs root for the mount (skipped otherwise) and the edc binary.
#include <gtest/gtest.h>

#include "app/journal/run_journal.hpp"
#include "edc_process.hpp"
#include "run_fixture.hpp"
#include "small_tmpfs.hpp"

using namespace edc;
using namespace edc::testing;
using namespace std::chrono_literals;

TEST(CrashDiskFull, KillWhileJournalWritesFailLeavesASoundInterruptedRun) {
    const auto bin = edc_binary();
    if (!bin) GTEST_SKIP() << "edc binary not built (build target edc, or set EDC_BIN)";
    SmallTmpfs fs("16m");
    if (!fs.mounted()) GTEST_SKIP() << "cannot mount a tmpfs (" << fs.error() << "): needs root, as in CI";
    const auto db = fs.dir() / "journal.sqlite";
    constexpr double speed = 10.0;
    EdcProcess p(*bin, {"run", example("g-bi033sb067.toml"), "--sim", "--speed", "10", "--db", db.string(),
                        "--operator", "ci"});
    ASSERT_TRUE(p.started());
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!p.poll() && p.last_run_time().value_or(0.0) < 60.0 && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(5ms);
    }
    ASSERT_FALSE(p.exit_code().has_value()) << p.output();
    const double printed_at_fill = p.last_run_time().value_or(0.0);
    const auto filler = fs.fill();
    // Let the writer hit the full disk for a while (2 s real = 20 s of run time), then kill.
    const auto kill_at = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!p.poll() && std::chrono::steady_clock::now() < kill_at) std::this_thread::sleep_for(5ms);
    // A journal that cannot write faults the run (exit 4) within a fraction of a second; kill it
    // if it is still closing down, as a crash at the worst moment.
    if (p.exit_code().has_value()) {
        EXPECT_EQ(*p.exit_code(), 4) << p.output();
    } else {
        p.kill(SIGKILL);
    }
    std::filesystem::remove(fs.dir() / "filler");

    auto j = journal::RunJournal::open(db.string());
    ASSERT_TRUE(j) << j.error().message;
    EXPECT_EQ(j->integrity_check().value_or("?"), "ok");
    EXPECT_TRUE(j->verify_chain());
    auto runs = j->list_runs();
    ASSERT_TRUE(runs);
    ASSERT_EQ(runs->size(), 1U);
    EXPECT_EQ(runs->front().status, journal::RunStatus::interrupted);
    auto samples = j->samples(runs->front().id);
    ASSERT_TRUE(samples);
    ASSERT_FALSE(samples->empty());
    for (std::size_t i = 1; i < samples->size(); ++i) {
        ASSERT_GT((*samples)[i].t_s, (*samples)[i - 1].t_s);
        ASSERT_LE((*samples)[i].t_s - (*samples)[i - 1].t_s, 0.5) << "gap before t " << (*samples)[i].t_s;
    }
    // Everything up to what the child had printed before the fill, less the writer's 200 ms
    // (real) bound, was committed before the disk filled and must have survived.
    EXPECT_GE(samples->back().t_s, printed_at_fill - 0.2 * speed - 0.2);
    std::printf("CRASH-DISKFULL filler %zu bytes at printed t %.2f s; after kill: %zu samples, last t %.2f s, "
                "status %s\n",
                filler, printed_at_fill, samples->size(), samples->back().t_s,
                std::string(journal::to_string(runs->front().status)).c_str());
}
