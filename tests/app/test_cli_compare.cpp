// `edc compare RUN PROFILE.csv` on a hand-built journal (figures computed by hand) and on a
// real simulated run measured with `edc run --sim --measure`; and the --measure options.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string_view>

#include "app/journal/run_journal.hpp"
#include "test_cli_support.hpp"

namespace edc::cli::test {
namespace {

using json = nlohmann::ordered_json;

class CliCompare : public CliTest {
protected:
    // A completed run of the paper's graded recipe whose controller predicted the target
    // exactly over 600 nm: x_pred = 0.50 - 0.34 d / 600 nm.
    std::string journal_with_one_run() const {
        const std::string db = file("journal.sqlite");
        auto j = journal::RunJournal::open(db);
        EXPECT_TRUE(j);
        journal::RunStart start;
        start.recipe_name = "g-bi033sb067";
        start.recipe_text = read_text(example_recipe("g-bi033sb067.toml"));
        start.recipe_sha256 = "00";
        start.software_version = "test";
        start.git_revision = "test";
        start.instruments_json = "{}";
        start.operator_name = "ci";
        auto id = j->begin_run(start);
        EXPECT_TRUE(id);
        std::vector<journal::JournalSample> samples(61);
        for (std::size_t i = 0; i < samples.size(); ++i) {
            samples[i].t_s = static_cast<double>(i);
            samples[i].depth_m = 10e-9 * static_cast<double>(i);
            samples[i].x_bi_predicted = 0.50 - 0.34 * static_cast<double>(i) / 60.0;
        }
        EXPECT_TRUE(j->append_samples(*id, samples));
        EXPECT_TRUE(j->end_run(*id, journal::RunStatus::completed));
        return db;
    }
};

// Measured 1 at.% above the target everywhere over the same 600 nm: RMS 1, worst 1, depth-
// weighted mean 0.33 + 0.01.
TEST_F(CliCompare, JsonReportsTheErrorAgainstTheTargetAndBothThicknesses) {
    const std::string db = journal_with_one_run();
    const std::string csv = write_file("film.csv",
                                       "# EDS line scan\ndepth_nm,x_bi\n0,0.51\n200,0.3966666667\n"
                                       "400,0.2833333333\n600,0.17\n");
    const auto r = run_cli({"compare", "1", csv, "--db", db, "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto j = json::parse(r.out);
    const std::vector<std::string> first_keys{"run",
                                              "points",
                                              "rms_error_at_pct",
                                              "max_error_at_pct",
                                              "mean_x_bi_measured",
                                              "thickness_nm_measured",
                                              "thickness_nm_predicted"};
    std::vector<std::string> keys;
    for (const auto& item : j.items()) keys.push_back(item.key());
    ASSERT_GE(keys.size(), first_keys.size());
    EXPECT_EQ(std::vector<std::string>(keys.begin(), keys.begin() + 7), first_keys);
    EXPECT_EQ(j.at("run"), 1);
    EXPECT_EQ(j.at("points"), 4);
    EXPECT_NEAR(j.at("rms_error_at_pct").get<double>(), 1.0, 1e-6);
    EXPECT_NEAR(j.at("max_error_at_pct").get<double>(), 1.0, 1e-6);
    EXPECT_NEAR(j.at("mean_x_bi_measured").get<double>(), 0.34, 1e-9);
    EXPECT_NEAR(j.at("thickness_nm_measured").get<double>(), 600.0, 1e-9);
    EXPECT_NEAR(j.at("thickness_nm_predicted").get<double>(), 600.0, 1e-9);
    EXPECT_NEAR(j.at("rms_vs_predicted_at_pct").get<double>(), 1.0, 1e-6);
}

TEST_F(CliCompare, TextReportNamesTheRunAndTheFigures) {
    const std::string db = journal_with_one_run();
    const std::string csv = write_file("film.csv", "depth_from_surface_nm;bi_at_pct\n0;16\n600;50\n");
    const auto r = run_cli({"compare", "last", csv, "--db", db});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("run 1 (g-bi033sb067, completed)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("0.000 at.% Bi RMS"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("600.0 nm measured, 600.0 nm predicted"), std::string::npos) << r.out;
}

TEST_F(CliCompare, PngIsDrawnOrRefusedWhereBuiltWithoutQt) {
    const std::string db = journal_with_one_run();
    const std::string csv = write_file("film.csv", "depth_nm,x_bi\n0,0.5\n300,0.33\n600,0.16\n");
    const std::string png = file("chart.png");
    const auto r = run_cli({"compare", "1", csv, "--db", db, "--png", png});
    if (r.code == 0) {
        EXPECT_EQ(read_text(png).substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    } else {
        EXPECT_EQ(r.code, 1);
        EXPECT_NE(r.err.find("built without Qt"), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(png));
    }
}

TEST_F(CliCompare, BadProfileExits2WithFileAndLine) {
    const std::string db = journal_with_one_run();
    const std::string csv = write_file("film.csv", "depth_nm,x_bi\n0,0.5\n10,1.5\n");
    const auto r = run_cli({"compare", "1", csv, "--db", db});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("film.csv:3"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("outside 0..1"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("invalid_profile"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
}

TEST_F(CliCompare, MissingRunExitsAsShowDoes) {
    const std::string db = journal_with_one_run();
    const std::string csv = write_file("film.csv", "depth_nm,x_bi\n0,0.5\n600,0.16\n");
    const auto r = run_cli({"compare", "7", csv, "--db", db});
    EXPECT_EQ(r.code, run_cli({"show", "7", "--db", db}).code);
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("no_such_run"), std::string::npos) << r.err;
    EXPECT_EQ(run_cli({"compare", "1", "--db", db}).code, 1);  // PROFILE missing: usage
}

TEST_F(CliCompare, MeasureOptionsNeedSimAndMeasureAndSaneValues) {
    const std::string recipe = example_recipe("g-bi033sb067.toml");
    const std::string db = file("j.sqlite");
    const auto no_sim = run_cli({"run", recipe, "--db", db, "--measure", file("m.csv")});
    EXPECT_EQ(no_sim.code, 1);
    EXPECT_NE(no_sim.err.find("--measure needs --sim"), std::string::npos) << no_sim.err;
    for (const auto& [option, value] : std::vector<std::pair<std::string, std::string>>{
             {"--measure-noise", "0"}, {"--measure-resolution", "0"}, {"--seed", "3"}}) {
        const auto r = run_cli({"run", recipe, "--sim", "--db", db, option, value});
        EXPECT_EQ(r.code, 1) << option;
        EXPECT_NE(r.err.find(option + " needs --measure"), std::string::npos) << r.err;
    }
    for (const auto& [option, value] :
         std::vector<std::pair<std::string, std::string>>{{"--measure-noise", "-0.1"},
                                                          {"--measure-resolution", "-5"},
                                                          {"--seed", "x1"},
                                                          {"--seed", "-1"}}) {
        const auto r =
            run_cli({"run", recipe, "--sim", "--db", db, "--measure", file("m.csv"), option, value});
        EXPECT_EQ(r.code, 1) << option << " " << value;
        EXPECT_NE(r.err.find(option), std::string::npos) << r.err;
    }
    EXPECT_FALSE(std::filesystem::exists(db));  // refused before anything ran
    EXPECT_FALSE(std::filesystem::exists(file("m.csv")));
}

}  // namespace
}  // namespace edc::cli::test
