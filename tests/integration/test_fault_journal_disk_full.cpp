// Journal disk full (issue 6): the run's SQLite journal lives on a small tmpfs; mid-deposition a
// filler file takes the remaining space, so every later journal write fails with SQLITE_FULL.
// Nothing may be lost silently: the run must end faulted with an event naming the journal, the
// cell must reach its safe state as the simulator sees it, and everything committed before the
// disk filled must still be in the file and sound.
//
// Mounting needs root (CI runs as root); elsewhere the test is skipped with the reason.
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "fault_run.hpp"

using namespace edc;
using namespace edc::testing;
using namespace std::chrono_literals;

namespace {

class SmallTmpfs {
public:
    explicit SmallTmpfs(const char* size) {
        dir_ = std::filesystem::temp_directory_path() /
               ("edc-diskfull-" + std::to_string(::getpid()) + "-" +
                std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
        std::filesystem::create_directories(dir_);
        const std::string opts = std::string("size=") + size + ",mode=0700";
        if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, opts.c_str()) == 0) {
            mounted_ = true;
        } else {
            error_ = std::strerror(errno);
        }
    }
    ~SmallTmpfs() {
        if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    SmallTmpfs(const SmallTmpfs&) = delete;
    SmallTmpfs& operator=(const SmallTmpfs&) = delete;
    [[nodiscard]] bool mounted() const { return mounted_; }
    [[nodiscard]] const std::string& error() const { return error_; }
    [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }

    // Writes a filler file until the filesystem refuses; returns the bytes it took.
    std::size_t fill() {
        std::FILE* f = std::fopen((dir_ / "filler").c_str(), "wb");
        if (!f) return 0;
        std::setvbuf(f, nullptr, _IONBF, 0);
        const std::string block(4096, 'F');
        std::size_t total = 0;
        for (;;) {
            const auto n = std::fwrite(block.data(), 1, block.size(), f);
            total += n;
            if (n < block.size()) break;
        }
        std::fclose(f);
        return total;
    }

private:
    std::filesystem::path dir_;
    bool mounted_ = false;
    std::string error_;
};

}  // namespace

TEST(FaultJournalDiskFull, DiskFullMidDepositionFaultsTheRunAndKeepsWhatWasCommitted) {
    SmallTmpfs fs("16m");
    if (!fs.mounted()) GTEST_SKIP() << "cannot mount a tmpfs (" << fs.error() << "): needs root, as in CI";
    const auto db = fs.dir() / "journal.sqlite";
    constexpr double speed = 20.0;
    auto options = sim_options("g-bi033sb067.toml", db, speed);
    auto session = app::RunSession::create(std::move(options));
    ASSERT_TRUE(session) << session.error().message;
    (*session)->start();
    double filled_at = -1.0;
    std::size_t filler = 0;
    std::uint64_t journaled_before_fill = 0;
    const auto summary = run_to_end(**session, std::chrono::seconds(150), [&](const app::RunSnapshot& s) {
        if (filled_at < 0.0 && s.state == run::RunState::depositing && s.t_s > 60.0) {
            journaled_before_fill = s.samples_journaled;
            filler = fs.fill();
            filled_at = s.t_s;
        }
    });
    session->reset();
    ASSERT_GE(filled_at, 0.0) << "the run never reached the fill point";
    std::printf("DISKFULL filled %zu bytes at run t %.2f s with %llu samples committed; outcome %s (%s); "
                "safe state confirmed %d; samples counted %llu\n",
                filler, filled_at, static_cast<unsigned long long>(journaled_before_fill),
                std::string(run::to_string(summary.outcome)).c_str(), summary.cause.c_str(),
                summary.safe_state_confirmed ? 1 : 0, static_cast<unsigned long long>(summary.samples));

    // The cell is safe whatever happened to the journal.
    EXPECT_TRUE(summary.safe_state_confirmed);
    // A journal that cannot record is a fault, not a completed run with a hole in its record.
    EXPECT_EQ(summary.outcome, run::Outcome::faulted) << "cause: " << summary.cause;
    EXPECT_NE(summary.cause.find("journal"), std::string::npos) << summary.cause;

    // Free the space, then read back what was committed before the disk filled.
    std::filesystem::remove(fs.dir() / "filler");
    auto j = journal::RunJournal::open(db.string());
    ASSERT_TRUE(j) << j.error().message;
    EXPECT_EQ(j->integrity_check().value_or("?"), "ok");
    auto run = j->get_run(summary.run_id);
    ASSERT_TRUE(run);
    EXPECT_NE(run->status, journal::RunStatus::completed) << "recorded as completed although samples were lost";
    EXPECT_NE(run->status, journal::RunStatus::running);
    auto samples = j->samples(summary.run_id);
    ASSERT_TRUE(samples);
    EXPECT_GE(samples->size(), journaled_before_fill) << "rows committed before the disk filled are gone";
    for (std::size_t i = 1; i < samples->size(); ++i) {
        ASSERT_GT((*samples)[i].t_s, (*samples)[i - 1].t_s);
        ASSERT_LE((*samples)[i].t_s - (*samples)[i - 1].t_s, 0.5) << "gap before t " << (*samples)[i].t_s;
    }
    std::printf("DISKFULL journal after: status %s, %zu samples (last t %.2f s), %llu committed at the fill\n",
                std::string(journal::to_string(run->status)).c_str(), samples->size(),
                samples->empty() ? -1.0 : samples->back().t_s, static_cast<unsigned long long>(journaled_before_fill));
}
