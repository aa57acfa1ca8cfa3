// edc export RUN --csv|--json [--db PATH] [-o FILE]
#include <fmt/format.h>

#include <array>
#include <fstream>

#include "app/cli/cli.hpp"
#include "app/cli/command_support.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/journal_view.hpp"

namespace edc::cli {
namespace {

using json = nlohmann::ordered_json;

constexpr std::array export_options{
    OptionSpec{"--csv", "", false, false},
    OptionSpec{"--json", "", false, false},
    OptionSpec{"--db", "", true, false},
    OptionSpec{"--output", "-o", true, false},
};

constexpr std::string_view export_help =
    R"(Usage: edc export RUN --csv|--json [--db PATH] [-o FILE]

Exports one run (RUN is a run id or "last"). Times are run seconds (simulated seconds when the
run was simulated) from the start of the run; quantities in lab units.

Options:
  --csv            the samples as CSV with a header line:
                   t_s,current_A,potential_V,charge_C,feed_rate_mL_min,dispensed_mL,volume_mL,depth_nm,x_bi_predicted
  --json           {"run": {...}, "deposit": {...}, "samples": [...], "events": [...]}
                   (deposit: the run's totals record as `edc show --json` gives it; null for
                   runs journaled before edc kept one)
  --db PATH        the run journal (default $XDG_DATA_HOME/edc/edc.sqlite)
  -o, --output FILE  write there instead of standard output
  -v, --verbose    debug logging
  -h, --help       this text
)";

void write_export(std::ostream& out, bool csv, const journal::RunRecord& run,
                  const std::vector<journal::JournalSample>& samples,
                  const std::vector<journal::JournalEvent>& events) {
    if (csv) {
        out << samples_csv_header() << '\n';
        for (const auto& s : samples) out << sample_csv_row(s) << '\n';
        return;
    }
    json sample_list = json::array();
    for (const auto& s : samples) sample_list.push_back(sample_json(s));
    json event_list = json::array();
    for (const auto& e : events) event_list.push_back(event_json(e));
    const auto totals = journal::find_totals(events);
    write_json(out, {{"run", run_json(run)},
                     {"deposit", totals ? totals_json(*totals) : json(nullptr)},
                     {"samples", std::move(sample_list)},
                     {"events", std::move(event_list)}});
}

int run_export(const ParsedArgs& args, Console& console) {
    const bool csv = args.has("--csv");
    if (csv == args.has("--json"))
        return usage_error(console, "export", "export: give exactly one of --csv or --json");
    const auto run_arg = single_positional(args, console, "export", "RUN");
    if (!run_arg) return exit_code::usage;

    auto journal = open_existing_journal(journal_path(args));
    if (!journal) return report_error(console, journal.error());
    auto id = resolve_run(*journal, *run_arg);
    if (!id && id.error().code == "usage")
        return usage_error(console, "export", "export: " + id.error().message);
    if (!id) return report_error(console, id.error());
    auto run = journal->get_run(*id);
    if (!run) return report_error(console, run.error());
    auto samples = journal->samples(*id);
    if (!samples) return report_error(console, samples.error());
    auto events = journal->events(*id);
    if (!events) return report_error(console, events.error());

    const auto output = args.value("--output");
    if (!output || *output == "-") {
        write_export(console.out, csv, *run, *samples, *events);
        return exit_code::success;
    }
    std::ofstream file(*output, std::ios::binary | std::ios::trunc);
    if (!file) return report_error(console, Error{"io", fmt::format("cannot write '{}'", *output), *output});
    write_export(file, csv, *run, *samples, *events);
    file.flush();
    if (!file)
        return report_error(console, Error{"io", fmt::format("writing '{}' failed", *output), *output});
    console.err << fmt::format("run {}: {} samples, {} events written to {}\n", run->id, samples->size(),
                               events->size(), *output);
    return exit_code::success;
}

}  // namespace

const Command& export_command() {
    static const Command command{"export", "export a run's samples and events as CSV or JSON", export_help,
                                 export_options, run_export};
    return command;
}

}  // namespace edc::cli
