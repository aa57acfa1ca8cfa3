// The safe-state sequence over fake channels: every step attempted whatever the others do,
// each step idempotent, and a report that says per instrument what was confirmed.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/runtime/safe_state_sequencer.hpp"

namespace edc::app {
namespace {

using namespace std::chrono_literals;

enum class Behaviour { confirm, fail, throw_on_start, throw_in_step, never_answer, deferred };

class FakeChannel final : public SafeStateChannel {
public:
    FakeChannel(std::string name, Behaviour b, std::string note = {})
        : name_(std::move(name)), behaviour_(b), note_(std::move(note)) {}

    [[nodiscard]] std::string safe_description() const override { return name_ + " safe"; }
    [[nodiscard]] std::string unconfirmed_description(const Error& e) const override {
        return name_ + " NOT safe: " + e.code;
    }
    [[nodiscard]] std::future<SafeStepOutcome> make_safe() override {
        ++attempts;
        std::promise<SafeStepOutcome> p;
        switch (behaviour_) {
            case Behaviour::confirm:
                p.set_value({Result<void>{}, note_});
                break;
            case Behaviour::fail:
                p.set_value({fail("timeout", "no answer"), note_});
                break;
            case Behaviour::throw_on_start:
                throw std::runtime_error("driver exploded");
            case Behaviour::throw_in_step:
                p.set_exception(std::make_exception_ptr(std::runtime_error("step exploded")));
                break;
            case Behaviour::never_answer:
                silent_.push_back(std::move(p));
                return silent_.back().get_future();
            case Behaviour::deferred:  // the instrument answers later: answer() or fault_now()
                pending_.push_back(std::move(p));
                return pending_.back().get_future();
        }
        return p.get_future();
    }

    // A deferred step's instrument answers as it stands now: confirmed, or failed if a fault hit
    // it while the step was under way (fault_now()).
    void answer() {
        for (auto& p : pending_) {
            if (faulted_) {
                p.set_value({fail("disconnected", "the link went away during the step"), {}});
            } else {
                p.set_value({Result<void>{}, {}});
            }
        }
        pending_.clear();
    }
    void fault_now() { faulted_ = true; }
    [[nodiscard]] std::size_t steps_under_way() const { return pending_.size(); }

    int attempts = 0;

private:
    std::vector<std::promise<SafeStepOutcome>> pending_;
    bool faulted_ = false;
    std::string name_;
    Behaviour behaviour_;
    std::string note_;
    std::vector<std::promise<SafeStepOutcome>> silent_;  // kept alive: the step simply never ends
};

SafeStateReport drive(const std::vector<SafeStateChannel*>& channels,
                      std::chrono::milliseconds limit = 2000ms) {
    return drive_safe_state(channels, limit);
}

TEST(SafeStateSequencer, AllConfirmedSaysWhatWasMadeSafe) {
    FakeChannel g("galvanostat", Behaviour::confirm);
    FakeChannel p("pump", Behaviour::confirm);
    const auto r = drive({&g, &p});
    EXPECT_TRUE(r.confirmed());
    ASSERT_EQ(r.steps.size(), 2U);
    EXPECT_EQ(r.describe().rfind("galvanostat safe; pump safe; in ", 0), 0U) << r.describe();
}

TEST(SafeStateSequencer, EveryStepIsAttemptedWhenTheFirstFails) {
    FakeChannel g("galvanostat", Behaviour::fail);
    FakeChannel p("pump", Behaviour::confirm);
    const auto r = drive({&g, &p});
    EXPECT_EQ(g.attempts, 1);
    EXPECT_EQ(p.attempts, 1);
    EXPECT_FALSE(r.confirmed());
    ASSERT_EQ(r.steps.size(), 2U);
    EXPECT_FALSE(r.steps[0].confirmed);
    EXPECT_TRUE(r.steps[1].confirmed);
    EXPECT_NE(r.describe().find("galvanostat NOT safe: timeout; pump safe (after "), std::string::npos)
        << r.describe();
}

TEST(SafeStateSequencer, AThrowingChannelDoesNotStopTheOthers) {
    FakeChannel g("galvanostat", Behaviour::throw_on_start);
    FakeChannel p("pump", Behaviour::throw_in_step);
    FakeChannel v("valve", Behaviour::confirm);
    const auto r = drive({&g, &p, &v});
    EXPECT_EQ(v.attempts, 1);
    ASSERT_EQ(r.steps.size(), 3U);
    EXPECT_EQ(r.steps[0].text, "galvanostat NOT safe: exception");
    EXPECT_EQ(r.steps[1].text, "pump NOT safe: exception");
    EXPECT_TRUE(r.steps[2].confirmed);
    EXPECT_FALSE(r.confirmed());
}

TEST(SafeStateSequencer, ASilentInstrumentIsReportedAfterTheLimitAndTheOthersConfirmed) {
    FakeChannel g("galvanostat", Behaviour::never_answer);
    FakeChannel p("pump", Behaviour::confirm);
    const auto r = drive({&g, &p}, 30ms);
    ASSERT_EQ(r.steps.size(), 2U);
    EXPECT_EQ(r.steps[0].text, "galvanostat NOT safe: timeout");
    EXPECT_TRUE(r.steps[1].confirmed);
}

TEST(SafeStateSequencer, ASecondSequenceAttemptsEveryStepAgain) {
    FakeChannel g("galvanostat", Behaviour::confirm);
    FakeChannel p("pump", Behaviour::fail);
    const auto first = drive({&g, &p});
    const auto second = drive({&g, &p});
    EXPECT_EQ(g.attempts, 2);
    EXPECT_EQ(p.attempts, 2);
    EXPECT_EQ(first.steps[0].text, second.steps[0].text);
    EXPECT_EQ(first.steps[1].text, second.steps[1].text);
}

// Issue 13, compound faults: the sequence's start event comes once every step is under way, so a
// second fault fired on it lands inside the steps; the step it hits fails, the others do not.
TEST(SafeStateSequencer, StartEventComesOnceEveryStepIsUnderWay) {
    FakeChannel g("galvanostat", Behaviour::deferred);
    FakeChannel p("pump", Behaviour::deferred);
    std::vector<std::size_t> under_way_at_start;
    int calls = 0;
    const std::vector<SafeStateChannel*> channels{&g, &p};
    const auto r = drive_safe_state(channels, 2000ms, nullptr, [&] {
        ++calls;
        under_way_at_start = {g.steps_under_way(), p.steps_under_way()};
        g.answer();
        p.answer();
    });
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(under_way_at_start, (std::vector<std::size_t>{1U, 1U}));
    EXPECT_TRUE(r.confirmed()) << r.describe();
}

TEST(SafeStateSequencer, ASecondFaultDuringTheSequenceFailsOnlyTheStepItHits) {
    FakeChannel g("galvanostat", Behaviour::deferred);
    FakeChannel p("pump", Behaviour::deferred);
    const std::vector<SafeStateChannel*> channels{&g, &p};
    const auto r = drive_safe_state(channels, 2000ms, nullptr, [&] {
        g.fault_now();  // the compound fault, fired on the start event
        g.answer();
        p.answer();
    });
    ASSERT_EQ(r.steps.size(), 2U);
    EXPECT_EQ(r.steps[0].text, "galvanostat NOT safe: disconnected");
    EXPECT_TRUE(r.steps[1].confirmed) << "the pump's step was skipped or spoiled by the galvanostat's failure";
    EXPECT_FALSE(r.confirmed());
}

TEST(SafeStateSequencer, AThrowingStartListenerDoesNotSkipAnyStep) {
    FakeChannel g("galvanostat", Behaviour::fail);
    FakeChannel p("pump", Behaviour::confirm);
    const std::vector<SafeStateChannel*> channels{&g, &p};
    const auto r = drive_safe_state(channels, 2000ms, nullptr, [] { throw std::runtime_error("injector broke"); });
    EXPECT_EQ(g.attempts, 1);
    EXPECT_EQ(p.attempts, 1);
    ASSERT_EQ(r.steps.size(), 2U);
    EXPECT_FALSE(r.steps[0].confirmed);
    EXPECT_TRUE(r.steps[1].confirmed);
}

TEST(SafeStateSequencer, NotesOfConfirmedStepsAreKept) {
    FakeChannel p("pump", Behaviour::confirm, "still in safe mode");
    const auto r = drive({&p});
    ASSERT_EQ(r.steps.size(), 1U);
    EXPECT_TRUE(r.steps[0].confirmed);
    EXPECT_EQ(r.steps[0].note, "still in safe mode");
}

TEST(SafeStateSequencer, NoInstrumentClaimsNothingWasMadeSafe) {
    const auto r = drive({});
    EXPECT_NE(r.describe().find("no instrument was opened"), std::string::npos) << r.describe();
    EXPECT_EQ(r.describe().find("output off"), std::string::npos);
}

}  // namespace
}  // namespace edc::app
