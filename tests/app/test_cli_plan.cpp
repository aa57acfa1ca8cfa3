// `edc plan` and `edc simulate` against design.md's worked example, computed here in closed
// form: k = 1, A and B at 50 mM, V0 = 20 mL, 5.7 mA/cm2 on 1 cm2 for 200 s, eta 0.725,
// packing 0.868, x* linear in depth from 0.50 to 0.16. Ignoring consumption (~0.1 % of the
// bath's Bi here) the bath that deposits x holds V = V0 (1 - x) / x.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "test_cli_support.hpp"

namespace edc::cli::test {
namespace {

using nlohmann::json;

constexpr double faraday = 96485.332;
constexpr double z = 3.0;
constexpr double eta = 0.725;
constexpr double packing = 0.868;
constexpr double area_cm2 = 1.0;
constexpr double current_a = 5.7e-3;
constexpr double duration_s = 200.0;
constexpr double v0_ml = 20.0;
constexpr double x_bottom = 0.50;
constexpr double x_top = 0.16;

double molar_volume_cm3(double x) {
    return 21.3 * x + 18.2 * (1.0 - x);
}
double molar_mass_g(double x) {
    return 208.98 * x + 121.76 * (1.0 - x);
}

// dQ = (z F A p / eta) dh / Vm(x) and x linear in h give the thickness in closed form.
double thickness_cm() {
    const double a = 18.2;
    const double b = 3.1;
    const double integral = std::log((a + b * x_bottom) / (a + b * x_top)) / b;  // int dx / Vm, mol/cm3
    const double charge = current_a * duration_s;
    return charge * eta * (x_bottom - x_top) / (z * faraday * area_cm2 * packing * integral);
}

// Feed rate where x is being deposited: q = |dV/dx| |dx/dh| dh/dt, dV/dx = -V0 / x^2.
double feed_rate_ml_min(double x) {
    const double dh_dt = current_a * eta * molar_volume_cm3(x) / (z * faraday * area_cm2 * packing);
    const double dx_dt = (x_bottom - x_top) / thickness_cm() * dh_dt;
    return v0_ml / (x * x) * dx_dt * 60.0;
}

// The 4 significant digits the pump-limit message prints ("55.56").
std::string fmt_ml_min(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

// Mole-weighted mean x and the film's moles: moles per depth are proportional to 1 / Vm(x).
double mole_weighted_mean_x() {
    double num = 0.0;
    double den = 0.0;
    const int n = 10000;
    for (int i = 0; i < n; ++i) {
        const double x = x_top + (x_bottom - x_top) * (i + 0.5) / n;
        num += x / molar_volume_cm3(x);
        den += 1.0 / molar_volume_cm3(x);
    }
    return num / den;
}

double film_mass_mg() {
    const double moles = current_a * duration_s * eta / (z * faraday);
    return moles * molar_mass_g(mole_weighted_mean_x()) * 1e3;  // M is linear in x
}

class CliPlan : public CliTest {};

TEST_F(CliPlan, PlanJsonMatchesWorkedExampleArithmetic) {
    const auto r = run_cli({"plan", example_recipe("g-bi033sb067.toml"), "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const json j = json::parse(r.out);
    EXPECT_TRUE(j.at("feasible").get<bool>());
    EXPECT_EQ(j.at("recipe"), "g-bi033sb067");

    const json& t = j.at("totals");
    EXPECT_NEAR(t.at("charge_C").get<double>(), 1.14, 1e-9);
    EXPECT_NEAR(t.at("duration_s").get<double>(), 200.0, 1e-6);
    EXPECT_NEAR(t.at("thickness_nm").get<double>(), thickness_cm() * 1e7, 0.005 * thickness_cm() * 1e7);
    EXPECT_NEAR(t.at("thickness_nm").get<double>(), 632.0, 3.0);  // design.md: ~630 nm
    EXPECT_NEAR(t.at("mass_mg_cm2").get<double>(), film_mass_mg() / area_cm2, 0.005 * film_mass_mg());
    const double v_end = v0_ml * (1.0 - x_top) / x_top;  // 105 mL
    EXPECT_NEAR(t.at("final_volume_mL").get<double>(), v_end, 0.01 * v_end);
    EXPECT_NEAR(t.at("feed_volume_mL").get<double>(), v_end - v0_ml, 0.01 * (v_end - v0_ml));
    EXPECT_NEAR(t.at("prebolus_mL").get<double>(), 0.0, 1e-9);  // the bath already deposits 0.50
    EXPECT_NEAR(t.at("mean_x_bi").get<double>(), mole_weighted_mean_x(), 0.002);

    const json& schedule = j.at("schedule");
    ASSERT_GE(schedule.size(), 20U);
    EXPECT_LE(schedule.size(), 200U);
    const std::set<std::string> keys{"t_s",       "charge_C",         "depth_nm",    "fed_mL",
                                     "volume_mL", "feed_rate_mL_min", "x_bi_target", "x_bi_predicted"};
    for (const auto& p : schedule) {
        std::set<std::string> got;
        for (const auto& [k, v] : p.items()) got.insert(k);
        ASSERT_EQ(got, keys);
    }
    const json& first = schedule.front();
    const json& last = schedule.back();
    EXPECT_NEAR(first.at("t_s").get<double>(), 0.0, 1e-9);
    EXPECT_NEAR(last.at("t_s").get<double>(), 200.0, 1e-6);
    EXPECT_NEAR(first.at("volume_mL").get<double>(), v0_ml, 1e-6);
    EXPECT_NEAR(last.at("fed_mL").get<double>(), t.at("feed_volume_mL").get<double>(), 1e-6);
    EXPECT_NEAR(first.at("x_bi_target").get<double>(), x_bottom, 1e-9);
    EXPECT_NEAR(last.at("x_bi_target").get<double>(), x_top, 1e-9);
    // design.md: q from ~8 to ~79 mL/min; the closed form here: 8.39 and 77.5.
    EXPECT_NEAR(first.at("feed_rate_mL_min").get<double>(), feed_rate_ml_min(x_bottom),
                0.01 * feed_rate_ml_min(x_bottom));
    EXPECT_NEAR(last.at("feed_rate_mL_min").get<double>(), feed_rate_ml_min(x_top),
                0.01 * feed_rate_ml_min(x_top));
    // The schedule is thinned evenly: the volume at mid-charge is the bath that deposits x(h(Q/2)).
    for (const auto& p : schedule) {
        const double x = p.at("x_bi_target").get<double>();
        EXPECT_NEAR(p.at("volume_mL").get<double>(), v0_ml * (1.0 - x) / x, 0.005 * v0_ml * (1.0 - x) / x);
    }
    EXPECT_TRUE(j.at("warnings").is_array());
}

TEST_F(CliPlan, PlanTablePrintsRowsAndTotalsInLabUnits) {
    const auto r = run_cli({"plan", example_recipe("g-bi033sb067.toml")});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("rate mL/min"), std::string::npos);
    EXPECT_NE(r.out.find("1.1400 C"), std::string::npos);
    EXPECT_NE(r.out.find("mg/cm2"), std::string::npos);
    EXPECT_NE(r.out.find("   200.0 "), std::string::npos);  // the last row, at 200 s
    std::size_t rows = 0;
    for (std::size_t pos = 0; (pos = r.out.find('\n', pos)) != std::string::npos; ++pos) ++rows;
    EXPECT_GE(rows, 20U + 8U);
    EXPECT_LE(rows, 60U);
}

TEST_F(CliPlan, RisingProfileExitsInfeasibleWithPlannerCode) {
    const auto recipe = graded_recipe_with("rising.toml", "profile", "profile = [[0.0, 0.16], [1.0, 0.50]]");
    const auto r = run_cli({"plan", recipe, "--json"});
    EXPECT_EQ(r.code, 3);
    const json j = json::parse(r.out);
    EXPECT_FALSE(j.at("feasible").get<bool>());
    ASSERT_FALSE(j.at("errors").empty());
    EXPECT_EQ(j.at("errors").front().at("code"), "profile_increases");
    for (const auto& e : j.at("errors")) {
        std::set<std::string> got;
        for (const auto& [k, v] : e.items()) got.insert(k);
        EXPECT_EQ(got, (std::set<std::string>{"code", "message", "depth_nm", "t_s"}));
    }
    EXPECT_NE(r.err.find("profile_increases"), std::string::npos);
}

TEST_F(CliPlan, SlowPumpExitsInfeasibleWhereTheRateIsExceeded) {
    // q(x) = V0 / x^2 |dx/dt| exceeds 10 mL/min where x drops below about 0.456 (at ~81 nm).
    const auto recipe = graded_recipe_with("slow.toml", "max_rate", "max_rate = \"10 mL/min\"");
    const auto r = run_cli({"plan", recipe, "--json"});
    EXPECT_EQ(r.code, 3);
    const json j = json::parse(r.out);
    ASSERT_FALSE(j.at("errors").empty());
    const json& e = j.at("errors").front();
    EXPECT_EQ(e.at("code"), "pump_rate_exceeded");
    // Where the closed-form q(x) reaches 10 mL/min (q falls monotonically with x): bisection.
    double lo = x_top;
    double hi = x_bottom;
    for (int i = 0; i < 60; ++i) {
        const double mid = 0.5 * (lo + hi);
        (feed_rate_ml_min(mid) > 10.0 ? lo : hi) = mid;
    }
    const double x_limit = 0.5 * (lo + hi);
    const double depth_limit_nm = (x_bottom - x_limit) / (x_bottom - x_top) * thickness_cm() * 1e7;
    EXPECT_NEAR(e.at("depth_nm").get<double>(), depth_limit_nm, 1.0);
}

// Finding 6: the pump's own limit is checked at load. The Harvard Elite's top rate is its
// `irate lim` on 26.59 mm, 26.64 mL/min (protocols.md), scaled by the bore squared; the plan's
// peak is the closed-form feed rate where the top of the film (x = 0.16) is deposited.
std::string elite_recipe_text(const std::string& bore) {
    std::istringstream in(read_text(example_recipe("g-bi033sb067.toml")));
    std::string text;
    for (std::string l; std::getline(in, l);) {
        if (l.rfind("safe_mode_timeout =", 0) == 0) continue;  // an NE-1000 key only
        if (l == "model = \"ne-1000\"") l = "model = \"harvard-elite\"";
        if (l.rfind("syringe_diameter =", 0) == 0) l = "syringe_diameter = \"" + bore + "\"";
        text += l + "\n";
    }
    return text;
}

TEST_F(CliPlan, PumpTooSlowForThePlanOnItsSyringeExits2NamingModelBorePeakAndLimit) {
    const auto recipe = write_file("elite.toml", elite_recipe_text("38.4 mm"));
    const auto r = run_cli({"plan", recipe});
    EXPECT_EQ(r.code, 2) << r.err;
    const double limit = 26.64 * (38.4 / 26.59) * (38.4 / 26.59);  // 55.56 mL/min
    const double peak = feed_rate_ml_min(x_top);                       // ~77.4 mL/min
    ASSERT_GT(peak, limit);
    EXPECT_EQ(r.err.rfind(recipe + ": pump.max_rate: ", 0), 0U) << r.err;
    EXPECT_NE(r.err.find("harvard-elite"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("38.4 mm"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(fmt_ml_min(limit)), std::string::npos) << fmt_ml_min(limit) << " not in " << r.err;
    EXPECT_NE(r.err.find(fmt_ml_min(peak).substr(0, 3)), std::string::npos) << fmt_ml_min(peak) << " not in " << r.err;
    // Every command that loads a recipe refuses it the same way.
    EXPECT_EQ(run_cli({"simulate", recipe}).code, 2);
    EXPECT_EQ(run_cli({"run", recipe, "--sim", "--db", file("j.sqlite")}).code, 2);
}

TEST_F(CliPlan, WiderSyringeGivesThePumpRoomAndPlans) {
    // 48 mm: 26.64 (48 / 26.59)^2 = 86.8 mL/min, above the 77.4 mL/min peak.
    ASSERT_GT(26.64 * (48.0 / 26.59) * (48.0 / 26.59), feed_rate_ml_min(x_top));
    const auto r = run_cli({"plan", write_file("elite48.toml", elite_recipe_text("48 mm"))});
    EXPECT_EQ(r.code, 0) << r.err;
}

TEST_F(CliPlan, InfeasibleTableModeReportsOnStderr) {
    const auto recipe = graded_recipe_with("rising.toml", "profile", "profile = [[0.0, 0.16], [1.0, 0.50]]");
    const auto r = run_cli({"plan", recipe});
    EXPECT_EQ(r.code, 3);
    EXPECT_TRUE(r.out.empty());
    EXPECT_NE(r.err.find("profile_increases"), std::string::npos);
}

TEST_F(CliPlan, InvalidRecipeExits2WithFileLineColumn) {
    // Line 41 of the example is `duration = "200 s"`; the typo starts in column 1.
    const auto recipe = graded_recipe_with("typo.toml", "duration", "duraton = \"200 s\"");
    const auto r = run_cli({"plan", recipe});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find(recipe + ":41:1:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("duraton"), std::string::npos);
}

TEST_F(CliPlan, MissingRecipeFileExits2NamingTheFile) {
    const auto r = run_cli({"plan", file("absent.toml")});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("absent.toml"), std::string::npos);
}

TEST_F(CliPlan, SimulateJsonScheduledFeedTracksTheTarget) {
    const auto r = run_cli({"simulate", example_recipe("g-bi033sb067.toml"), "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const json j = json::parse(r.out);
    EXPECT_EQ(j.at("feed"), "scheduled");
    EXPECT_EQ(j.at("disturb"), "standard");
    // design.md: the charge-indexed loop gets below 0.1 at.% RMS under the standard set.
    EXPECT_LT(j.at("rms_error_at_pct").get<double>(), 0.2);
    EXPECT_GE(j.at("max_error_at_pct").get<double>(), j.at("rms_error_at_pct").get<double>());
    const json& profile = j.at("profile");
    ASSERT_GE(profile.size(), 20U);
    double rms = 0.0;
    for (const auto& p : profile) {
        const double d = p.at("x_bi_achieved").get<double>() - p.at("x_bi_target").get<double>();
        rms += d * d;
        // The target at each depth is the recipe's line from 0.50 to 0.16 over the film.
        const double depth_fraction = p.at("depth_nm").get<double>() / (thickness_cm() * 1e7);
        EXPECT_NEAR(p.at("x_bi_target").get<double>(), x_bottom - (x_bottom - x_top) * depth_fraction, 0.003);
    }
    rms = std::sqrt(rms / static_cast<double>(profile.size()));
    EXPECT_NEAR(100.0 * rms, j.at("rms_error_at_pct").get<double>(), 0.02);
}

TEST_F(CliPlan, SimulateConstantFeedIsFrontLoaded) {
    // design.md: the same volume at one rate lands several at.% off (too Sb-rich early).
    const auto r = run_cli({"simulate", example_recipe("g-bi033sb067.toml"), "--feed", "constant",
                            "--disturb", "none", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const json j = json::parse(r.out);
    EXPECT_EQ(j.at("feed"), "constant");
    EXPECT_EQ(j.at("disturb"), "none");
    EXPECT_GT(j.at("rms_error_at_pct").get<double>(), 2.0);
}

TEST_F(CliPlan, SimulateRejectsUnknownFeed) {
    const auto r = run_cli({"simulate", example_recipe("g-bi033sb067.toml"), "--feed", "manual"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("manual"), std::string::npos);
}

TEST_F(CliPlan, SimulateHumanOutputReportsError) {
    const auto r = run_cli({"simulate", example_recipe("g-bi033sb067.toml"), "--disturb", "none"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("at.% Bi RMS"), std::string::npos);
    EXPECT_NE(r.out.find("x achieved"), std::string::npos);
}

}  // namespace
}  // namespace edc::cli::test
