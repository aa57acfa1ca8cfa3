// The supervisor with a fake run: it never waits for an action, carries the actions out in
// order on its job thread, and turns an escaping exception into a fault.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/runtime/supervisor.hpp"

namespace edc::app {
namespace {

using namespace std::chrono_literals;
constexpr auto patience = 20s;  // only ever reached when the behaviour under test is broken

class FakeRun final : public SupervisedRun {
public:
    std::optional<run::RunEvent> perform(const ActionJob& job) override {
        std::unique_lock lock(mutex_);
        performed.push_back(job.action);
        changed_.notify_all();
        if (job.action == run::Action::check_instruments) {
            if (throw_in_checks) throw std::runtime_error("driver exploded");
            // Blocks like a dead instrument until the test lets go.
            changed_.wait_for(lock, patience, [this] { return release_checks; });
            return run::RunEvent{run::EventKind::checks_passed, {}};
        }
        if (job.action == run::Action::enter_safe_state)
            return run::RunEvent{run::EventKind::safe_state_reached, {}};
        if (job.action == run::Action::close_journal) {
            outcome = job.outcome;
            cause = job.cause;
        }
        return std::nullopt;
    }
    void observe(run::RunState, std::vector<run::RunEvent>&) override {}
    void transitioned(const run::Transition& t, const run::RunEvent&) override {
        std::lock_guard lock(mutex_);
        states.push_back(t.to);
        changed_.notify_all();
    }
    void refused(const run::Transition&, const run::RunEvent&) override {}
    [[nodiscard]] std::optional<double> loop_heartbeat_s() const override { return std::nullopt; }
    [[nodiscard]] double now_s() const override { return 0.0; }

    bool wait_for_state(run::RunState s) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, patience,
                                 [&] { return std::find(states.begin(), states.end(), s) != states.end(); });
    }
    void let_checks_finish() {
        std::lock_guard lock(mutex_);
        release_checks = true;
        changed_.notify_all();
    }

    bool throw_in_checks = false;
    bool release_checks = false;
    std::vector<run::Action> performed;
    std::vector<run::RunState> states;
    run::Outcome outcome = run::Outcome::none;
    std::string cause;

private:
    std::mutex mutex_;
    std::condition_variable changed_;
};

TEST(Supervisor, AnAbortIsHandledWhileAnActionIsStillRunning) {
    FakeRun fake;
    clk::WallClock wall;
    {
        Supervisor s(fake, wall, 1.0, "watchdog");
        s.post({run::EventKind::start, {}});
        ASSERT_TRUE(fake.wait_for_state(run::RunState::checking));
        s.post({run::EventKind::abort, "operator abort"});
        // The checks are still blocked in their instrument, yet the machine has moved on.
        ASSERT_TRUE(fake.wait_for_state(run::RunState::stopping));
        EXPECT_TRUE(s.cancelled());
        fake.let_checks_finish();
    }  // joins once the run is final and its last job done
    const std::vector<run::Action> expected{run::Action::check_instruments, run::Action::enter_safe_state,
                                            run::Action::close_journal};
    EXPECT_EQ(fake.performed, expected);
    EXPECT_EQ(fake.outcome, run::Outcome::aborted);
    EXPECT_EQ(fake.cause, "operator abort");
}

TEST(Supervisor, AnExceptionInAnActionFaultsTheRunAndAsksForTheSafeState) {
    FakeRun fake;
    fake.throw_in_checks = true;
    clk::WallClock wall;
    {
        Supervisor s(fake, wall, 1.0, "watchdog");
        s.post({run::EventKind::start, {}});
        ASSERT_TRUE(fake.wait_for_state(run::RunState::faulted));
    }
    ASSERT_EQ(fake.performed.size(), 3U);
    EXPECT_EQ(fake.performed[1], run::Action::enter_safe_state);
    EXPECT_EQ(fake.outcome, run::Outcome::faulted);
    EXPECT_NE(fake.cause.find("driver exploded"), std::string::npos) << fake.cause;
}

}  // namespace
}  // namespace edc::app
