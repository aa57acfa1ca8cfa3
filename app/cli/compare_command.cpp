// edc compare RUN PROFILE.csv [--db PATH] [--json] [--png FILE]
#include <fmt/format.h>

#include <array>

#include "app/calibration/profile_compare.hpp"
#include "app/calibration/profile_csv.hpp"
#include "app/cli/cli.hpp"
#include "app/cli/command_support.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/journal_view.hpp"
#include "control/model/units.hpp"
#include "recipes/format/recipe.hpp"
#ifdef EDC_HAVE_REPORT
#include "app/report/depth_chart.hpp"
#endif

namespace edc::cli {
namespace {

using json = nlohmann::ordered_json;

constexpr std::array compare_options{
    OptionSpec{"--json", "", false, false},
    OptionSpec{"--db", "", true, false},
    OptionSpec{"--png", "", true, false},
};

constexpr std::string_view compare_help =
    R"(Usage: edc compare RUN PROFILE.csv [--db PATH] [--json] [--png FILE]

Compares a measured composition depth profile of a run's film (EDS line scan, XPS/AES sputter
profile, GD-OES, or `edc run --sim --measure`) with the recipe's target and with what the
controller predicted. RUN is a run id or "last".

The target is read over depth normalised by the film's thickness: a point measured at depth d
of a film whose profile spans T_measured is compared with the recipe's x_Bi at d / T_measured,
so a film thicker or thinner than planned is still compared layer for layer. The prediction is
the journal's record (each sample's depth and predicted x_Bi), normalised by its own thickness.

PROFILE.csv: a header line, then one row per depth; `#` comment lines and blank lines skipped;
separated by comma, semicolon or tab. Columns (names case-insensitive): depth as depth_nm or
depth_um (above the substrate) or depth_from_surface_nm (below the top; the largest depth is
taken as the film's thickness); composition as x_bi (0..1), bi_at_pct (0..100), or Bi and Sb
in at.% (x = Bi / (Bi + Sb)).

Reports: points, RMS and worst error against the target (at.% Bi), the error against the
prediction, measured and predicted thickness, and depth-weighted mean x_Bi.

Options:
  --db PATH     the run journal (default $XDG_DATA_HOME/edc/edc.sqlite)
  --json        one JSON object: run, points, rms_error_at_pct, max_error_at_pct,
                mean_x_bi_measured, thickness_nm_measured, thickness_nm_predicted, then
                max_error_depth_nm, rms_vs_predicted_at_pct, mean_x_bi_predicted,
                mean_x_bi_target, profile, png
  --png FILE    also draw target, predicted and measured x_Bi over depth to FILE (PNG)
  -v, --verbose debug logging
  -h, --help    this text

Exit codes: 0 compared, 1 usage or other failure (no journal, no such run, a run without
deposition), 2 invalid profile (the message gives file:line).
)";

#ifdef EDC_HAVE_REPORT
// Plot curves in lab units: depth nm, x_Bi.
std::vector<std::pair<double, double>> in_nm(const std::vector<calibration::ProfilePoint>& points) {
    std::vector<std::pair<double, double>> out;
    out.reserve(points.size());
    for (const auto& p : points) out.emplace_back(units::m_to_nm(p.depth_m), p.x_bi);
    return out;
}
#endif

Result<void> draw_png([[maybe_unused]] const std::string& path,
                      [[maybe_unused]] const journal::RunRecord& run,
                      [[maybe_unused]] const std::vector<plan::ProfilePoint>& target,
                      [[maybe_unused]] const calibration::DepthProfile& measured,
                      [[maybe_unused]] const calibration::DepthProfile& predicted,
                      [[maybe_unused]] const calibration::ProfileComparison& c) {
#ifdef EDC_HAVE_REPORT
    report::DepthChart chart;
    chart.title =
        fmt::format("run {} ({}): measured x_Bi against target and prediction", run.id, run.recipe_name);
    chart.subtitle = fmt::format(
        "{} points; vs target {:.2f} at.% RMS, {:.2f} worst; thickness {:.1f} nm measured, {:.1f} nm "
        "predicted",
        c.points.size(), c.rms_error_at_pct, c.max_error_at_pct, units::m_to_nm(c.thickness_m_measured),
        units::m_to_nm(c.thickness_m_predicted));
    // The target drawn over the measured film's depth, as it is compared.
    chart.target.label = "target (recipe)";
    for (const auto& t : target) {
        chart.target.points.emplace_back(t.depth_fraction * units::m_to_nm(c.thickness_m_measured), t.x_bi);
    }
    chart.predicted.label = "predicted (controller)";
    chart.predicted.points = in_nm(predicted.points);
    chart.measured.label = "measured";
    chart.measured.points = in_nm(measured.points);
    return report::write_depth_chart_png(chart, path);
#else
    return fail("no_png_support", "edc was built without Qt (EDC_BUILD_GUI=OFF): --png is not available");
#endif
}

int run_compare(const ParsedArgs& args, Console& console) {
    if (args.positional.size() != 2) {
        return usage_error(console, "compare",
                           fmt::format("compare: expected RUN and PROFILE.csv, got {} argument{}",
                                       args.positional.size(), args.positional.size() == 1 ? "" : "s"));
    }
    const std::string& run_arg = args.positional[0];
    const std::string& profile_path = args.positional[1];
    const auto png = args.value("--png");
    if (png && png->empty()) return usage_error(console, "compare", "compare: --png needs a file name");
#ifndef EDC_HAVE_REPORT
    if (png) {
        return report_error(console,
                            Error{"no_png_support", "edc was built without Qt: --png is not available", ""});
    }
#endif

    auto measured = calibration::load_profile_csv(profile_path);
    if (!measured) {
        report_error(console, measured.error());
        return exit_code::invalid_profile;
    }
    auto journal = open_existing_journal(journal_path(args));
    if (!journal) return report_error(console, journal.error());
    auto id = resolve_run(*journal, run_arg);
    if (!id && id.error().code == "usage")
        return usage_error(console, "compare", "compare: " + id.error().message);
    if (!id) return report_error(console, id.error());
    auto run = journal->get_run(*id);
    if (!run) return report_error(console, run.error());
    auto samples = journal->samples(*id);
    if (!samples) return report_error(console, samples.error());
    auto recipe = recipes::parse_recipe(run->recipe_text, fmt::format("run {} recipe", run->id));
    if (!recipe) return report_error(console, recipe.error());

    const auto& target = recipe->plan.deposit.profile;
    const auto predicted = calibration::predicted_profile(*samples);
    auto c = calibration::compare_profiles(*measured, target, predicted);
    if (!c) {
        auto e = c.error();
        if (e.where.empty()) e.where = fmt::format("run {}", run->id);
        return report_error(console, e);
    }
    if (png) {
        if (auto drawn = draw_png(*png, *run, target, *measured, predicted, *c); !drawn) {
            return report_error(console, drawn.error());
        }
    }

    if (args.has("--json")) {
        write_json(console.out, {{"run", run->id},
                                 {"points", c->points.size()},
                                 {"rms_error_at_pct", c->rms_error_at_pct},
                                 {"max_error_at_pct", c->max_error_at_pct},
                                 {"mean_x_bi_measured", c->mean_x_bi_measured},
                                 {"thickness_nm_measured", units::m_to_nm(c->thickness_m_measured)},
                                 {"thickness_nm_predicted", units::m_to_nm(c->thickness_m_predicted)},
                                 {"max_error_depth_nm", units::m_to_nm(c->max_error_depth_m)},
                                 {"rms_vs_predicted_at_pct", c->rms_vs_predicted_at_pct},
                                 {"mean_x_bi_predicted", c->mean_x_bi_predicted},
                                 {"mean_x_bi_target", c->mean_x_bi_target},
                                 {"profile", profile_path},
                                 {"png", png ? json(*png) : json(nullptr)}});
        return exit_code::success;
    }
    auto& out = console.out;
    out << fmt::format("run {} ({}, {}) against {}\n", run->id, run->recipe_name,
                       journal::to_string(run->status), profile_path);
    out << fmt::format("  points          {}\n", c->points.size());
    out << fmt::format("  vs target       {:.3f} at.% Bi RMS, {:.3f} at.% worst (at {:.0f} nm)\n",
                       c->rms_error_at_pct, c->max_error_at_pct, units::m_to_nm(c->max_error_depth_m));
    out << fmt::format("  vs predicted    {:.3f} at.% Bi RMS\n", c->rms_vs_predicted_at_pct);
    const double ratio = c->thickness_m_measured / c->thickness_m_predicted - 1.0;
    out << fmt::format("  thickness       {:.1f} nm measured, {:.1f} nm predicted ({:+.1f} %)\n",
                       units::m_to_nm(c->thickness_m_measured), units::m_to_nm(c->thickness_m_predicted),
                       100.0 * ratio);
    out << fmt::format(
        "  mean x_Bi       {:.4f} measured, {:.4f} predicted, {:.4f} target (depth-weighted)\n",
        c->mean_x_bi_measured, c->mean_x_bi_predicted, c->mean_x_bi_target);
    if (png) out << fmt::format("  chart           {}\n", *png);
    return exit_code::success;
}

}  // namespace

const Command& compare_command() {
    static const Command command{"compare",
                                 "compare a measured depth profile with a run's target and prediction",
                                 compare_help, compare_options, run_compare};
    return command;
}

}  // namespace edc::cli
