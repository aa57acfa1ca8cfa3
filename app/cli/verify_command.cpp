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

Checks the run journal: SQLite's PRAGMA integrity_check, and the hash chain that links every
run's record (recipe hash, software version, instruments, operator, start time) to the run
before it, so that a run edited, inserted or deleted afterwards is detected. Samples and
events are not part of the chain.

Exit codes: 0 intact, 1 damaged or tampered (what and where on stderr), or usage.
)";

int run_verify(const ParsedArgs& args, Console& console) {
    if (!args.positional.empty()) return usage_error(console, "verify", "verify: takes no arguments");
    const auto path = journal_path(args);
    auto journal = open_existing_journal(path);
    if (!journal) return report_error(console, journal.error());
    const auto integrity = journal->integrity_check();
    if (!integrity) return report_error(console, integrity.error());
    const auto chain = journal->verify_chain();
    const bool ok = *integrity == "ok" && chain.has_value();
    if (args.has("--json")) {
        nlohmann::ordered_json j{{"database", path}, {"integrity", *integrity}, {"chain_ok", chain.has_value()}};
        if (!chain) j["chain_error"] = {{"code", chain.error().code}, {"message", chain.error().message},
                                        {"where", chain.error().where}};
        j["ok"] = ok;
        write_json(console.out, j);
    } else {
        console.out << "integrity   " << *integrity << '\n';
        console.out << "hash chain  " << (chain ? "intact" : "BROKEN") << '\n';
    }
    if (!chain) report_error(console, chain.error());
    if (*integrity != "ok") console.err << "edc: " << path << ": integrity check: " << *integrity << '\n';
    return ok ? exit_code::success : exit_code::failure;
}

}  // namespace

const Command& verify_command() {
    static const Command command{"verify", "check the journal's integrity and its runs' hash chain", verify_help,
                                 verify_options, run_verify};
    return command;
}

}  // namespace edc::cli
