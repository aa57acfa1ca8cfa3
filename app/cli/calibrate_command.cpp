// edc calibrate --run ID --profile FILE [--run ID --profile FILE ...] [--samples FILE.csv]
//               [--db PATH] [--resolution NM] [--thickness NM ...] -o chemistry.toml [--json]
#include <fmt/format.h>

#include <array>
#include <fstream>

#include "app/calibration/calibration_report.hpp"
#include "app/calibration/chemistry_fit.hpp"
#include "app/calibration/deposits_csv.hpp"
#include "app/calibration/profile_csv.hpp"
#include "app/calibration/recorded_run.hpp"
#include "app/cli/cli.hpp"
#include "app/cli/command_support.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/journal_view.hpp"

namespace edc::cli {
namespace {

constexpr std::array calibrate_options{
    OptionSpec{"--run", "", true, true},         OptionSpec{"--profile", "", true, true},
    OptionSpec{"--samples", "", true, false},    OptionSpec{"--db", "", true, false},
    OptionSpec{"--resolution", "", true, false}, OptionSpec{"--thickness", "", true, true},
    OptionSpec{"--output", "-o", true, false},   OptionSpec{"--json", "", false, false},
};

constexpr std::string_view calibrate_help =
    R"(Usage: edc calibrate --run ID --profile FILE [--run ID --profile FILE ...] [--samples FILE.csv]
                     [--db PATH] [--resolution NM] [--thickness NM ...] -o chemistry.toml [--json]

Fits the chemistry to measured films: re-simulates each journaled run from what it recorded
(current and the pump's dispensed counter) for candidate chemistry, blurs the prediction by the
measurement's depth resolution, and fits by Levenberg-Marquardt: selectivity k (a constant, or a
k(c_Bi/c_Sb) table over the ratios the runs covered, chosen by AIC), current efficiency from the
measured thickness, and A's Bi where the data separate it from k. Writes a [chemistry] file for
`edc plan|simulate|run --chemistry FILE`, with 95 % intervals as comments.

Options:
  --run ID          a completed run in the journal (repeatable; paired in order with --profile)
  --profile FILE    its measured depth profile: CSV with depth_nm, depth_um or
                    depth_from_surface_nm, and x_bi, bi_at_pct or Bi and Sb at.%
  --samples FILE    constant-bath calibration deposits:
                    bath_bi_mM,bath_sb_mM,x_bi[,charge_C,area_cm2,thickness_nm|mass_mg]
  --resolution NM   the measurement's depth resolution, Gaussian sigma (default 30)
  --thickness NM    a run's measured thickness (one per --run; default: the profile's extent)
  -o, --output FILE the chemistry file to write
  --db PATH         the run journal (default $XDG_DATA_HOME/edc/edc.sqlite)
  --json            one JSON object: selectivity_k, selectivity_k_ci95, selectivity_table,
                    current_efficiency, current_efficiency_ci95, residual_rms_at_pct, runs, ...
  -v, --verbose     debug logging
  -h, --help        this text

Exit codes: 0 written, 1 usage or a refused input (unknown or unfinished run, bad profile).
)";

int run_calibrate(const ParsedArgs& args, Console& console) {
    const auto runs = args.values("--run");
    const auto profiles = args.values("--profile");
    const auto thicknesses = args.values("--thickness");
    if (!args.positional.empty())
        return usage_error(console, "calibrate", "calibrate: takes no positional arguments");
    if (runs.size() != profiles.size()) {
        return usage_error(console, "calibrate",
                           fmt::format("calibrate: {} --run but {} --profile; give one profile per run",
                                       runs.size(), profiles.size()));
    }
    if (runs.empty() && !args.has("--samples")) {
        return usage_error(console, "calibrate",
                           "calibrate: give --run ID --profile FILE, or --samples FILE.csv");
    }
    if (!thicknesses.empty() && thicknesses.size() != runs.size()) {
        return usage_error(console, "calibrate", "calibrate: give --thickness once per --run, or not at all");
    }
    const auto output = args.value("--output");
    if (!output) return usage_error(console, "calibrate", "calibrate: -o chemistry.toml is required");
    calibration::FitInput input;
    if (auto r = args.value("--resolution")) {
        auto v = parse_number("--resolution", *r);
        if (!v || *v < 0.0)
            return usage_error(console, "calibrate", "calibrate: --resolution needs a depth in nm >= 0");
        input.resolution_m = *v * 1e-9;
    }

    std::vector<std::int64_t> run_ids;
    std::vector<std::string> sources;
    if (!runs.empty()) {
        auto journal = open_existing_journal(journal_path(args));
        if (!journal) return report_error(console, journal.error());
        for (std::size_t i = 0; i < runs.size(); ++i) {
            auto id = resolve_run(*journal, runs[i]);
            if (!id && id.error().code == "usage")
                return usage_error(console, "calibrate", "calibrate: " + id.error().message);
            if (!id) return report_error(console, id.error());
            auto recorded = calibration::load_recorded_run(*journal, *id);
            if (!recorded) return report_error(console, recorded.error());
            auto profile = calibration::load_profile_csv(profiles[i]);
            if (!profile) return report_error(console, profile.error());
            calibration::MeasuredRun m{std::move(recorded->run), std::move(*profile), std::nullopt};
            if (!thicknesses.empty()) {
                auto t = parse_number("--thickness", thicknesses[i]);
                if (!t || *t <= 0.0)
                    return usage_error(console, "calibrate",
                                       "calibrate: --thickness needs a depth in nm > 0");
                m.thickness_m = *t * 1e-9;
            }
            if (i == 0) input.start = m.run.cell.chemistry;
            run_ids.push_back(*id);
            sources.push_back(recorded->chemistry_source);
            input.runs.push_back(std::move(m));
        }
    }
    if (auto samples = args.value("--samples")) {
        auto deposits = calibration::load_deposits_csv(*samples);
        if (!deposits) return report_error(console, deposits.error());
        input.deposits = std::move(*deposits);
    }

    auto fit = calibration::fit_chemistry(input);
    if (!fit) return report_error(console, fit.error());
    const calibration::CalibrationSummary summary{run_ids, profiles, sources, input.resolution_m, args.value("--samples")};
    {
        std::ofstream out(*output, std::ios::binary | std::ios::trunc);
        out << calibration::calibration_file_text(*fit, summary);
        if (!out.flush()) {
            return report_error(
                console,
                Error{"write_failed", fmt::format("{}: cannot write the chemistry file", *output), *output});
        }
    }
    if (args.has("--json")) {
        write_json(console.out, calibration::calibration_json(*fit, summary, *output));
    } else {
        calibration::print_calibration(console.out, *fit, summary, *output);
    }
    return exit_code::success;
}

}  // namespace

const Command& calibrate_command() {
    static const Command command{"calibrate",
                                 "fit the chemistry to measured films and write a chemistry file",
                                 calibrate_help, calibrate_options, run_calibrate};
    return command;
}

}  // namespace edc::cli
