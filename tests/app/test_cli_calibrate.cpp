// edc calibrate: refused inputs, and the "done when" closed loops: simulated plants whose
// chemistry differs from the recipe, judged by the simulator's own deposit (the plant's truth,
// the run summary's "deposited vs target"), never by the controller's model.
#include <charconv>
#include <nlohmann/json.hpp>

#include "app/journal/run_journal.hpp"
#include "test_cli_support.hpp"

namespace edc::cli::test {
namespace {

class CliCalibrate : public CliTest {
protected:
    // "deposited vs target 0.351 at.% Bi RMS": the plant's film against the recipe's target.
    static double deposited_rms(const CliResult& r) {
        const std::string key = "deposited vs target ";
        const auto at = r.out.find(key);
        EXPECT_NE(at, std::string::npos) << r.out;
        if (at == std::string::npos) return 1e9;
        double v = 1e9;
        const char* b = r.out.data() + at + key.size();
        (void)std::from_chars(b, r.out.data() + r.out.size(), v);
        return v;
    }
    CliResult sim_run(const std::string& recipe, const std::string& plant, const std::string& measure,
                      const std::string& chemistry = {}) {
        std::vector<std::string> args{"run",     recipe, "--sim",     "--speed", "20",     "--db", db_,
                                      "--plant", plant,  "--measure", measure,   "--seed", "1"};
        if (!chemistry.empty()) {
            args.emplace_back("--chemistry");
            args.emplace_back(chemistry);
        }
        return run_cli(args);
    }
    void SetUp() override {
        CliTest::SetUp();
        db_ = file("journal.sqlite");
    }
    std::string db_;
};

TEST_F(CliCalibrate, UnknownRunIsAnError) {
    const auto profile = write_file("p.csv", "depth_nm,x_bi\n0,0.5\n10,0.4\n");
    auto journal = journal::RunJournal::open(db_);
    ASSERT_TRUE(journal);
    const auto r =
        run_cli({"calibrate", "--run", "42", "--profile", profile, "--db", db_, "-o", file("c.toml")});
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find("42"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(file("c.toml")));
}

TEST_F(CliCalibrate, UnfinishedRunIsRefusedWithTheReason) {
    const auto profile = write_file("p.csv", "depth_nm,x_bi\n0,0.5\n10,0.4\n");
    {
        auto journal = journal::RunJournal::open(db_);
        ASSERT_TRUE(journal);
        journal::RunStart start;
        start.recipe_name = "g-bi033sb067";
        start.recipe_text = read_text(example_recipe("g-bi033sb067.toml"));
        start.recipe_sha256 = "0";
        auto id = journal->begin_run(start);
        ASSERT_TRUE(id);
        ASSERT_TRUE(journal->end_run(*id, journal::RunStatus::aborted));
    }
    const auto r =
        run_cli({"calibrate", "--run", "1", "--profile", profile, "--db", db_, "-o", file("c.toml")});
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find("run 1 is aborted, not completed"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("run_not_completed"), std::string::npos) << r.err;
}

TEST_F(CliCalibrate, BadProfileAndMismatchedOptionsAreErrors) {
    const auto run =
        run_cli({"run", example_recipe("g-bi033sb067.toml"), "--sim", "--speed", "50", "--db", db_});
    ASSERT_EQ(run.code, 0) << run.err;
    const auto nan = write_file("nan.csv", "depth_nm,x_bi\n0,0.5\n10,nan\n");
    const auto r = run_cli({"calibrate", "--run", "1", "--profile", nan, "--db", db_, "-o", file("c.toml")});
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find(nan + ":3"), std::string::npos) << r.err;
    const auto one = write_file("one.csv", "depth_nm,x_bi\n0,0.5\n");
    EXPECT_NE(run_cli({"calibrate", "--run", "1", "--profile", one, "--db", db_, "-o", file("c.toml")}).code,
              0);
    const auto pairs = run_cli({"calibrate", "--run", "1", "--db", db_, "-o", file("c.toml")});
    EXPECT_EQ(pairs.code, 1);
    EXPECT_NE(pairs.err.find("1 --run but 0 --profile"), std::string::npos) << pairs.err;
    const auto no_out = run_cli({"calibrate", "--run", "1", "--profile", one, "--db", db_});
    EXPECT_EQ(no_out.code, 1);
}

TEST_F(CliCalibrate, CalibrationDepositsAloneGiveKAndAPartialChemistryFile) {
    // x/(1-x) = k cBi/cSb with k = 1.2: at 25/50 mM x = 0.375, at 50/50 mM x = 6/11.
    const auto samples =
        write_file("s.csv", "bath_bi_mM,bath_sb_mM,x_bi\n25,50,0.375\n50,50,0.5454545454545454\n");
    const auto r = run_cli({"calibrate", "--samples", samples, "-o", file("c.toml"), "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_NEAR(j.at("selectivity_k").get<double>(), 1.2, 1e-6);
    EXPECT_TRUE(j.at("selectivity_table").is_null());
    const auto plan = run_cli({"plan", example_recipe("g-bi033sb067.toml"), "--chemistry", file("c.toml")});
    EXPECT_EQ(plan.code, 0) << plan.err;
}

// Done when (issue 12): k 25 % above the recipe's, efficiency and A's Bi off too. The first run is
// several at.% off; calibrated on its noisy measured profile, the next is within 0.5 at.% RMS, and
// the fitted k is within 6 % of the identifiable product: with A and B at equal Sb only
// k * c_Bi(A) is identifiable, so the truth to compare is 1.25 * 49/50 = 1.225 (A fixed at 50 mM).
// Two real-time simulated runs at --speed 20 (~23 s). Seed 7 once gave 0.58 at.% when AIC picked a
// 2-knot table by 0.4; a table now needs an AIC lower by more than 2.
TEST_F(CliCalibrate, OneCalibrationBringsAPlantWithKOffBy25PercentWithinHalfAPercent) {
    const auto plant = write_file("plant.toml",
                                  "[plant]\nselectivity_k = 1.25\ncurrent_efficiency = 0.68\n"
                                  "a = { Bi = \"49 mM\", Sb = \"50 mM\" }\n");
    const auto recipe = example_recipe("g-bi033sb067.toml");
    const auto first = sim_run(recipe, plant, file("m1.csv"));
    ASSERT_EQ(first.code, 0) << first.out << first.err;
    EXPECT_GT(deposited_rms(first), 2.0);

    const auto cal = run_cli({"calibrate", "--run", "1", "--profile", file("m1.csv"), "--db", db_, "-o",
                              file("chem.toml"), "--json"});
    ASSERT_EQ(cal.code, 0) << cal.err;
    const auto j = nlohmann::json::parse(cal.out);
    // The constant model's k (AIC may still pick a table for one noisy film; both are reported).
    const double k = j.at("selectivity_k_constant_model").get<double>();
    EXPECT_NEAR(k, 1.225, 0.06 * 1.225);
    EXPECT_FALSE(j.at("a_bi_fitted").get<bool>());
    EXPECT_LT(j.at("selectivity_k_ci95")[0].get<double>(), k);
    EXPECT_GT(j.at("selectivity_k_ci95")[1].get<double>(), k);
    EXPECT_NEAR(j.at("current_efficiency").get<double>(), 0.68, 0.05 * 0.68);
    EXPECT_LT(j.at("residual_rms_at_pct").get<double>(), 1.5);  // the profile's noise is 1 at.%

    const auto second = sim_run(recipe, plant, file("m2.csv"), file("chem.toml"));
    ASSERT_EQ(second.code, 0) << second.out << second.err;
    EXPECT_LT(deposited_rms(second), 0.5);
}

}  // namespace
}  // namespace edc::cli::test
