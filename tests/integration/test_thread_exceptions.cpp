// Issue 11, defect 6: "every thread body catches, faults the run and drives the safe state; a
// test injects an exception into each thread mid-run". Each case makes one runtime thread throw
// 20 simulated seconds into the paper recipe's deposition (SimRigOptions::throw_in_thread) and
// checks, from outside the code under test: the run faulted naming the thread, the journal
// recorded its end (status, end time, the run_end event), and the simulator's own record shows
// the galvanostat's output off in high impedance and the pump stopped.
#include <string>

#include "app/journal/run_journal.hpp"
#include "run_fixture.hpp"

using namespace edc;
using namespace edc::testing;

namespace {

struct Case {
    app::RuntimeThread thread;
    const char* name;
    const char* in_cause;  // how the run's cause names the thread
};

class ThreadException : public ::testing::TestWithParam<Case> {};

TEST_P(ThreadException, FaultsTheRunJournalsItsEndAndLeavesTheInstrumentsSafe) {
    const auto& c = GetParam();
    const auto db = temp_db(std::string("throw-") + c.name);
    auto o = sim_options("g-bi033sb067.toml", db, 50.0);
    o.sim.throw_in_thread = c.thread;
    o.sim.throw_at_s = 20.0;
    auto session = create_session(std::move(o));
    ASSERT_TRUE(session) << session.error().message;
    (*session)->start();
    const auto summary = run_to_end(**session, std::chrono::seconds(120), [](const app::RunSnapshot&) {});

    EXPECT_EQ(summary.outcome, run::Outcome::faulted) << summary.cause;
    EXPECT_NE(summary.cause.find(c.in_cause), std::string::npos) << summary.cause;
    EXPECT_NE(summary.cause.find("exception injected by a test"), std::string::npos) << summary.cause;
    EXPECT_TRUE(summary.safe_state_confirmed);
    // Mid-run: some film, well short of the plan's 1.14 C.
    EXPECT_GT(summary.totals.charge_c, 0.05);
    EXPECT_LT(summary.totals.charge_c, 1.0);

    const auto sim = (*session)->sim_snapshot();
    ASSERT_TRUE(sim.has_value());
    EXPECT_FALSE(sim->output_on);
    EXPECT_EQ(sim->output_off_mode, sim::OutputOffMode::high_impedance);
    EXPECT_FALSE(sim->pump_running);

    auto journal = journal::RunJournal::open(db.string());
    ASSERT_TRUE(journal);
    auto run = journal->get_run(summary.run_id);
    ASSERT_TRUE(run);
    EXPECT_EQ(run->status, journal::RunStatus::faulted);
    EXPECT_TRUE(run->ended_at.has_value());
    auto events = journal->events(summary.run_id);
    ASSERT_TRUE(events);
    bool ended = false;
    for (const auto& e : *events) ended = ended || e.code == "run_end";
    EXPECT_TRUE(ended) << "no run_end event in the journal";
}

INSTANTIATE_TEST_SUITE_P(
    EveryRuntimeThread, ThreadException,
    ::testing::Values(Case{app::RuntimeThread::supervisor, "supervisor", "supervisor thread"},
                      Case{app::RuntimeThread::galvanostat_channel, "galvanostat", "galvanostat thread"},
                      Case{app::RuntimeThread::pump_channel, "pump", "pump thread"},
                      Case{app::RuntimeThread::control_loop, "loop", "control loop thread"},
                      Case{app::RuntimeThread::journal_writer, "journal", "journal writer"}),
    [](const ::testing::TestParamInfo<Case>& param_info) { return std::string(param_info.param.name); });

}  // namespace
