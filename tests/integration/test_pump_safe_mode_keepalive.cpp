// The NE-1000's safe mode (protocols.md section 4: the pump stops with alarm T when the host has
// been silent for safe_mode_timeout seconds) must never trip on a healthy run, in any phase
// (checking, priming with its pre-bolus and mixing wait, deposition, hold) and at any --speed: the
// simulator's watchdog counts real seconds, as the pump's does, so the controller must keep the
// link busy in real time, not in run time. Seen from the simulator (RunSession::sim_snapshot()).
// Before the keep-alive, overflow-three-step.toml (safe mode 5 s) faulted at 1x with "pump alarm
// T" right after its 9 s mixing wait. On a lock-step virtual clock (run_fixture.hpp): its "real"
// seconds are run seconds / speed, the same for the controller and the simulated pump.
#include <cstdio>
#include <string>

#include "run_fixture.hpp"

using namespace edc;
using namespace edc::testing;

namespace {

struct Phases {
    const char* recipe;
    double speed;
    double hold_at_s;       // run seconds into the deposition
    double hold_real_s;     // longer than the recipe's safe_mode_timeout
    double abort_after_s;   // real seconds after the resume; 0: run to completion
    double safe_mode_s;     // the recipe's pump.safe_mode_timeout (checked below)
};

struct Observed {
    app::RunSummary summary;
    bool seen_clear = false;  // the power-up alarm R pends until the driver's first contact
    char alarm = 0;
    double alarm_sim_s = -1.0;
    bool held = false;
    bool resumed = false;
    long polls = 0;
};

Observed run_phases(const Phases& p) {
    Observed o;
    auto options = sim_options(p.recipe, temp_db("keepalive"), p.speed);
    EXPECT_EQ(options.run.recipe.pump->safe_mode_timeout_s, p.safe_mode_s) << p.recipe;
    VirtualRun lockstep(use_virtual_time(options));
    const auto real_now = [&] { return lockstep.clock().now_s() / p.speed; };
    auto session = create_session(std::move(options));
    if (!session) {
        ADD_FAILURE() << session.error().message;
        return o;
    }
    auto& s = **session;
    s.start();
    double held_at = 0.0;  // real seconds
    double resumed_at = 0.0;
    double deposition_from = -1.0;
    auto watch = [&o](const sim::SimSnapshot& sim) {
        if (sim.pump_alarm == 0) o.seen_clear = true;
        if (sim.pump_alarm != 0 && o.seen_clear && o.alarm == 0) {
            o.alarm = sim.pump_alarm;
            o.alarm_sim_s = sim.sim_time_s;
        }
    };
    o.summary = lockstep.run_to_end(s, 400.0 * p.speed, 0.02 * p.speed, [&](const app::RunSnapshot& snap) {
        ++o.polls;
        if (auto sim = s.sim_snapshot()) watch(*sim);
        const double now = real_now();
        if (snap.state == run::RunState::depositing && deposition_from < 0.0) deposition_from = snap.t_s;
        if (!o.held && snap.state == run::RunState::depositing && deposition_from >= 0.0 &&
            snap.t_s - deposition_from >= p.hold_at_s) {
            s.hold();
            o.held = true;
            held_at = now;
        }
        if (o.held && !o.resumed && now - held_at >= p.hold_real_s) {
            s.resume();
            o.resumed = true;
            resumed_at = now;
        }
        if (o.resumed && p.abort_after_s > 0.0 && now - resumed_at >= p.abort_after_s) {
            s.abort("keep-alive test done");
        }
    });
    // After the run the pump is stopped and back in basic mode: it must not alarm once the host
    // goes quiet (an alarm T here means the session left it in safe mode).
    const double until = real_now() + p.safe_mode_s + 1.0;
    while (real_now() < until) {
        if (auto sim = s.sim_snapshot()) watch(*sim);
        lockstep.clock().sleep_for(0.05 * p.speed);
    }
    lockstep.release();
    auto sim = s.sim_snapshot();
    EXPECT_TRUE(sim.has_value());
    if (sim) {
        EXPECT_FALSE(sim->pump_running);
        EXPECT_FALSE(sim->output_on);
    }
    std::printf("KEEPALIVE %s speed %.0f: outcome %s, held %d resumed %d, pump alarm %c (sim %.2f s), %ld polls\n",
                p.recipe, p.speed, std::string(run::to_string(o.summary.outcome)).c_str(), o.held ? 1 : 0,
                o.resumed ? 1 : 0, o.alarm ? o.alarm : '-', o.alarm_sim_s, o.polls);
    return o;
}

}  // namespace

TEST(PumpSafeModeKeepAlive, PaperRecipeAt20xWithAHoldCompletesWithoutAWatchdogAlarm) {
    const auto o = run_phases({"g-bi033sb067.toml", 20.0, 40.0, 6.0, 0.0, 5.0});
    EXPECT_TRUE(o.held && o.resumed);
    EXPECT_EQ(o.summary.outcome, run::Outcome::completed) << o.summary.cause;
    EXPECT_TRUE(o.summary.safe_state_confirmed);
    EXPECT_EQ(o.alarm, 0) << "pump alarm at simulator time " << o.alarm_sim_s << " s";
}

TEST(PumpSafeModeKeepAlive, PaperRecipeAt1xThroughCheckingPrimingDepositionAndHold) {
    const auto o = run_phases({"g-bi033sb067.toml", 1.0, 3.0, 6.0, 2.0, 5.0});
    EXPECT_TRUE(o.held && o.resumed);
    EXPECT_EQ(o.summary.outcome, run::Outcome::aborted) << o.summary.cause;
    EXPECT_TRUE(o.summary.safe_state_confirmed);
    EXPECT_EQ(o.alarm, 0) << "pump alarm at simulator time " << o.alarm_sim_s << " s";
}

// Pre-bolus and a 9 s mixing wait (3 x mixing_time) before the current starts: the longest
// stretch in which the supervisor itself sends the pump nothing.
TEST(PumpSafeModeKeepAlive, PrebolusAndMixingWaitAt1xDoNotTripTheWatchdog) {
    const auto o = run_phases({"overflow-three-step.toml", 1.0, 2.0, 6.0, 1.0, 5.0});
    EXPECT_TRUE(o.held && o.resumed);
    EXPECT_EQ(o.summary.outcome, run::Outcome::aborted) << o.summary.cause;
    EXPECT_TRUE(o.summary.safe_state_confirmed);
    EXPECT_EQ(o.alarm, 0) << "pump alarm at simulator time " << o.alarm_sim_s << " s";
}
