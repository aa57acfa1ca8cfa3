// Crash durability on a filesystem that fails writes (issue 6): `edc run --sim --virtual`
// journals to a 16 MB tmpfs left with 3 MB free, so the journal fills it mid-deposition (about
// run time 30 s; on virtual time the same run writes the same pages, so it is the same point on
// every machine). The run must fault (exit 4) with the journal's error named, and the next open,
// with space again, must find the file sound (integrity ok, hash chain intact), the run marked
// interrupted (its end could not be written), and every sample committed before the disk filled
// there, contiguous. Needs root for the mount (skipped otherwise) and the edc binary.
#include <gtest/gtest.h>

#include <charconv>
#include <regex>
#include <system_error>

#include "app/journal/run_journal.hpp"
#include "edc_process.hpp"
#include "run_fixture.hpp"
#include "small_tmpfs.hpp"

using namespace edc;
using namespace edc::testing;
using namespace std::chrono_literals;

namespace {

// The run time of the first event line that names the journal's failure.
std::optional<double> journal_failed_at(const std::string& output) {
    static const std::regex line(R"(\[ *([0-9]+\.[0-9]+) s\] error +state_change: .*journal_write_failed)");
    std::smatch m;
    if (!std::regex_search(output, m, line)) return std::nullopt;
    const std::string text = m[1].str();
    double t = 0.0;
    if (std::from_chars(text.data(), text.data() + text.size(), t).ec != std::errc{}) return std::nullopt;
    return t;
}

}  // namespace

TEST(CrashDiskFull, FullDiskMidDepositionFaultsTheRunAndLeavesASoundJournal) {
    const auto bin = edc_binary();
    if (!bin) GTEST_SKIP() << "edc binary not built (build target edc, or set EDC_BIN)";
    SmallTmpfs fs("16m");
    if (!fs.mounted()) GTEST_SKIP() << "cannot mount a tmpfs (" << fs.error() << "): needs root, as in CI";
    const auto db = fs.dir() / "journal.sqlite";
    const auto filler = fs.fill_leaving(3U << 20);
    ASSERT_GT(filler, 0U);
    EdcProcess p(*bin, {"run", example("g-bi033sb067.toml"), "--sim", "--virtual", "--db", db.string(),
                        "--operator", "ci"});
    ASSERT_TRUE(p.started());
    ASSERT_TRUE(p.wait(120s)) << "edc run did not finish\n" << p.output();
    ASSERT_TRUE(p.exit_code().has_value()) << "killed by signal " << p.term_signal().value_or(0);
    EXPECT_EQ(*p.exit_code(), 4) << p.output();
    const auto failed_at = journal_failed_at(p.output());
    ASSERT_TRUE(failed_at.has_value()) << p.output();
    EXPECT_GT(*failed_at, 5.0) << "the disk should fill mid-deposition\n" << p.output();
    EXPECT_LT(*failed_at, 150.0) << "the disk should fill mid-deposition\n" << p.output();
    EXPECT_NE(p.output().find("database or disk is full"), std::string::npos) << p.output();
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
    // The writer commits every 0.1 s of run time on the virtual clock: everything sampled up to
    // the batch that failed was committed before it.
    EXPECT_GE(samples->back().t_s, *failed_at - 0.3);
    std::printf("CRASH-DISKFULL filler %zu bytes; journal failed at t %.2f s; %zu samples, last t %.2f s, status %s\n",
                filler, *failed_at, samples->size(), samples->back().t_s,
                std::string(journal::to_string(runs->front().status)).c_str());
}
