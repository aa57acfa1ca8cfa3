// Issue 6's fault matrix injects mid-deposition; these inject while the run is priming (the
// pre-bolus's mixing wait, before any current) and while it is held by the operator, with the
// matrix's checks: (1) output off and pump stopped as the simulator sees it, the safe state within
// 500 ms of detection; (2) faulted, the event naming the cause and the state it struck in; (3) the
// record up to the fault complete; (4) `edc run`'s exit code 4.
#include <string>

#include "edc_process.hpp"
#include "fault_run.hpp"

using namespace edc;
using namespace edc::testing;
using namespace std::chrono_literals;

namespace {

constexpr double safe_state_bound_ms = 500.0;
// Detection: the pump is polled every 0.2 run seconds in every phase, and a poll takes at most the
// driver's 1000 ms timeout; 500 ms slack for the loaded CI box.
constexpr double pump_detection_bound_ms = 1000.0 + 500.0;

void expect_safe_state(const FaultRunResult& r) {
    EXPECT_EQ(r.integrity, "ok");
    ASSERT_TRUE(r.detected_s && r.safe_state_s) << "no detection or safe-state event";
    EXPECT_NE(r.sim_safe_state_message.find("output off"), std::string::npos) << r.sim_safe_state_message;
    EXPECT_NE(r.sim_safe_state_message.find("pump stopped"), std::string::npos) << r.sim_safe_state_message;
    EXPECT_TRUE(r.summary.safe_state_confirmed) << r.safe_state_message;
    ASSERT_TRUE(r.safe_state_ms.has_value()) << r.safe_state_message;
    EXPECT_LE(static_cast<double>(*r.safe_state_ms), safe_state_bound_ms) << r.safe_state_message;
}

}  // namespace

// overflow-three-step.toml has a 0.29 mL pre-bolus and then waits 3 mixing times (9 s) before
// the current starts: at 1x, priming spans about run t 0.3-10 s (checking takes 0.2-0.6 s; real
// time, so a loaded machine stretches checking, not the mixing wait). A stall at 5 s is seen only
// by the pump's keep-alive poll.
constexpr double priming_speed = 1.0;
constexpr double priming_fault_at_s = 5.0;

TEST(FaultOutsideDeposition, PumpStallDuringPrimingFaultsBeforeAnyCurrentFlows) {
    constexpr double speed = priming_speed;
    constexpr double fault_at_s = priming_fault_at_s;
    FaultRunSpec spec;
    spec.recipe = "overflow-three-step.toml";
    spec.speed = speed;
    spec.fault = "pump-stall@" + std::to_string(fault_at_s);
    const auto r = run_with_fault(spec);
    print_fault_row("priming_pump_stall", r, fault_at_s, speed);

    EXPECT_EQ(r.summary.outcome, run::Outcome::faulted) << r.summary.cause;
    ASSERT_TRUE(r.status.has_value());
    EXPECT_EQ(*r.status, journal::RunStatus::faulted);
    EXPECT_NE(r.detection_message.find("priming -> stopping"), std::string::npos) << r.detection_message;
    EXPECT_NE(r.detection_message.find("pump alarm S"), std::string::npos) << r.detection_message;
    ASSERT_TRUE(r.detected_s.has_value());
    EXPECT_GE(*r.detected_s, fault_at_s - 0.1) << r.detection_message;
    EXPECT_LE((*r.detected_s - fault_at_s) / speed * 1000.0, pump_detection_bound_ms) << r.detection_message;
    expect_safe_state(r);
    // The record: the pre-bolus was journaled, the deposition never started, no current flowed.
    EXPECT_TRUE(r.any_event_mentions("prebolus"));
    EXPECT_FALSE(r.deposition_start_s.has_value());
    EXPECT_TRUE(r.samples.empty());
    EXPECT_EQ(r.summary.totals.charge_c, 0.0);
}

TEST(FaultOutsideDeposition, PumpStallDuringPrimingExitsWithCode4) {
    const auto bin = edc_binary();
    if (!bin) GTEST_SKIP() << "edc binary not built (build target edc, or set EDC_BIN)";
    const auto db = temp_db("cli-priming");
    EdcProcess p(*bin, {"run", example("overflow-three-step.toml"), "--sim", "--virtual", "--db", db.string(),
                        "--operator", "ci", "--fault", "pump-stall@" + std::to_string(priming_fault_at_s)});
    ASSERT_TRUE(p.started());
    ASSERT_TRUE(p.wait(120s)) << "edc run did not finish\n" << p.output();
    ASSERT_TRUE(p.exit_code().has_value()) << p.output();
    EXPECT_EQ(*p.exit_code(), 4) << p.output();
    EXPECT_NE(p.output().find("priming -> stopping"), std::string::npos) << p.output();
    auto j = journal::RunJournal::open(db.string());
    ASSERT_TRUE(j);
    auto runs = j->list_runs();
    ASSERT_TRUE(runs && runs->size() == 1U);
    EXPECT_EQ(runs->front().status, journal::RunStatus::faulted);
}

// The operator holds the paper recipe at run t 30 s (current off, pump stopped) and the pump loses
// power at 60 s: the status poll, which goes on while held, must catch it. At 5x the deposition
// starts by run t 20 s even when a loaded machine stretches checking to 4 s real.
TEST(FaultOutsideDeposition, PumpAlarmWhileHeldFaultsInSafeState) {
    constexpr double speed = 5.0;
    constexpr double hold_at_s = 30.0;
    constexpr double fault_at_s = 60.0;
    FaultRunSpec spec;
    spec.speed = speed;
    spec.hold_at_s = hold_at_s;
    spec.fault = "pump-alarm@" + std::to_string(fault_at_s);
    const auto r = run_with_fault(spec);
    print_fault_row("held_pump_alarm", r, fault_at_s, speed);

    EXPECT_EQ(r.summary.outcome, run::Outcome::faulted) << r.summary.cause;
    ASSERT_TRUE(r.status.has_value());
    EXPECT_EQ(*r.status, journal::RunStatus::faulted);
    EXPECT_TRUE(r.any_event_mentions("operator hold"));
    EXPECT_NE(r.detection_message.find("held -> stopping"), std::string::npos) << r.detection_message;
    EXPECT_NE(r.detection_message.find("pump alarm R"), std::string::npos) << r.detection_message;
    ASSERT_TRUE(r.detected_s.has_value());
    EXPECT_GE(*r.detected_s, fault_at_s - 0.1) << r.detection_message;
    EXPECT_LE((*r.detected_s - fault_at_s) / speed * 1000.0, pump_detection_bound_ms) << r.detection_message;
    expect_safe_state(r);
    // Every sample from the deposition's start to the hold, contiguous (the loop samples at
    // 10 Hz of run time; 0.5 s is five periods).
    ASSERT_TRUE(r.deposition_start_s.has_value());
    ASSERT_FALSE(r.samples.empty());
    EXPECT_LE(r.samples.front().t_s, *r.deposition_start_s + 1.0);
    EXPECT_GE(r.samples.back().t_s, hold_at_s);
    EXPECT_LE(r.max_sample_gap(*r.deposition_start_s, hold_at_s), 0.5);
    EXPECT_EQ(r.summary.samples, r.samples.size());
    for (std::size_t i = 1; i < r.samples.size(); ++i) {
        ASSERT_GT(r.samples[i].t_s, r.samples[i - 1].t_s) << "sample " << i;
    }
}

// The galvanostat counterpart: held as above, and at run t 60 s (6 s real after the hold, no
// resume ever asked for) the galvanostat's link is cut or it queues an error. The worker asks the
// held instrument for its output state and error queue every 500 ms real, so the run must fault
// from `held`, naming the cause, long before anyone resumes it.
namespace {

constexpr double held_speed = 5.0;
constexpr double held_hold_at_s = 30.0;
constexpr double held_fault_at_s = 60.0;
// One check period (500 ms real) plus the slack the pump tests allow a poll on a loaded box.
constexpr double held_galvanostat_detection_bound_ms = 500.0 + 1500.0;

FaultRunResult run_held_galvanostat_fault(const std::string& kind, const std::string& model = {}) {
    FaultRunSpec spec;
    spec.speed = held_speed;
    spec.hold_at_s = held_hold_at_s;
    spec.galvanostat_model = model;
    spec.fault = kind + "@" + std::to_string(held_fault_at_s);
    // Undetected, the run would stay held: a bounded wait turns that into a failure, not a hang.
    spec.limit = std::chrono::seconds(60);
    auto r = run_with_fault(spec);
    print_fault_row("held_" + kind + (model.empty() ? "" : "_" + model), r, held_fault_at_s, held_speed);
    return r;
}

void expect_faulted_while_held(const FaultRunResult& r, const std::string& cause) {
    EXPECT_EQ(r.summary.outcome, run::Outcome::faulted) << r.summary.cause;
    ASSERT_TRUE(r.status.has_value());
    EXPECT_EQ(*r.status, journal::RunStatus::faulted);
    EXPECT_TRUE(r.any_event_mentions("operator hold"));
    EXPECT_FALSE(r.any_event_mentions("held -> depositing")) << "the run was resumed";
    EXPECT_NE(r.detection_message.find("held -> stopping"), std::string::npos) << r.detection_message;
    EXPECT_NE(r.detection_message.find(cause), std::string::npos) << r.detection_message;
    ASSERT_TRUE(r.detected_s.has_value());
    EXPECT_GE(*r.detected_s, held_fault_at_s - 0.1) << r.detection_message;
    EXPECT_LE((*r.detected_s - held_fault_at_s) / held_speed * 1000.0, held_galvanostat_detection_bound_ms)
        << r.detection_message;
    // The simulator's own view: output off (high impedance) and the pump stopped.
    EXPECT_NE(r.sim_safe_state_message.find("output off, output-off mode HIMP"), std::string::npos)
        << r.sim_safe_state_message;
    EXPECT_NE(r.sim_safe_state_message.find("pump stopped"), std::string::npos) << r.sim_safe_state_message;
    EXPECT_EQ(r.integrity, "ok");
    // The record: every sample from the deposition's start to the hold, contiguous at 10 Hz of
    // run time, strictly increasing, and no current in the last one (the output was off).
    ASSERT_TRUE(r.deposition_start_s.has_value());
    ASSERT_FALSE(r.samples.empty());
    EXPECT_LE(r.samples.front().t_s, *r.deposition_start_s + 1.0);
    EXPECT_GE(r.samples.back().t_s, held_hold_at_s);
    EXPECT_LE(r.max_sample_gap(*r.deposition_start_s, held_hold_at_s), 0.5);
    EXPECT_EQ(r.summary.samples, r.samples.size());
    EXPECT_EQ(r.samples.back().current_a, 0.0);
    for (std::size_t i = 1; i < r.samples.size(); ++i) {
        ASSERT_GT(r.samples[i].t_s, r.samples[i - 1].t_s) << "sample " << i;
    }
}

}  // namespace

TEST(FaultOutsideDeposition, GalvanostatDisconnectWhileHeldFaultsBeforeResume) {
    const auto r = run_held_galvanostat_fault("galvanostat-disconnect");
    expect_faulted_while_held(r, "galvanostat_disconnected");
    // The instrument cannot be reached to confirm its output off, and the run says so; the hold
    // had switched it off, as the simulator shows, and the pump stop is confirmed.
    EXPECT_FALSE(r.summary.safe_state_confirmed);
    EXPECT_NE(r.safe_state_message.find("galvanostat not confirmed off"), std::string::npos) << r.safe_state_message;
    EXPECT_EQ(r.safe_state_message.find("pump not confirmed"), std::string::npos) << r.safe_state_message;
}

TEST(FaultOutsideDeposition, GalvanostatScpiErrorWhileHeldFaultsBeforeResume) {
    const auto r = run_held_galvanostat_fault("galvanostat-scpi-error");
    expect_faulted_while_held(r, "galvanostat_scpi_error");
    EXPECT_NE(r.detection_message.find("810"), std::string::npos) << r.detection_message;
    expect_safe_state(r);
}

TEST(FaultOutsideDeposition, K2450DisconnectWhileHeldFaultsBeforeResume) {
    const auto r = run_held_galvanostat_fault("galvanostat-disconnect", "keithley-2450");
    expect_faulted_while_held(r, "galvanostat_disconnected");
    EXPECT_FALSE(r.summary.safe_state_confirmed);
}
