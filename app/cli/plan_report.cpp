#include "app/cli/plan_report.hpp"

#include <fmt/format.h>

#include <cmath>

#include "app/cli/cli.hpp"
#include "app/cli/command_support.hpp"
#include "app/runtime/run_session.hpp"
#include "control/model/units.hpp"
#include "control/plan/planner.hpp"
#include "control/plan/syringe_load.hpp"
#include "recipes/format/chemistry_file.hpp"

namespace edc::cli {

using json = nlohmann::ordered_json;

std::vector<std::size_t> thin_indices(std::size_t n, std::size_t max_points) {
    std::vector<std::size_t> idx;
    if (n == 0 || max_points == 0) return idx;
    if (n <= max_points || max_points == 1) {
        const std::size_t count = n <= max_points ? n : 1;
        for (std::size_t i = 0; i < count; ++i) idx.push_back(i);
        return idx;
    }
    idx.reserve(max_points);
    const double step = static_cast<double>(n - 1) / static_cast<double>(max_points - 1);
    for (std::size_t k = 0; k < max_points; ++k) {
        const auto i = static_cast<std::size_t>(std::llround(static_cast<double>(k) * step));
        if (idx.empty() || i != idx.back()) idx.push_back(i);
    }
    return idx;
}

json plan_json(const recipes::Recipe& recipe, const plan::FeedPlan& plan, std::size_t max_points) {
    json schedule = json::array();
    for (const std::size_t i : thin_indices(plan.points.size(), max_points)) {
        const auto& p = plan.points[i];
        schedule.push_back({{"t_s", p.t_s},
                            {"charge_C", p.charge_c},
                            {"depth_nm", units::m_to_nm(p.depth_m)},
                            {"fed_mL", units::m3_to_ml(p.fed_m3)},
                            {"volume_mL", units::m3_to_ml(p.volume_m3)},
                            {"feed_rate_mL_min", units::m3_per_s_to_ml_per_min(p.feed_rate_m3_per_s)},
                            {"x_bi_target", p.x_target},
                            {"x_bi_predicted", p.x_predicted}});
    }
    const auto& t = plan.totals;
    json warnings = json::array();
    for (const auto& w : plan.warnings) warnings.push_back({{"code", w.code}, {"message", w.message}});
    return json{{"feasible", true},
                {"recipe", recipe.name},
                {"chemistry_source", recipe.chemistry_source},
                {"schedule", std::move(schedule)},
                {"totals",
                 {{"duration_s", t.duration_s},
                  {"charge_C", t.charge_c},
                  {"thickness_nm", units::m_to_nm(t.thickness_m)},
                  {"mass_mg_cm2", units::kg_per_m2_to_mg_per_cm2(t.mass_kg_per_m2)},
                  {"feed_volume_mL", units::m3_to_ml(t.feed_volume_m3)},
                  {"syringe_load_mL", units::m3_to_ml(plan::syringe_load(plan).load_m3)},
                  {"syringe_margin_mL", units::m3_to_ml(plan::syringe_load(plan).margin_m3)},
                  {"syringe_margin_pct", 100.0 * plan::syringe_margin_fraction},
                  {"final_volume_mL", units::m3_to_ml(t.final_volume_m3)},
                  {"mean_x_bi", t.mean_x_bi},
                  {"prebolus_mL", units::m3_to_ml(plan.prebolus_m3)}}},
                {"warnings", std::move(warnings)}};
}

json plan_failure_json(const plan::PlanFailure& failure) {
    json errors = json::array();
    for (const auto& i : failure.issues) {
        errors.push_back({{"code", i.code},
                          {"message", i.message},
                          {"depth_nm", units::m_to_nm(i.depth_m)},
                          {"t_s", i.t_s}});
    }
    return json{{"feasible", false}, {"errors", std::move(errors)}};
}

void print_plan_table(std::ostream& out, const recipes::Recipe& recipe, const plan::FeedPlan& plan,
                      std::size_t rows) {
    const auto& t = plan.totals;
    out << fmt::format("recipe {}: {}\n", recipe.name, recipe.description);
    out << chemistry_source_line(recipe) << '\n';
    out << fmt::format("{:>8} {:>9} {:>9} {:>9} {:>10} {:>11} {:>9} {:>9}\n", "t s", "charge C", "depth nm",
                       "fed mL", "volume mL", "rate mL/min", "x target", "x pred");
    for (const std::size_t i : thin_indices(plan.points.size(), rows)) {
        const auto& p = plan.points[i];
        out << fmt::format("{:8.1f} {:9.4f} {:9.1f} {:9.2f} {:10.2f} {:11.3f} {:9.4f} {:9.4f}\n", p.t_s,
                           p.charge_c, units::m_to_nm(p.depth_m), units::m3_to_ml(p.fed_m3),
                           units::m3_to_ml(p.volume_m3), units::m3_per_s_to_ml_per_min(p.feed_rate_m3_per_s),
                           p.x_target, p.x_predicted);
    }
    out << "totals\n";
    out << fmt::format("  duration        {:10.1f} s at {:.3f} mA\n", t.duration_s, t.current_a * 1e3);
    out << fmt::format("  charge          {:10.4f} C\n", t.charge_c);
    out << fmt::format("  thickness       {:10.1f} nm\n", units::m_to_nm(t.thickness_m));
    out << fmt::format("  mass            {:10.4f} mg/cm2\n",
                       units::kg_per_m2_to_mg_per_cm2(t.mass_kg_per_m2));
    out << fmt::format("  pre-bolus       {:10.2f} mL\n", units::m3_to_ml(plan.prebolus_m3));
    out << fmt::format("  feed volume     {:10.2f} mL (pre-bolus included)\n",
                       units::m3_to_ml(t.feed_volume_m3));
    const auto load = plan::syringe_load(plan);
    out << fmt::format("  syringe load    >= {:.2f} mL of B (plan {:.2f} mL + margin {:.2f} mL, {:.0f} %)\n",
                       units::m3_to_ml(load.load_m3), units::m3_to_ml(load.plan_m3),
                       units::m3_to_ml(load.margin_m3), 100.0 * plan::syringe_margin_fraction);
    out << fmt::format("  final volume    {:10.2f} mL\n", units::m3_to_ml(t.final_volume_m3));
    out << fmt::format("  max feed rate   {:10.3f} mL/min\n",
                       units::m3_per_s_to_ml_per_min(t.max_feed_rate_m3_per_s));
    out << fmt::format("  mean x_Bi       {:10.4f} (mole-weighted)\n", t.mean_x_bi);
    out << fmt::format("  plan round trip {:10.3f} at.% Bi RMS, {:.3f} at.% worst\n",
                       100.0 * t.roundtrip_rms_x_bi, 100.0 * t.roundtrip_max_x_bi);
    for (const auto& w : plan.warnings) out << fmt::format("warning: {}: {}\n", w.code, w.message);
}

void print_plan_failure(std::ostream& err, const recipes::Recipe& recipe, const plan::PlanFailure& failure) {
    err << fmt::format("{}: the plan is infeasible ({} issue{})\n", recipe.source_path, failure.issues.size(),
                       failure.issues.size() == 1 ? "" : "s");
    for (const auto& i : failure.issues) {
        err << fmt::format("  {}: {}\n", i.code, i.message);  // the planner's message names depth and time
    }
}

std::string chemistry_source_line(const recipes::Recipe& recipe) {
    return "chemistry: " + recipe.chemistry_source;
}

std::expected<PlannedRecipe, int> load_and_plan(const std::string& path, Console& console, bool as_json,
                                                const std::optional<std::string>& chemistry) {
    auto recipe = load_recipe_reported(path, console);
    if (!recipe) return std::unexpected(exit_code::invalid_recipe);
    if (chemistry) {
        if (auto applied = recipes::apply_chemistry_file(*recipe, *chemistry, recipes::ChemistryOrigin::command_line);
            !applied) {
            const auto& e = applied.error();
            collect_json_error(console, e);  // --json: the file and the reason, not a bare exit code
            console.err << (e.message.starts_with(e.where) ? e.message : e.where + ": " + e.message) << '\n';
            return std::unexpected(exit_code::invalid_recipe);
        }
    }
    auto plan = plan::make_plan(recipe->plan);
    if (!plan) {
        if (as_json) write_json(console.out, plan_failure_json(plan.error()));
        print_plan_failure(console.err, *recipe, plan.error());
        return std::unexpected(exit_code::infeasible_plan);
    }
    // A plan the named pump cannot follow on its syringe is a recipe error, found here rather
    // than at run start in `checking`.
    if (auto fits = app::check_pump_limits(*recipe, *plan); !fits) {
        const auto& e = fits.error();
        collect_json_error(console, Error{e.code, e.message, recipe->source_path + ": " + e.where});
        console.err << recipe->source_path << ": " << e.where << ": " << e.message << '\n';
        return std::unexpected(exit_code::invalid_recipe);
    }
    return PlannedRecipe{std::move(*recipe), std::move(*plan)};
}

}  // namespace edc::cli
