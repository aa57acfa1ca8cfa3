#include "control/run/run_state.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace edc::run;

namespace {

bool has(const Transition& t, Action a) { return std::find(t.actions.begin(), t.actions.end(), a) != t.actions.end(); }

RunStateMachine depositing() {
    RunStateMachine m;
    m.handle({EventKind::start, {}});
    m.handle({EventKind::checks_passed, {}});
    m.handle({EventKind::primed, {}});
    return m;
}

}  // namespace

TEST(RunStateMachine, NormalRunGoesThroughEveryStateToCompleted) {
    RunStateMachine m;
    EXPECT_EQ(m.handle({EventKind::start, {}}).to, RunState::checking);
    EXPECT_EQ(m.handle({EventKind::checks_passed, {}}).to, RunState::priming);
    auto t = m.handle({EventKind::primed, {}});
    EXPECT_EQ(t.to, RunState::depositing);
    EXPECT_TRUE(has(t, Action::start_deposition));
    t = m.handle({EventKind::target_reached, {}});
    EXPECT_EQ(t.to, RunState::stopping);
    EXPECT_EQ(t.actions.front(), Action::enter_safe_state);
    t = m.handle({EventKind::safe_state_reached, {}});
    EXPECT_EQ(t.to, RunState::completed);
    EXPECT_TRUE(has(t, Action::close_journal));
    EXPECT_TRUE(m.finished());
    EXPECT_EQ(m.outcome(), Outcome::completed);
}

TEST(RunStateMachine, FaultInAnyActiveStateAsksForSafeStateFirst) {
    for (int stage = 0; stage < 4; ++stage) {
        RunStateMachine m;
        const EventKind steps[] = {EventKind::start, EventKind::checks_passed, EventKind::primed, EventKind::hold};
        for (int i = 0; i <= stage; ++i) ASSERT_TRUE(m.handle({steps[i], {}}).accepted);
        auto t = m.handle({EventKind::fault, "pump disconnected"});
        ASSERT_TRUE(t.accepted);
        EXPECT_EQ(t.to, RunState::stopping);
        ASSERT_FALSE(t.actions.empty());
        EXPECT_EQ(t.actions.front(), Action::enter_safe_state);
        EXPECT_EQ(m.handle({EventKind::safe_state_reached, {}}).to, RunState::faulted);
        EXPECT_EQ(m.cause(), "pump disconnected");
    }
}

TEST(RunStateMachine, AbortEndsAborted) {
    auto m = depositing();
    EXPECT_EQ(m.handle({EventKind::abort, "operator"}).to, RunState::stopping);
    EXPECT_EQ(m.handle({EventKind::safe_state_reached, {}}).to, RunState::aborted);
    EXPECT_EQ(m.outcome(), Outcome::aborted);
}

TEST(RunStateMachine, FaultWhileStoppingOutranksCompletionAndReassertsSafeState) {
    auto m = depositing();
    m.handle({EventKind::target_reached, {}});
    auto t = m.handle({EventKind::fault, "galvanostat timeout"});
    EXPECT_TRUE(t.accepted);
    EXPECT_EQ(t.to, RunState::stopping);
    EXPECT_EQ(t.actions.front(), Action::enter_safe_state);
    m.handle({EventKind::safe_state_reached, {}});
    EXPECT_EQ(m.state(), RunState::faulted);
    EXPECT_EQ(m.cause(), "galvanostat timeout");
}

TEST(RunStateMachine, HoldAndResumeOnlyWhereTheyApply) {
    auto m = depositing();
    auto t = m.handle({EventKind::hold, {}});
    EXPECT_EQ(t.to, RunState::held);
    EXPECT_TRUE(has(t, Action::pause_deposition));
    EXPECT_FALSE(m.handle({EventKind::hold, {}}).accepted);
    EXPECT_FALSE(m.handle({EventKind::target_reached, {}}).accepted);
    t = m.handle({EventKind::resume, {}});
    EXPECT_EQ(t.to, RunState::depositing);
    EXPECT_TRUE(has(t, Action::resume_deposition));
    EXPECT_FALSE(m.handle({EventKind::resume, {}}).accepted);
}

TEST(RunStateMachine, WatchdogExpiryFaultsTheRun) {
    auto m = depositing();
    m.handle({EventKind::watchdog_expired, "scheduler loop stalled"});
    m.handle({EventKind::safe_state_reached, {}});
    EXPECT_EQ(m.state(), RunState::faulted);
}

TEST(RunStateMachine, FinishedRunRefusesEverything) {
    auto m = depositing();
    m.handle({EventKind::abort, {}});
    m.handle({EventKind::safe_state_reached, {}});
    for (auto k : {EventKind::start, EventKind::resume, EventKind::fault, EventKind::abort, EventKind::primed}) {
        auto t = m.handle({k, {}});
        EXPECT_FALSE(t.accepted) << to_string(k);
        EXPECT_EQ(m.state(), RunState::aborted);
    }
}

TEST(RunStateMachine, StartOnlyFromIdleAndOutOfOrderEventsRefused) {
    RunStateMachine m;
    EXPECT_FALSE(m.handle({EventKind::primed, {}}).accepted);
    EXPECT_FALSE(m.handle({EventKind::safe_state_reached, {}}).accepted);
    EXPECT_TRUE(m.handle({EventKind::start, {}}).accepted);
    EXPECT_FALSE(m.handle({EventKind::start, {}}).accepted);
    EXPECT_FALSE(m.handle({EventKind::primed, {}}).accepted);
}
