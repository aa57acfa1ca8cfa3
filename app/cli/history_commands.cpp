// edc runs [--db PATH] [--json]   and   edc show RUN [--db PATH] [--json]
#include <fmt/format.h>

#include <array>

#include "app/cli/cli.hpp"
#include "app/cli/command_support.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/journal_view.hpp"
#include "control/model/units.hpp"

namespace edc::cli {
namespace {

using json = nlohmann::ordered_json;

constexpr std::array runs_options{
    OptionSpec{"--json", "", false, false},
    OptionSpec{"--db", "", true, false},
};

constexpr std::string_view runs_help =
    R"(Usage: edc runs [--db PATH] [--json]

Lists the runs in the journal, newest first: id, recipe, status, start and end (UTC), samples.

Options:
  --db PATH     the run journal (default $XDG_DATA_HOME/edc/edc.sqlite)
  --json        a JSON array of {id, recipe, status, started_at, ended_at, samples}
  -v, --verbose debug logging
  -h, --help    this text
)";

constexpr std::string_view show_help =
    R"(Usage: edc show RUN [--db PATH] [--json]

Shows one run: recipe and its SHA-256, operator, instruments, start and end, final status,
the run's totals record (duration, charge, thickness, feed and final volume, mean x_Bi: the
figures the run's own summary printed), and every event. RUN is a run id or "last".

Options:
  --db PATH     the run journal (default $XDG_DATA_HOME/edc/edc.sqlite)
  --json        one JSON object: run, deposit, events
  -v, --verbose debug logging
  -h, --help    this text
)";

int run_runs(const ParsedArgs& args, Console& console) {
    if (!args.positional.empty()) {
        return usage_error(console, "runs",
                           fmt::format("runs: unexpected argument '{}'", args.positional.front()));
    }
    const std::string path = journal_path(args);
    const bool as_json = args.has("--json");
    auto journal = open_existing_journal(path);
    if (!journal && journal.error().code == "no_journal") {
        // Nothing recorded yet is an empty history, not an error.
        if (as_json) {
            write_json(console.out, json::array());
        } else {
            console.out << fmt::format("no runs (no journal at {})\n", path);
        }
        return exit_code::success;
    }
    if (!journal) return report_error(console, journal.error());
    auto runs = journal->list_runs();
    if (!runs) return report_error(console, runs.error());

    if (as_json) {
        json list = json::array();
        for (const auto& r : *runs) {
            list.push_back({{"id", r.id},
                            {"recipe", r.recipe_name},
                            {"status", std::string(journal::to_string(r.status))},
                            {"started_at", r.started_at},
                            {"ended_at", r.ended_at ? json(*r.ended_at) : json(nullptr)},
                            {"samples", r.sample_count}});
        }
        write_json(console.out, list);
        return exit_code::success;
    }
    if (runs->empty()) {
        console.out << fmt::format("no runs in {}\n", path);
        return exit_code::success;
    }
    console.out << fmt::format("{:>5}  {:<24} {:<11} {:<24} {:<24} {:>8}\n", "id", "recipe", "status",
                               "started (UTC)", "ended (UTC)", "samples");
    for (const auto& r : *runs) {
        console.out << fmt::format("{:>5}  {:<24} {:<11} {:<24} {:<24} {:>8}\n", r.id, r.recipe_name,
                                   journal::to_string(r.status), r.started_at, r.ended_at.value_or("-"),
                                   r.sample_count);
    }
    return exit_code::success;
}

int run_show(const ParsedArgs& args, Console& console) {
    const auto run_arg = single_positional(args, console, "show", "RUN");
    if (!run_arg) return exit_code::usage;
    auto journal = open_existing_journal(journal_path(args));
    if (!journal) return report_error(console, journal.error());
    auto id = resolve_run(*journal, *run_arg);
    if (!id && id.error().code == "usage") return usage_error(console, "show", "show: " + id.error().message);
    if (!id) return report_error(console, id.error());
    auto run = journal->get_run(*id);
    if (!run) return report_error(console, run.error());
    auto samples = journal->samples(*id);
    if (!samples) return report_error(console, samples.error());
    auto events = journal->events(*id);
    if (!events) return report_error(console, events.error());
    const auto totals = journal::find_totals(*events);
    const RunDigest d = digest(*samples);

    if (args.has("--json")) {
        json run_obj = run_json(*run);
        run_obj["software_version"] = run->software_version;
        run_obj["git_revision"] = run->git_revision;
        run_obj["samples"] = samples->size();
        run_obj["events"] = events->size();
        json event_list = json::array();
        for (const auto& e : *events) event_list.push_back(event_json(e));
        // The totals record; runs journaled before there was one get what their last sample says.
        json deposit = totals ? totals_json(*totals)
                              : json{{"source", "last_sample"},
                                     {"duration_s", d.duration_s},
                                     {"charge_C", d.charge_c},
                                     {"depth_nm", units::m_to_nm(d.depth_m)},
                                     {"dispensed_mL", units::m3_to_ml(d.dispensed_m3)},
                                     {"volume_mL", units::m3_to_ml(d.volume_m3)},
                                     {"mean_x_bi", d.mean_x_bi ? json(*d.mean_x_bi) : json(nullptr)}};
        write_json(console.out, {{"run", std::move(run_obj)},
                                 {"deposit", std::move(deposit)},
                                 {"events", std::move(event_list)}});
        return exit_code::success;
    }

    auto& out = console.out;
    out << fmt::format("run {}: {}\n", run->id, journal::to_string(run->status));
    out << fmt::format("  recipe        {} (sha256 {})\n", run->recipe_name, run->recipe_sha256);
    out << fmt::format("  operator      {}\n", run->operator_name);
    out << fmt::format("  started       {}\n", run->started_at);
    out << fmt::format("  ended         {}\n", run->ended_at.value_or("-"));
    out << fmt::format("  software      edc {} ({})\n", run->software_version, run->git_revision);
    out << fmt::format("  instruments   {}\n", instruments_json(*run).dump());
    if (run->resumes_run)
        out << fmt::format("  resumes       run {} (a continuation: edc resume)\n", *run->resumes_run);
    out << fmt::format("  samples       {}\n", samples->size());
    if (totals) {
        out << totals_text(*totals);
    } else if (!samples->empty()) {
        out << "  (no totals record: journaled before edc kept one; the last sample's figures)\n";
        out << fmt::format("  duration      {:.1f} s\n", d.duration_s);
        out << fmt::format("  charge        {:.4f} C\n", d.charge_c);
        out << fmt::format("  thickness     {:.1f} nm\n", units::m_to_nm(d.depth_m));
        out << fmt::format("  dispensed     {:.2f} mL\n", units::m3_to_ml(d.dispensed_m3));
        out << fmt::format("  final volume  {:.2f} mL\n", units::m3_to_ml(d.volume_m3));
        if (d.mean_x_bi)
            out << fmt::format("  mean x_Bi     {:.4f} (charge-weighted, predicted)\n", *d.mean_x_bi);
    }
    out << fmt::format("events ({})\n", events->size());
    for (const auto& e : *events) {
        out << fmt::format("  {:9.2f} s  {:<7} {}{}\n", e.t_s, e.level, e.code.empty() ? "" : e.code + ": ",
                           e.message);
    }
    return exit_code::success;
}

}  // namespace

const Command& runs_command() {
    static const Command command{"runs", "list the runs in the journal", runs_help, runs_options, run_runs};
    return command;
}

const Command& show_command() {
    static const Command command{"show", "show one run from the journal", show_help, runs_options, run_show};
    return command;
}

}  // namespace edc::cli
