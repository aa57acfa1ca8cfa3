// edc simulate RECIPE [--json] [--disturb standard|none] [--feed scheduled|constant|open-loop] [--plant FILE]
//              [--measure FILE.csv [--measure-noise S] [--measure-resolution NM] [--seed N]]
//              [--chemistry FILE] [--db PATH]
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <optional>

#include "app/cli/cli.hpp"
#include "app/cli/command_support.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/measure_options.hpp"
#include "app/cli/plan_report.hpp"
#include "app/cli/plant_option.hpp"
#include "app/cli/simulated_journal.hpp"
#include "app/sim/plant_setup.hpp"
#include "app/sim/twin_plant.hpp"
#include "control/model/units.hpp"
#include "control/plan/planner.hpp"
#include "control/twin/twin.hpp"

namespace edc::cli {
namespace {

constexpr std::array simulate_options{
    OptionSpec{"--json", "", false, false},
    OptionSpec{"--disturb", "", true, false},
    OptionSpec{"--feed", "", true, false},
    OptionSpec{"--plant", "", true, false},
    measure_option_specs[0],
    measure_option_specs[1],
    measure_option_specs[2],
    measure_option_specs[3],
    OptionSpec{"--chemistry", "", true, false},
    OptionSpec{"--db", "", true, false},
};

constexpr std::string_view simulate_help =
    R"(Usage: edc simulate RECIPE [--json] [--disturb standard|none] [--feed scheduled|constant|open-loop]
                     [--plant FILE]
                     [--measure FILE.csv [--measure-noise S] [--measure-resolution NM] [--seed N]]
                     [--chemistry FILE] [--db PATH]

Plans the recipe and runs it through the digital twin (virtual clock, no instruments): the
cell with mixing lag, pump lag and resolution, current noise, a current dip and an operator
hold. The cell is the simulated plant (its own chemistry, independent of the planner's
model): the recipe's values, or a plant file's where it differs. Prints the deposited
profile against the target over the film's own depth fraction and the error in at.% Bi.

Options:
  --disturb KIND  standard (default: design.md's disturbance set) or none (ideal cell)
  --feed KIND     scheduled (default: the closed-loop charge-indexed scheduler), constant
                  (the plan's volume at one rate, as done by hand), open-loop (q(t) replayed)
  --plant FILE    the simulated cell's truth where it differs from the recipe (selectivity,
                  efficiency, baths, volume, mixing time, true syringe bore)
  --measure FILE.csv
                  the simulated film's depth profile as an instrument reports it: depth_nm,x_bi
                  every 10 nm from the substrate, blurred by a Gaussian depth kernel, with
                  Gaussian noise on x_Bi
  --measure-noise S
                  with --measure: noise sigma on x_Bi (default 0.01; 0: none)
  --measure-resolution NM
                  with --measure: depth resolution sigma in nm (default 30; 0: none)
  --seed N        with --measure: the noise's seed (default 1; a seed repeats exactly)
  --chemistry FILE
                  chemistry file overriding the recipe's chemistry keys (edc calibrate -o)
  --db PATH       journal the simulated run there (completed, in virtual time: current,
                  charge and pump counter every 0.2 s, the chemistry and plant used), so
                  `edc calibrate --run ID` can fit it; its outcome does not depend on load
  --json          one JSON object: feed, disturb, plant, rms_error_at_pct, max_error_at_pct,
                  thickness_nm, mean_x_bi, profile, measured_profile, run (null without --db)
  -v, --verbose   debug logging
  -h, --help      this text

Exit codes: 0 simulated, 1 usage, 2 invalid recipe or plant file, 3 infeasible plan.
)";

std::optional<twin::FeedStrategy> parse_feed(std::string_view s) {
    if (s == "scheduled") return twin::FeedStrategy::scheduled;
    if (s == "constant") return twin::FeedStrategy::constant;
    if (s == "open-loop") return twin::FeedStrategy::open_loop;
    return std::nullopt;
}

std::optional<twin::Disturbance> parse_disturbance(std::string_view s) {
    if (s == "standard") return twin::Disturbance::standard;
    if (s == "none") return twin::Disturbance::none;
    return std::nullopt;
}

int run_simulate(const ParsedArgs& args, Console& console) {
    const std::string feed_name = args.value("--feed").value_or("scheduled");
    const std::string disturb_name = args.value("--disturb").value_or("standard");
    const auto feed = parse_feed(feed_name);
    if (!feed) {
        return usage_error(
            console, "simulate",
            fmt::format("simulate: --feed must be scheduled, constant or open-loop, not '{}'", feed_name));
    }
    const auto disturbance = parse_disturbance(disturb_name);
    if (!disturbance) {
        return usage_error(
            console, "simulate",
            fmt::format("simulate: --disturb must be standard or none, not '{}'", disturb_name));
    }
    auto measure_arg = measure_request(args, "simulate");
    if (!measure_arg) return usage_error(console, "simulate", measure_arg.error().message);
    const std::optional<MeasureRequest> measure = std::move(*measure_arg);
    const auto path = single_positional(args, console, "simulate", "RECIPE");
    if (!path) return exit_code::usage;
    const bool as_json = args.has("--json");
    const auto plant_option = load_plant_option(args, console);
    if (!plant_option) return plant_option.error();
    const std::optional<recipes::PlantFile>& maybe_plant = *plant_option;
    const recipes::PlantFile* plant_file = maybe_plant.has_value() ? &*maybe_plant : nullptr;
    const auto planned = load_and_plan(*path, console, as_json, args.value("--chemistry"));
    if (!planned) return planned.error();
    const auto& recipe = planned->recipe;
    const auto& plan = planned->plan;

    twin::TwinOptions options;
    options.feed = *feed;
    options.disturbance = *disturbance;
    const auto db = args.value("--db");
    options.record_trace = db.has_value();
    const auto disturbances = twin::DisturbanceSet::of(*disturbance);
    // The plant is the recipe's own chemistry where the plant file is silent, never the
    // --chemistry estimate (that is what the controller believes, not what the bath is).
    model::CellParams recipe_cell = recipe.plan.cell;
    recipe_cell.chemistry = recipe.recipe_chemistry;
    auto chemistry = app::make_plant(recipe_cell, plant_file);
    // The disturbance set's mixing lag unless the plant file says what the cell's really is.
    if (plant_file == nullptr || !plant_file->mixing_time_s.has_value()) {
        chemistry.mixing_time_s = disturbances.mixing_time_s;
    }
    app::SimTwinPlant plant(std::move(chemistry), recipe.pump ? recipe.pump->syringe_diameter_m : 0.0);
    twin::TwinResult result = twin::simulate(recipe.plan, plan, options, disturbances, plant);
    result.disturbance = options.disturbance;
    const auto film = app::judge_against_plant(result, plant, plan, options.profile_points);
    const std::string plant_name = plant_file != nullptr ? plant_file->source_path : std::string();
    std::optional<std::int64_t> run_id;
    if (db.has_value()) {
        auto id = journal_twin_run(*db, recipe, plan, result, plant_file);
        if (!id) return report_error(console, id.error());
        run_id = *id;
    }

    if (as_json) {
        if (measure.has_value() && !write_measurement(console, *measure, plant.layers(), true))
            return exit_code::failure;
        nlohmann::ordered_json profile = nlohmann::ordered_json::array();
        for (const auto& p : result.profile) {
            profile.push_back({{"depth_nm", units::m_to_nm(p.depth_m)},
                               {"x_bi_target", p.x_target},
                               {"x_bi_achieved", p.x_achieved}});
        }
        write_json(console.out,
                   {{"feed", feed_name},
                    {"disturb", disturb_name},
                    {"plant", plant_name.empty() ? nlohmann::ordered_json(nullptr)
                                                 : nlohmann::ordered_json(plant_name)},
                    {"rms_error_at_pct", 100.0 * result.rms_x_bi},
                    {"max_error_at_pct", 100.0 * result.max_abs_x_bi},
                    {"thickness_nm", units::m_to_nm(film.thickness_m)},
                    {"mean_x_bi", film.mean_x_bi},
                    {"profile", std::move(profile)},
                    {"measured_profile", measure.has_value() ? nlohmann::ordered_json(measure->path)
                                                             : nlohmann::ordered_json(nullptr)},
                    {"run", run_id.has_value() ? nlohmann::ordered_json(*run_id)
                                               : nlohmann::ordered_json(nullptr)}});
        return exit_code::success;
    }

    auto& out = console.out;
    out << fmt::format("recipe {}: feed {}, disturbances {}, plant {}\n", recipe.name, feed_name,
                       disturb_name, plant_name.empty() ? "as the recipe" : plant_name);
    out << fmt::format("{:>10} {:>9} {:>10} {:>12}\n", "depth nm", "x target", "x achieved", "error at.%");
    for (const std::size_t i : thin_indices(result.profile.size(), 21)) {
        const auto& p = result.profile[i];
        out << fmt::format("{:10.1f} {:9.4f} {:10.4f} {:+12.3f}\n", units::m_to_nm(p.depth_m), p.x_target,
                           p.x_achieved, 100.0 * (p.x_achieved - p.x_target));
    }
    const auto& t = result.totals;
    out << fmt::format("error           {:.3f} at.% Bi RMS, {:.3f} at.% worst\n", 100.0 * result.rms_x_bi,
                       100.0 * result.max_abs_x_bi);
    out << fmt::format("duration        {:.1f} s (holds {:.1f} s)\n", t.duration_s, t.hold_s);
    out << fmt::format("charge          {:.4f} C\n", t.charge_c);
    out << fmt::format("thickness       {:.1f} nm (planned {:.1f} nm), mean x_Bi {:.4f}\n",
                       units::m_to_nm(t.thickness_m), units::m_to_nm(plan.totals.thickness_m),
                       film.mean_x_bi);
    out << fmt::format("fed             {:.2f} mL, final volume {:.2f} mL, max rate {:.3f} mL/min\n",
                       units::m3_to_ml(t.fed_m3), units::m3_to_ml(t.final_volume_m3),
                       units::m3_per_s_to_ml_per_min(t.max_rate_m3_per_s));
    if (run_id.has_value() && db.has_value())
        out << fmt::format("journaled       run {} ({})\n", *run_id, *db);
    if (measure.has_value() && !write_measurement(console, *measure, plant.layers(), false)) {
        return exit_code::failure;
    }
    return exit_code::success;
}

}  // namespace

const Command& simulate_command() {
    static const Command command{"simulate",
                                 "run a recipe through the digital twin and report the profile error",
                                 simulate_help, simulate_options, run_simulate};
    return command;
}

}  // namespace edc::cli
