// `edc resume` after a SIGKILL (issue 13 item 2, done-when): `edc run --sim --virtual --sim-state F
// --signal KILL@T` dies mid-deposition with the simulated instruments' state in F (output on,
// pump pumping, bath and film as they were); `edc resume RUN --yes --sim --virtual --sim-state F`
// must complete the run: total charge within 1 % of the plan, and the film the simulated cell
// holds at the end (read from F: the plant's truth, not the controller's estimate) within
// 0.5 at.% Bi RMS of the target. The journal keeps both runs, linked and sealed. Refusals: a
// completed run, instruments whose identity differs, a pump counter the rest cannot be planned from.
// Virtual time: a kill lands at the same run time on any machine, so every figure repeats.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "app/journal/run_journal.hpp"
#include "control/plan/feed_plan.hpp"
#include "drivers/sim/sim_state_file.hpp"
#include "edc_process.hpp"
#include "run_fixture.hpp"

using namespace edc;
using namespace edc::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* speed = "10";         // fewer journal commits per run second: the same runs, faster
constexpr double paper_duration_s = 200.0;  // the example's deposition (edc plan)

struct Rig {
    std::filesystem::path db;
    std::filesystem::path state;
};

Rig fresh_rig(const std::string& tag) {
    Rig r;
    r.db = temp_db(tag);
    r.state = r.db.parent_path() / "sim-state.json";
    return r;
}

// `edc run` killed at run time `kill_at`; the journal then holds run `1`, interrupted.
void run_and_kill(const std::string& bin, const Rig& rig, double kill_at,
                  const std::string& recipe = "g-bi033sb067.toml") {
    EdcProcess p(bin,
                 {"run", example(recipe), "--sim", "--virtual", "--speed", speed, "--db", rig.db.string(),
                  "--sim-state", rig.state.string(), "--signal", "KILL@" + std::to_string(kill_at)});
    ASSERT_TRUE(p.started());
    ASSERT_TRUE(p.wait(120s)) << p.output();
    ASSERT_EQ(p.term_signal().value_or(0), SIGKILL) << p.output();
}

struct Resumed {
    int exit_code = -1;
    std::string output;
    nlohmann::json json;
};

Resumed resume(const std::string& bin, const Rig& rig, std::vector<std::string> extra = {"--yes"}) {
    std::vector<std::string> args{"resume", "1",    "--sim",         "--virtual",   "--speed",
                                  speed,    "--db", rig.db.string(), "--sim-state", rig.state.string(),
                                  "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    EdcProcess p(bin, args);
    Resumed r;
    if (!p.started() || !p.wait(120s)) return r;
    r.exit_code = p.exit_code().value_or(-1);
    r.output = p.output();
    // The JSON object comes last, from the last line that starts with '{'.
    const auto at = r.output.rfind("\n{");
    const auto from = r.output.starts_with('{') && at == std::string::npos ? 0 : at + 1;
    if (at != std::string::npos || r.output.starts_with('{'))
        r.json = nlohmann::json::parse(r.output.substr(from), nullptr, false);
    return r;
}

// The simulated film's last layer (the plant's truth) after `edc run` with these extra options.
double top_x_bi(const std::filesystem::path& state) {
    auto film = sim::load_film_layers(state);
    if (!film || film->empty()) {
        ADD_FAILURE() << state << ": " << (film ? "no film" : film.error().message);
        return 0.0;
    }
    return film->back().x_bi;
}

void run_through(const std::string& bin, const Rig& rig, std::vector<std::string> extra) {
    std::vector<std::string> args{"run",         example("g-bi033sb067.toml"),
                                  "--sim",       "--virtual",
                                  "--speed",     speed,
                                  "--db",        rig.db.string(),
                                  "--sim-state", rig.state.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    EdcProcess p(bin, args);
    ASSERT_TRUE(p.started());
    ASSERT_TRUE(p.wait(120s)) << p.output();
    ASSERT_EQ(p.exit_code().value_or(-1), 0) << p.output();
}

void sql(const std::filesystem::path& db, const std::string& statement) {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(h, statement.c_str(), nullptr, nullptr, &err);
    const std::string message = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(h);
    ASSERT_EQ(rc, SQLITE_OK) << message;
}

}  // namespace

TEST(ResumeAfterSigkill, KilledAt40PercentCompletesWithinOnePercentChargeAndHalfAPercentProfile) {
    const auto bin = edc_binary();
    if (!bin) GTEST_SKIP() << "edc binary not built";
    const Rig rig = fresh_rig("resume40");
    run_and_kill(*bin, rig, 0.4 * paper_duration_s);
    const auto r = resume(*bin, rig);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ASSERT_TRUE(r.json.is_object()) << r.output;
    EXPECT_EQ(r.json["outcome"], "completed");
    const double planned = r.json["planned_charge_c"];
    const double charge = r.json["charge_c"];
    // The plan's charge comes from the recipe (5.7 mA for 200 s = 1.14 C), not from the code
    // under test.
    EXPECT_NEAR(planned, 0.0057 * 200.0, 1e-6);
    EXPECT_LT(std::abs(charge - planned) / planned, 0.01) << r.output;
    ASSERT_TRUE(r.json.contains("film_rms_at_pct")) << r.output;
    EXPECT_LT(r.json["film_rms_at_pct"].get<double>(), 0.5) << r.output;
    // The pause is reported: the interrupted run had deposited something, the continuation
    // starts where it stood.
    EXPECT_GT(r.json["resumed_at_charge_c"].get<double>(), 0.3 * planned);

    auto j = journal::RunJournal::open(rig.db.string());
    ASSERT_TRUE(j) << j.error().message;
    ASSERT_TRUE(j->verify_chain()) << "the continuation must be sealed into the chain";
    auto first = j->get_run(1);
    auto second = j->get_run(2);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->status, journal::RunStatus::interrupted);
    EXPECT_EQ(second->status, journal::RunStatus::completed);
    EXPECT_EQ(second->resumes_run, std::optional<std::int64_t>{1});
    auto events = j->events(2);
    ASSERT_TRUE(events);
    bool linked = false;
    for (const auto& e : *events) linked = linked || e.code == "resumes_run";
    EXPECT_TRUE(linked) << "the link is an event too, covered by the run's seal";

    // Resumed once: not twice.
    const auto again = resume(*bin, rig);
    EXPECT_EQ(again.exit_code, 1) << again.output;
    EXPECT_NE(again.output.find("resumed it already"), std::string::npos) << again.output;
}

TEST(ResumeAfterSigkill, RefusesACompletedRunAnotherInstrumentAndACounterBeyondTheCell) {
    const auto bin = edc_binary();
    if (!bin) GTEST_SKIP() << "edc binary not built";
    {  // a run that completed
        const Rig rig = fresh_rig("resume-done");
        EdcProcess p(*bin, {"run", example("g-bi033sb067.toml"), "--sim", "--virtual", "--speed", speed,
                            "--db", rig.db.string(), "--sim-state", rig.state.string()});
        ASSERT_TRUE(p.started() && p.wait(120s));
        ASSERT_EQ(p.exit_code().value_or(-1), 0) << p.output();
        const auto r = resume(*bin, rig);
        EXPECT_EQ(r.exit_code, 1) << r.output;
        EXPECT_NE(r.output.find("completed, not interrupted"), std::string::npos) << r.output;
    }
    {  // the galvanostat answering is not the one the journal names
        const Rig rig = fresh_rig("resume-idn");
        run_and_kill(*bin, rig, 80.0);
        sql(rig.db,
            "UPDATE runs SET instruments = replace(instruments, 'MODEL 2400', 'MODEL 2401') WHERE id = 1");
        const auto r = resume(*bin, rig);
        EXPECT_EQ(r.exit_code, 1) << r.output;
        EXPECT_NE(r.output.find("not the interrupted run's"), std::string::npos) << r.output;
        auto j = journal::RunJournal::open(rig.db.string(), journal::OpenOptions{.mark_interrupted = false});
        ASSERT_TRUE(j);
        auto runs = j->list_runs();
        ASSERT_TRUE(runs);
        EXPECT_EQ(runs->size(), 1U) << "a refused resume begins no run";
    }
    {  // the pump's own counter says it ran on while edc was dead, 135 mL in all: more B than the
       // growing cell holds (150 mL, 20 mL of A), so the rest cannot be planned
        const Rig rig = fresh_rig("resume-counter");
        run_and_kill(*bin, rig, 80.0);
        nlohmann::json state;
        std::ifstream(rig.state) >> state;
        ASSERT_TRUE(state.contains("pump")) << state.dump();
        state["pump"]["dispensed_inf_m3"] = 135e-6;
        state["pump"]["run_dispensed_m3"] = 135e-6;
        std::ofstream(rig.state) << state.dump();
        const auto r = resume(*bin, rig);
        EXPECT_EQ(r.exit_code, 1) << r.output;
        EXPECT_NE(r.output.find("cannot be planned"), std::string::npos) << r.output;
        EXPECT_NE(r.output.find(plan::issue::cell_overflow), std::string::npos) << r.output;
    }
}

TEST(ResumeAfterSigkill, WithoutYesAndWithoutATerminalNothingIsEnergised) {
    const auto bin = edc_binary();
    if (!bin) GTEST_SKIP() << "edc binary not built";
    if (::isatty(STDIN_FILENO) != 0) GTEST_SKIP() << "stdin is a terminal here: the prompt would wait";
    const Rig rig = fresh_rig("resume-noyes");
    run_and_kill(*bin, rig, 80.0);
    const auto r = resume(*bin, rig, {});
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("--yes"), std::string::npos) << r.output;
}

// Ten kill points from a fixed seed across the deposition; the figures go to docs/reliability.md.
TEST(ResumeAfterSigkill, TenSeededKillPointsAllCompleteWithinTheBars) {
    const auto bin = edc_binary();
    if (!bin) GTEST_SKIP() << "edc binary not built";
    std::mt19937 rng(20261203U);
    std::uniform_real_distribution<double> at(10.0, 190.0);
    for (int i = 0; i < 10; ++i) {
        const double kill_at = at(rng);
        const Rig rig = fresh_rig("resume-series");
        run_and_kill(*bin, rig, kill_at);
        const auto r = resume(*bin, rig);
        ASSERT_EQ(r.exit_code, 0) << "kill at " << kill_at << " s\n" << r.output;
        const double planned = r.json["planned_charge_c"];
        const double charge = r.json["charge_c"];
        const double rms = r.json["film_rms_at_pct"];
        const double band = r.json["pause_band_rms_at_pct"];
        std::printf(
            "RESUME kill %6.1f s: gap %.2f s, charge %+.3f %%, film %.3f at.%% RMS, pause band %.3f at.%% "
            "RMS\n",
            kill_at, r.json["gap_s"].get<double>(), 100.0 * (charge - planned) / planned, rms, band);
        EXPECT_LT(std::abs(charge - planned) / planned, 0.01) << "kill at " << kill_at;
        EXPECT_LT(rms, 0.5) << "kill at " << kill_at;
    }
}

// A run simulated with --plant goes on in the same world after `edc resume`: the journaled plant
// file, not the recipe, is the simulated cell's chemistry after the pause. Judged by the film's
// last layer against two uninterrupted runs, with and without the plant (k 1.25 against the
// recipe's 1.0 moves it by about 4 at.%).
TEST(ResumeAfterSigkill, ASimulatedPlantStaysThePlantAfterTheResume) {
    const auto bin = edc_binary();
    if (!bin) GTEST_SKIP() << "edc binary not built";
    const std::string plant = example("plants/k-plus-25.toml");
    const Rig with_plant = fresh_rig("resume-plant-full");
    run_through(*bin, with_plant, {"--plant", plant});
    const Rig without = fresh_rig("resume-plant-none");
    run_through(*bin, without, {});
    const double top_plant = top_x_bi(with_plant.state);
    const double top_recipe = top_x_bi(without.state);
    ASSERT_GT(std::abs(top_plant - top_recipe), 0.01)
        << "the plant must move the film for this test to judge";

    const Rig rig = fresh_rig("resume-plant");
    EdcProcess p(*bin, {"run", example("g-bi033sb067.toml"), "--sim", "--virtual", "--speed", speed, "--db",
                        rig.db.string(), "--sim-state", rig.state.string(), "--plant", plant, "--signal",
                        "KILL@" + std::to_string(0.4 * paper_duration_s)});
    ASSERT_TRUE(p.started());
    ASSERT_TRUE(p.wait(120s)) << p.output();
    ASSERT_EQ(p.term_signal().value_or(0), SIGKILL) << p.output();
    const auto r = resume(*bin, rig);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const double top = top_x_bi(rig.state);
    EXPECT_LT(std::abs(top - top_plant), 0.25 * std::abs(top_plant - top_recipe))
        << "resumed " << top << ", uninterrupted with the plant " << top_plant << ", without " << top_recipe;

    // The continuation journals the plant it ran in, as the interrupted run did.
    auto j = journal::RunJournal::open(rig.db.string());
    ASSERT_TRUE(j) << j.error().message;
    std::string first_plant;
    std::string second_plant;
    for (const std::int64_t id : {1, 2}) {
        auto events = j->events(id);
        ASSERT_TRUE(events);
        for (const auto& e : *events)
            if (e.code == "plant") (id == 1 ? first_plant : second_plant) = e.message;
    }
    EXPECT_FALSE(first_plant.empty());
    EXPECT_EQ(second_plant, first_plant);
}
