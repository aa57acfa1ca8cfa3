// The syringe load the plan asks for covers what a nominal simulated run dispenses (issue 11,
// defect 2): the plan's own feed volume did not (84.94 mL planned, ~86.5 mL dispensed).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "test_cli_support.hpp"

namespace edc::cli::test {
namespace {

using nlohmann::json;

class CliSyringeLoad : public CliTest {};

TEST_F(CliSyringeLoad, SimulatedRunDispensesNoMoreThanTheLoadThePlanAsksFor) {
    const std::string recipe = example_recipe("g-bi033sb067.toml");
    const auto planned = run_cli({"plan", recipe, "--json"});
    ASSERT_EQ(planned.code, 0) << planned.err;
    const json totals = json::parse(planned.out).at("totals");
    const double plan_ml = totals.at("feed_volume_mL").get<double>();
    const double load_ml = totals.at("syringe_load_mL").get<double>();
    const double margin_ml = totals.at("syringe_margin_mL").get<double>();
    EXPECT_NEAR(load_ml, plan_ml + margin_ml, 1e-9);
    EXPECT_GT(margin_ml, 0.0);

    const std::string db = file("journal.sqlite");
    const auto run = run_cli({"run", recipe, "--sim", "--virtual", "--db", db, "--operator", "ci"});
    ASSERT_EQ(run.code, 0) << run.out << run.err;
    const auto shown = run_cli({"show", "last", "--db", db, "--json"});
    ASSERT_EQ(shown.code, 0) << shown.err;
    const double dispensed_ml = json::parse(shown.out).at("deposit").at("dispensed_mL").get<double>();
    EXPECT_GT(dispensed_ml, 0.9 * plan_ml);  // the run really fed B
    EXPECT_LE(dispensed_ml, load_ml) << "plan " << plan_ml << " mL, load " << load_ml << " mL";

    // The table says the same to a person: the load, the plan's volume and the margin.
    const auto table = run_cli({"plan", recipe});
    ASSERT_EQ(table.code, 0);
    EXPECT_NE(table.out.find("syringe load"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("margin"), std::string::npos) << table.out;
}

}  // namespace
}  // namespace edc::cli::test
