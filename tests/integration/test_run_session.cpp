// Whole simulated depositions: the real drivers against edc_sim's instrument models (over
// in-process transports, on a lock-step virtual clock at speed 20: run_fixture.hpp), the
// scheduler on its loop, the journal in SQLite; checked from the simulator's side.
#include <cmath>
#include <cstdio>
#include <set>

#include "app/journal/run_journal.hpp"
#include "fault_run.hpp"

using namespace edc;
using namespace edc::testing;

TEST(RunSession, PaperRecipeCompletesOnTargetThroughRealDrivers) {
    const auto db = temp_db("paper");
    auto options = sim_options("g-bi033sb067.toml", db, 20.0);
    VirtualRun lockstep(use_virtual_time(options));
    auto session = create_session(std::move(options));
    ASSERT_TRUE(session) << session.error().message;
    (*session)->start();
    std::set<run::RunState> seen;
    const auto summary = lockstep.run_to_end(**session, 120.0 * 20.0, 0.4, [&](const app::RunSnapshot& s) {
        seen.insert(s.state);
    });
    lockstep.release();
    EXPECT_EQ(summary.outcome, run::Outcome::completed) << summary.cause;
    EXPECT_TRUE(seen.count(run::RunState::depositing));
    EXPECT_TRUE(summary.safe_state_confirmed);
    // design.md: 5.7 mA for 200 s = 1.14 C.
    EXPECT_NEAR(summary.totals.charge_c, 1.14, 0.02);
    ASSERT_TRUE(summary.sim_rms_error_at_pct.has_value());
    // Issue 3 asks for 0.5 at.% through the drivers; the run holds the twin's 0.25 (issue 2).
    EXPECT_LT(*summary.sim_rms_error_at_pct, 0.25) << "deposited profile vs target, at.% Bi RMS";
    std::printf("simulated run through the drivers: charge %.4f C, thickness %.1f nm, deposited vs target "
                "%.3f at.%% RMS, %.3f at.%% max, %llu samples, %llu loop overruns\n",
                summary.totals.charge_c, summary.totals.thickness_m * 1e9, *summary.sim_rms_error_at_pct,
                summary.sim_max_error_at_pct.value_or(-1), static_cast<unsigned long long>(summary.samples),
                static_cast<unsigned long long>(summary.loop_overruns));

    auto journal = journal::RunJournal::open(db.string());
    ASSERT_TRUE(journal);
    auto run = journal->get_run(summary.run_id);
    ASSERT_TRUE(run);
    EXPECT_EQ(run->status, journal::RunStatus::completed);
    auto samples = journal->samples(summary.run_id);
    ASSERT_TRUE(samples);
    ASSERT_GT(samples->size(), 1000U);  // >= 10 Hz over 200 s
    // The journaled charge integrates the journaled current (trapezoid rule, an independent sum).
    double q = 0.0;
    for (std::size_t i = 1; i < samples->size(); ++i) {
        const auto& a = (*samples)[i - 1];
        const auto& b = (*samples)[i];
        q += 0.5 * (a.current_a + b.current_a) * (b.t_s - a.t_s);
    }
    EXPECT_NEAR(q, samples->back().charge_c, 0.02 * samples->back().charge_c);
    EXPECT_EQ(journal->integrity_check().value_or("?"), "ok");
}

TEST(RunSession, OperatorAbortReachesSafeStateAndIsJournaled) {
    const auto db = temp_db("abort");
    auto options = sim_options("g-bi033sb067.toml", db, 20.0);
    VirtualRun lockstep(use_virtual_time(options));
    auto session = create_session(std::move(options));
    ASSERT_TRUE(session) << session.error().message;
    (*session)->start();
    bool aborted = false;
    const auto summary = lockstep.run_to_end(**session, 120.0 * 20.0, 0.4, [&](const app::RunSnapshot& s) {
        if (!aborted && s.state == run::RunState::depositing && s.t_s > 30.0) {
            (*session)->abort("operator abort (test)");
            aborted = true;
        }
    });
    lockstep.release();
    EXPECT_EQ(summary.outcome, run::Outcome::aborted);
    EXPECT_TRUE(summary.safe_state_confirmed);
    auto journal = journal::RunJournal::open(db.string());
    ASSERT_TRUE(journal);
    EXPECT_EQ(journal->get_run(summary.run_id)->status, journal::RunStatus::aborted);
    auto events = journal->events(summary.run_id);
    ASSERT_TRUE(events);
    bool named = false;
    for (const auto& e : *events) named = named || e.message.find("operator abort (test)") != std::string::npos;
    EXPECT_TRUE(named);
}

TEST(RunSession, HoldAndResumeKeepTheDepositOnTarget) {
    // The plan is indexed by charge: a 30 s hold (current off, pump stopped) must not shear the
    // gradient. The deposit is read from the simulator, an independent record.
    const auto db = temp_db("hold");
    auto options = sim_options("g-bi033sb067.toml", db, 20.0);
    VirtualRun lockstep(use_virtual_time(options));
    auto session = create_session(std::move(options));
    ASSERT_TRUE(session) << session.error().message;
    (*session)->start();
    double held_at = -1.0;
    bool resumed = false;
    std::set<run::RunState> seen;
    const auto summary = lockstep.run_to_end(**session, 150.0 * 20.0, 0.4, [&](const app::RunSnapshot& s) {
        seen.insert(s.state);
        if (held_at < 0.0 && s.state == run::RunState::depositing && s.charge_c > 0.3) {
            (*session)->hold();
            held_at = s.t_s;
        }
        if (held_at >= 0.0 && !resumed && s.state == run::RunState::held && s.t_s > held_at + 30.0) {
            (*session)->resume();
            resumed = true;
        }
    });
    lockstep.release();
    EXPECT_TRUE(seen.count(run::RunState::held));
    EXPECT_TRUE(resumed);
    EXPECT_EQ(summary.outcome, run::Outcome::completed) << summary.cause;
    EXPECT_NEAR(summary.totals.charge_c, 1.14, 0.02);
    ASSERT_TRUE(summary.sim_rms_error_at_pct.has_value());
    EXPECT_LT(*summary.sim_rms_error_at_pct, 0.5);  // issue 3's bound; typically 0.11 (lead ramp)
    std::printf("hold/resume run: deposited vs target %.3f at.%% RMS, %.3f at.%% max\n", *summary.sim_rms_error_at_pct,
                summary.sim_max_error_at_pct.value_or(-1));
}

// Issue 14's done-when: the paper's recipe through the real drivers for every galvanostat with
// every pump (instruments behind in-process links, lock-step virtual clock), judged by the
// simulated plant's deposit, not by the controller's estimate.
struct InstrumentPair {
    const char* galvanostat;
    const char* pump;
    const char* syringe_diameter = "";  // empty: the recipe's (38.4 mm)
    const char* recipe = "g-bi033sb067.toml";
};

class PaperRecipeOnInstruments : public ::testing::TestWithParam<InstrumentPair> {};

TEST_P(PaperRecipeOnInstruments, CompletesWithinHalfAnAtomicPercentRms) {
    FaultRunSpec spec;
    spec.galvanostat_model = GetParam().galvanostat;
    spec.pump_model = GetParam().pump;
    spec.syringe_diameter = GetParam().syringe_diameter;
    spec.recipe = GetParam().recipe;
    auto options = variant_options(spec, temp_db("paper-instruments"));
    ASSERT_EQ(recipes::to_string(options.run.recipe.galvanostat.model), GetParam().galvanostat);
    ASSERT_TRUE(options.run.recipe.pump.has_value());
    ASSERT_EQ(recipes::to_string(options.run.recipe.pump->model), GetParam().pump);
    VirtualRun lockstep(use_virtual_time(options));
    auto session = create_session(std::move(options));
    ASSERT_TRUE(session) << session.error().message;
    (*session)->start();
    const auto summary = lockstep.run_to_end(**session, 120.0 * 20.0, 0.4, [](const app::RunSnapshot&) {});
    lockstep.release();
    EXPECT_EQ(summary.outcome, run::Outcome::completed) << summary.cause;
    EXPECT_TRUE(summary.safe_state_confirmed);
    EXPECT_NEAR(summary.totals.charge_c, 1.14, 0.02);  // design.md: 5.7 mA for 200 s
    ASSERT_TRUE(summary.sim_rms_error_at_pct.has_value());
    EXPECT_LT(*summary.sim_rms_error_at_pct, 0.5) << "deposited profile vs target, at.% Bi RMS";
    std::printf("%s + %s: deposited vs target %.3f at.%% RMS\n", GetParam().galvanostat, GetParam().pump,
                *summary.sim_rms_error_at_pct);
}

// The Elite's top speed on the recipe's 38.4 mm syringe is below the plan's opening bolus: a lab
// fits a wider one (48 mm, as in test_fault_matrix.cpp).
constexpr const char* elite = "harvard-elite";
constexpr const char* emstat4 = "g-bi033sb067-emstat4.toml";
constexpr InstrumentPair instrument_pairs[] = {
    {"keithley-2400", "ne-1000"},   {"keithley-2400", elite, "48 mm"},   {"keithley-2400", "kds-legato-100"},
    {"keithley-2450", "ne-1000"},   {"keithley-2450", elite, "48 mm"},   {"keithley-2450", "kds-legato-100"},
    {"keithley-2460", "ne-1000"},   {"keithley-2460", elite, "48 mm"},   {"keithley-2460", "kds-legato-100"},
    {"keysight-b2901a", "ne-1000"}, {"keysight-b2901a", elite, "48 mm"}, {"keysight-b2901a", "kds-legato-100"},
    // MethodSCRIPT over the EmStat4's USB virtual COM port; its example recipe has its 8 V compliance.
    {"palmsens-emstat4", "ne-1000", "", emstat4},
    {"palmsens-emstat4", elite, "48 mm", emstat4},
    {"palmsens-emstat4", "kds-legato-100", "", emstat4},
};

INSTANTIATE_TEST_SUITE_P(EveryPair, PaperRecipeOnInstruments, ::testing::ValuesIn(instrument_pairs),
                         [](const ::testing::TestParamInfo<InstrumentPair>& i) {
                             std::string name = std::string(i.param.galvanostat) + "_" + i.param.pump;
                             for (auto& c : name) {
                                 if (c == '-') c = '_';
                             }
                             return name;
                         });
