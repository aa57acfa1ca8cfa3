// edc verify [--db PATH] [--json]: SQLite's integrity check and the runs' hash chain.
#include <array>
#include <string_view>

#include "app/cli/cli.hpp"
#include "app/cli/command_support.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/journal_view.hpp"

namespace edc::cli {
namespace {

constexpr std::array verify_options{
    OptionSpec{"--json", "", false, false},
    OptionSpec{"--db", "", true, false},
};

constexpr std::string_view verify_help =
    R"(Usage: edc verify [--db PATH] [--json]

Checks the run journal: SQLite's PRAGMA integrity_check, and the hash chain. Every run's
header (recipe hash, software version, instruments, operator, start time) is linked to the run
before it; every run that has ended carries a seal over its samples, events, final status and
end time, linked to the seal before it. A run, sample or event edited, inserted or deleted
afterwards, or a final status or end time changed, is detected and named. Runs recorded before
seals existed (journal schema v1) are counted as legacy: only their header is covered. A run
killed mid-way is sealed, as it stands, when the journal is next opened.

The chain has no key: it detects edits, not a forger who recomputes every hash.

Exit codes: 0 intact, 1 damaged or tampered (what and where on stderr), or usage.
)";

int run_verify(const ParsedArgs& args, Console& console) {
    if (!args.positional.empty()) return usage_error(console, "verify", "verify: takes no arguments");
    const auto path = journal_path(args);
    auto journal = open_existing_journal(path);
    if (!journal) return report_error(console, journal.error());
    const auto integrity = journal->integrity_check();
    if (!integrity) return report_error(console, integrity.error());
    const auto chain = journal->check_chain();
    if (!chain) return report_error(console, chain.error());
    const bool chain_ok = chain->problems.empty();
    const bool ok = *integrity == "ok" && chain_ok;
    if (args.has("--json")) {
        nlohmann::ordered_json j{{"database", path},
                                 {"integrity", *integrity},
                                 {"chain_ok", chain_ok},
                                 {"runs", chain->runs},
                                 {"sealed", chain->sealed},
                                 {"legacy", chain->legacy},
                                 {"recording", chain->recording}};
        auto problems = nlohmann::ordered_json::array();
        for (const Error& e : chain->problems) {
            problems.push_back({{"code", e.code}, {"message", e.message}, {"where", e.where}});
        }
        if (!chain_ok) j["chain_error"] = problems.front();
        j["chain_errors"] = problems;
        j["ok"] = ok;
        write_json(console.out, j);
    } else {
        console.out << "integrity   " << *integrity << '\n';
        console.out << "hash chain  " << (chain_ok ? "intact" : "BROKEN");
        if (!chain_ok) console.out << " (" << chain->problems.size() << " problems)";
        console.out << '\n';
        console.out << "runs        " << chain->sealed << " runs sealed, " << chain->legacy
                    << " legacy runs without a seal";
        if (chain->recording > 0)
            console.out << ", " << chain->recording << " still recording (not yet sealed)";
        console.out << '\n';
    }
    for (const Error& e : chain->problems) report_error(console, e);
    if (*integrity != "ok") console.err << "edc: " << path << ": integrity check: " << *integrity << '\n';
    return ok ? exit_code::success : exit_code::failure;
}

}  // namespace

const Command& verify_command() {
    static const Command command{"verify", "check the journal's integrity and its runs' hash chain",
                                 verify_help, verify_options, run_verify};
    return command;
}

}  // namespace edc::cli
