// edc verify [--db PATH] [--json]: SQLite's integrity check and the runs' hash chain.
#include <array>
#include <string>
#include <string_view>
#include <vector>

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

Runs begun since journal schema v3 are keyed: their links are HMAC-SHA256 under this
installation's key ($XDG_CONFIG_HOME/edc/journal.key, else ~/.config/edc/journal.key; mode 0600,
made when the first run begins), so someone who edits the database cannot recompute them
without the key. Older runs stay plain sha256; each run's algorithm is listed. Without the key,
keyed links cannot be checked: that is reported as "keyed chain cannot be checked: no key at
PATH", not as a mismatch. The key does not protect against anyone who can read the key file.

Each seal also records the newest sealed run outside the database, in
$XDG_STATE_HOME/edc/anchors/<journal id> (else ~/.local/state/edc/anchors/): a deleted newest
run is reported as newest_run_missing. A journal with no anchor here (a fresh or copied
database) verifies without this check.

Exit codes: 0 intact, 1 damaged or tampered (what and where on stderr), keyed links not
checkable (no key), or usage.
)";

// "1-3, 5" from ascending run ids.
std::string id_ranges(const std::vector<std::int64_t>& ids) {
    std::string out;
    for (std::size_t i = 0; i < ids.size();) {
        std::size_t j = i;
        while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
        if (!out.empty()) out += ", ";
        out += std::to_string(ids[i]);
        if (j > i) out += "-" + std::to_string(ids[j]);
        i = j + 1;
    }
    return out;
}

std::string algorithms_line(const journal::ChainReport& chain) {
    std::string out;
    for (const char* alg : {"hmac-sha256", "sha256"}) {
        std::vector<std::int64_t> ids;
        for (const auto& a : chain.algorithms) {
            if (a.algorithm == alg) ids.push_back(a.run);
        }
        if (ids.empty()) continue;
        if (!out.empty()) out += "; ";
        out += std::string(alg) + ": run" + (ids.size() > 1 ? "s " : " ") + id_ranges(ids);
    }
    return out.empty() ? std::string("no runs") : out;
}

std::string anchor_line(const journal::ChainReport& chain) {
    if (chain.anchor_state == "ok") return "newest seal matches " + chain.anchor_path;
    if (chain.anchor_state == "none") {
        return "none for this journal at " + chain.anchor_path + " (a deleted newest run cannot be detected)";
    }
    return chain.anchor_state + " (" + chain.anchor_path + ")";
}

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
    const bool keyed_checked = chain->keyed_unchecked == 0;
    const bool ok = *integrity == "ok" && chain_ok && keyed_checked;
    const std::string unchecked = "keyed chain cannot be checked: " + chain->key_problem;
    if (args.has("--json")) {
        nlohmann::ordered_json j{{"database", path},
                                 {"integrity", *integrity},
                                 {"chain_ok", chain_ok},
                                 {"runs", chain->runs},
                                 {"sealed", chain->sealed},
                                 {"legacy", chain->legacy},
                                 {"recording", chain->recording},
                                 {"keyed", chain->keyed},
                                 {"keyed_chain", keyed_checked ? (chain->keyed > 0 ? "checked" : "none")
                                                               : "unchecked_no_key"},
                                 {"key_path", chain->key_path},
                                 {"anchor", chain->anchor_state},
                                 {"anchor_path", chain->anchor_path}};
        if (!keyed_checked) j["keyed_chain_error"] = unchecked;
        auto algorithms = nlohmann::ordered_json::array();
        for (const auto& a : chain->algorithms) algorithms.push_back({{"run", a.run}, {"algorithm", a.algorithm}});
        j["run_algorithms"] = algorithms;
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
        if (!keyed_checked) console.out << "; " << chain->keyed_unchecked << " keyed runs NOT CHECKED (no key)";
        console.out << '\n';
        console.out << "runs        " << chain->sealed << " runs sealed, " << chain->legacy
                    << " legacy runs without a seal";
        if (chain->recording > 0)
            console.out << ", " << chain->recording << " still recording (not yet sealed)";
        console.out << '\n';
        console.out << "links       " << algorithms_line(*chain) << '\n';
        console.out << "key         " << (chain->key_problem.empty() ? chain->key_path : chain->key_problem) << '\n';
        console.out << "anchor      " << anchor_line(*chain) << '\n';
    }
    for (const Error& e : chain->problems) report_error(console, e);
    if (!keyed_checked) console.err << "edc: " << unchecked << '\n';
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
