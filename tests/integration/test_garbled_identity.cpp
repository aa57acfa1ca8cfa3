// A galvanostat whose *IDN? reply is not UTF-8 (a wrong baud rate produces exactly that) must not
// end the process: the identity reaches the journal cleaned (printable ASCII, the rest escaped),
// and the run, which cannot go on with an instrument that then stops answering, faults with a
// journaled end (issue 11, defect 6). Before the fix nlohmann::json::dump threw on the supervisor
// thread and std::terminate ended the process without a journaled end.
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "app/journal/run_journal.hpp"
#include "run_fixture.hpp"
#include "tests/drivers/pty_peer.hpp"

using namespace edc;
using namespace edc::testing;

namespace {

// Answers *IDN? with bytes that are not UTF-8 and every other command with silence.
class GarbledIdentityPeer {
public:
    GarbledIdentityPeer() : thread_([this] { loop(); }) {}
    ~GarbledIdentityPeer() {
        stop_ = true;
        thread_.join();
    }
    GarbledIdentityPeer(const GarbledIdentityPeer&) = delete;
    GarbledIdentityPeer& operator=(const GarbledIdentityPeer&) = delete;
    GarbledIdentityPeer(GarbledIdentityPeer&&) = delete;
    GarbledIdentityPeer& operator=(GarbledIdentityPeer&&) = delete;

    const std::string& path() const { return pty_.slave_path(); }
    int identity_queries() const { return identity_queries_.load(); }

private:
    void loop() {
        std::string in;
        while (!stop_) {
            pollfd p{pty_.master(), POLLIN, 0};
            if (::poll(&p, 1, 10) <= 0 || (p.revents & POLLIN) == 0) continue;
            char buf[256];
            const auto n = ::read(pty_.master(), buf, sizeof buf);
            if (n <= 0) continue;
            in.append(buf, static_cast<std::size_t>(n));
            for (auto end = in.find_first_of("\r\n"); end != std::string::npos;
                 end = in.find_first_of("\r\n")) {
                const std::string line = in.substr(0, end);
                in.erase(0, end + 1);
                if (line.find("*IDN?") == std::string::npos) continue;
                ++identity_queries_;
                pty_.send("KEITHLEY\xff\xfe INSTRUMENTS,MODEL 2400,\xc3\x28,C32\r");
            }
        }
    }

    edc::test::PtyPeer pty_;
    std::atomic<bool> stop_{false};
    std::atomic<int> identity_queries_{0};
    std::thread thread_;  // last: starts after the pty exists
};

TEST(GarbledIdentity, RunFaultsWithAJournaledEndAndTheIdentityEscaped) {
    GarbledIdentityPeer peer;
    const auto db = temp_db("garbled-idn");
    auto options = sim_options("s-bi033sb067.toml", db, 1.0);
    options.run.recipe.galvanostat.port = peer.path();
    auto session = app::RunSession::create(options.run);  // real drivers on the peer's port: no sim rig
    ASSERT_TRUE(session) << session.error().message;
    (*session)->start();
    const auto summary = run_to_end(**session, std::chrono::seconds(60), [](const app::RunSnapshot&) {});

    EXPECT_GE(peer.identity_queries(), 1);
    EXPECT_EQ(summary.outcome, run::Outcome::faulted) << summary.cause;
    ASSERT_GT(summary.run_id, 0);
    auto journal = journal::RunJournal::open(db.string());
    ASSERT_TRUE(journal) << journal.error().message;
    EXPECT_EQ(journal->get_run(summary.run_id)->status, journal::RunStatus::faulted);
    auto events = journal->events(summary.run_id);
    ASSERT_TRUE(events);
    bool identity_escaped = false;
    bool ended = false;
    for (const auto& e : *events) {
        if (e.code == "instruments")
            identity_escaped = e.message.find(R"(KEITHLEY\\xff\\xfe)") != std::string::npos;
        ended = ended || e.code == "run_end";
    }
    EXPECT_TRUE(identity_escaped);
    EXPECT_TRUE(ended);
}

}  // namespace
