// `edc run --sim`: a full simulated deposition through the real drivers ends completed and
// journaled; SIGINT aborts it to the safe state (exit 5). And the progress display.
#include <gtest/gtest.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>
#include <system_error>

#include "app/cli/run_progress.hpp"
#include "app/journal/run_journal.hpp"
#include "drivers/sim/sim_instrument_state.hpp"
#include "drivers/sim/sim_state_file.hpp"
#include "test_cli_support.hpp"

namespace edc::cli::test {
namespace {

class CliRun : public CliTest {};

TEST_F(CliRun, SimulatedRunCompletesWithSamplesWhoseChargeIntegratesTheCurrent) {
    const std::string db = file("journal.sqlite");
    const auto r = run_cli(
        {"run", example_recipe("g-bi033sb067.toml"), "--sim", "--virtual", "--db", db, "--operator", "ci"});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("completed"), std::string::npos);
    EXPECT_NE(r.out.find("deposited vs target"), std::string::npos);

    auto journal = journal::RunJournal::open(db);
    ASSERT_TRUE(journal) << journal.error().message;
    auto runs = journal->list_runs();
    ASSERT_TRUE(runs);
    ASSERT_EQ(runs->size(), 1U);
    const auto& run = runs->front();
    EXPECT_EQ(run.status, journal::RunStatus::completed);
    EXPECT_EQ(run.operator_name, "ci");
    EXPECT_EQ(run.recipe_name, "g-bi033sb067");
    auto samples = journal->samples(run.id);
    ASSERT_TRUE(samples);
    // The sampling rate itself is the runtime's to guarantee (its tests); here enough samples
    // to make the integral below meaningful: well over one per second of deposition.
    ASSERT_GE(samples->size(), 1000U);

    // Trapezoid integral of the measured current against the journaled charge: the samples
    // carry the loop's integral at the sample times, so they agree to the sampling error.
    double integral = 0.0;
    double worst = 0.0;
    const auto& s = *samples;
    for (std::size_t i = 1; i < s.size(); ++i) {
        integral += 0.5 * (s[i].current_a + s[i - 1].current_a) * (s[i].t_s - s[i - 1].t_s);
        worst = std::max(worst, std::abs(integral - (s[i].charge_c - s.front().charge_c)));
    }
    const double total = s.back().charge_c - s.front().charge_c;
    EXPECT_NEAR(integral, total, 0.01 * total);
    EXPECT_LT(worst, 0.01 * total);
    // The recipe's charge: 5.7 mA/cm2 x 1 cm2 x 200 s.
    EXPECT_NEAR(s.back().charge_c, 1.14, 0.01 * 1.14);

    // The run reads back through `edc show` and `edc export`.
    const auto shown = run_cli({"show", "last", "--db", db, "--json"});
    ASSERT_EQ(shown.code, 0) << shown.err;
    EXPECT_EQ(nlohmann::json::parse(shown.out).at("run").at("status"), "completed");
}

// --sim-state: the file the instruments leave at the end of a completed run holds the whole
// film (the recipe's 1.14 C, as the journal counted it) and the safe state the run ended in.
TEST_F(CliRun, SimStateFileHoldsTheFilmAndTheSafeStateAtTheEnd) {
    const std::string db = file("journal.sqlite");
    const std::string state = file("instruments.json");
    const auto r = run_cli({"run", example_recipe("g-bi033sb067.toml"), "--sim", "--virtual", "--db", db,
                            "--operator", "ci", "--sim-state", state});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    auto journal = journal::RunJournal::open(db);
    ASSERT_TRUE(journal) << journal.error().message;
    auto runs = journal->list_runs();
    ASSERT_TRUE(runs && runs->size() == 1U);
    auto samples = journal->samples(runs->front().id);
    ASSERT_TRUE(samples && !samples->empty());

    const auto truth = sim::load_sim_state(state);
    ASSERT_TRUE(truth) << truth.error().message;
    // The stopping phase passes a little more than the last sample: at most 1 s of current.
    EXPECT_NEAR(truth->cell.charge_c, samples->back().charge_c, samples->back().current_a);
    ASSERT_TRUE(truth->galvanostat && truth->pump);
    const auto smu = sim::keithley_state_from(truth->galvanostat->fields, state, "galvanostat");
    ASSERT_TRUE(smu) << smu.error().message;
    EXPECT_FALSE(smu->output_on);
    const auto ne = sim::newera_state_from(truth->pump->fields, state, "pump");
    ASSERT_TRUE(ne) << ne.error().message;
    EXPECT_FALSE(ne->running);
    EXPECT_FALSE(sim::film_layers(*truth).empty());
}

TEST_F(CliRun, SimStateOptionsNeedTheSimulator) {
    auto r = run_cli({"run", example_recipe("g-bi033sb067.toml"), "--sim-state", file("s.json")});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("--sim-state needs --sim"), std::string::npos) << r.err;
    r = run_cli({"run", example_recipe("g-bi033sb067.toml"), "--sim", "--sim-state", file("s.json"),
                 "--sim-outage", "10"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("--sim-outage"), std::string::npos) << r.err;
}

TEST_F(CliRun, SigintAbortsToTheSafeStateAndExits5) {
    // The operator's Ctrl-C at run time 60 s, mid-deposition: the process sends itself SIGINT
    // on the run's virtual clock (--signal), through the CLI's own handler.
    const std::string db = file("journal.sqlite");
    const auto r = run_cli(
        {"run", example_recipe("g-bi033sb067.toml"), "--sim", "--virtual", "--db", db, "--signal", "INT@60"});
    EXPECT_EQ(r.code, 5) << r.out << r.err;
    EXPECT_NE(r.out.find("aborted"), std::string::npos);
    // The partial film is judged against the plan's bottom part, the depth its charge reached,
    // not against the whole profile (which would read as ~14 at.% off).
    const auto at = r.out.find("deposited vs target ");
    ASSERT_NE(at, std::string::npos) << r.out;
    const char* first = r.out.data() + at + std::string_view("deposited vs target ").size();
    double rms = 0.0;
    ASSERT_EQ(std::from_chars(first, r.out.data() + r.out.size(), rms).ec, std::errc{}) << r.out;
    EXPECT_LT(rms, 0.5) << r.out;

    auto journal = journal::RunJournal::open(db);
    ASSERT_TRUE(journal);
    auto runs = journal->list_runs();
    ASSERT_TRUE(runs);
    ASSERT_EQ(runs->size(), 1U);
    EXPECT_EQ(runs->front().status, journal::RunStatus::aborted);
    auto events = journal->events(runs->front().id);
    ASSERT_TRUE(events);
    bool cause_journaled = false;
    for (const auto& e : *events)
        cause_journaled = cause_journaled || e.message.find("SIGINT") != std::string::npos;
    EXPECT_TRUE(cause_journaled);
}

app::RunSnapshot half_way() {
    app::RunSnapshot s;
    s.state = run::RunState::depositing;
    s.t_s = 100.0;
    s.nominal_duration_s = 200.0;
    s.charge_c = 0.57;
    s.planned_charge_c = 1.14;
    s.current_a = 5.7e-3;
    s.depth_m = 316e-9;
    s.x_bi_now = 0.33;
    s.feed_rate_m3_per_s = 19e-6 / 60.0;  // 19 mL/min
    s.volume_m3 = 41e-6;
    return s;
}

TEST(CliRunProgress, LineShowsStateProgressAndLabUnits) {
    const std::string line = progress_line(half_way(), true);
    EXPECT_NE(line.find("depositing"), std::string::npos);
    EXPECT_NE(line.find("[##########----------]"), std::string::npos);
    EXPECT_NE(line.find(" 50%"), std::string::npos);
    EXPECT_NE(line.find("ETA 100 s"), std::string::npos);  // 0.57 C left at 5.7 mA
    EXPECT_NE(line.find("h 316 nm"), std::string::npos);
    EXPECT_NE(line.find("q 19.00 mL/min"), std::string::npos);
    EXPECT_NE(line.find("V 41.0 mL"), std::string::npos);
}

TEST(CliRunProgress, EtaFollowsTheScheduleWhileHeld) {
    auto s = half_way();
    s.state = run::RunState::held;
    s.current_a = 0.0;
    ASSERT_TRUE(eta_s(s));
    EXPECT_NEAR(*eta_s(s), 100.0, 1e-9);  // half the charge left of a 200 s schedule
}

TEST(CliRunProgress, PlainOutputPrintsEveryTwoSecondsAndOnStateChange) {
    std::ostringstream out;
    std::ostringstream err;
    Console console{out, err, false};
    RunProgressView view(console);
    auto s = half_way();
    for (int i = 0; i < 41; ++i) {  // 4 s of run time polled at 10 Hz
        s.t_s = 100.0 + 0.1 * i;
        view.update(s);
    }
    s.state = run::RunState::stopping;
    view.update(s);
    std::size_t lines = 0;
    for (const char c : out.str()) lines += c == '\n' ? 1U : 0U;
    EXPECT_EQ(lines, 4U);  // t = 100, 102, 104, and the state change
    EXPECT_TRUE(err.str().empty());
}

}  // namespace
}  // namespace edc::cli::test
