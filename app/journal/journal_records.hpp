#pragma once
// What the journal stores per run: samples (fixed-size, so the control loop can queue them
// without allocating) and events. SI units, times in run seconds (simulated when simulating).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/error.hpp"

namespace edc::journal {

enum class RunStatus { running, completed, aborted, faulted, interrupted };

[[nodiscard]] std::string_view to_string(RunStatus s) noexcept;
[[nodiscard]] std::optional<RunStatus> parse_run_status(std::string_view s) noexcept;

struct JournalSample {
    double t_s = 0.0;
    double current_a = 0.0;       // measured, cathodic positive
    double potential_v = 0.0;
    double charge_c = 0.0;
    double feed_rate_m3_s = 0.0;  // commanded
    double dispensed_m3 = 0.0;    // pump counter
    double volume_m3 = 0.0;       // estimated bath state
    double n_bi = 0.0;            // mol
    double n_sb = 0.0;            // mol
    double depth_m = 0.0;
    double x_bi_predicted = 0.0;
    double x_bi_target = 0.0;
};

struct JournalEvent {
    double t_s = 0.0;
    std::string level;  // "info", "warning", "error"
    std::string code;   // "state_change", "journal_overflow", "compliance", ...
    std::string message;
};

// What begin_run records; started_at defaults to now (UTC).
struct RunStart {
    std::string recipe_name;
    std::string recipe_text;      // verbatim
    std::string recipe_sha256;    // hex
    std::string software_version;
    std::string git_revision;
    std::string instruments_json;  // JSON text: identities (*IDN?, pump firmware), ports
    std::string operator_name;
    std::string started_at;        // UTC ISO 8601; empty: now
    std::optional<std::int64_t> resumes_run;  // a continuation (`edc resume`): the interrupted run
};

struct RunRecord {
    std::int64_t id = 0;
    std::string recipe_name;
    std::string recipe_text;
    std::string recipe_sha256;
    std::string software_version;
    std::string git_revision;
    std::string instruments_json;
    std::string operator_name;
    std::string started_at;
    std::optional<std::string> ended_at;
    RunStatus status = RunStatus::running;
    std::string prev_hash;
    std::string row_hash;
    std::int64_t sample_count = 0;
    std::int64_t event_count = 0;
    std::optional<std::int64_t> resumes_run;  // this run continues that interrupted run
};

struct RunFilter {
    std::optional<RunStatus> status;
    std::optional<std::string> recipe_name;
    std::optional<std::string> started_since;  // ISO 8601, inclusive
    std::int64_t limit = 0;                    // newest first; 0 = all
};

// What RunJournal::check_chain found: the counts, and every problem (code
// "journal_chain_broken", where "run <id>", the kind of row in the message), in run order.
struct ChainReport {
    std::int64_t runs = 0;
    std::int64_t sealed = 0;     // header, rows and final status covered
    std::int64_t legacy = 0;     // ended before schema v2: header only, no seal
    std::int64_t recording = 0;  // still 'running': sealed when they end (or at recovery)
    std::vector<Error> problems;

    // Which link algorithm each run used: "sha256" (unkeyed: every run before schema v3) or
    // "hmac-sha256" (keyed with the installation's journal key).
    struct RunAlgorithm {
        std::int64_t run = 0;
        std::string algorithm;
    };
    std::vector<RunAlgorithm> algorithms;
    std::int64_t keyed = 0;            // hmac-sha256 runs
    std::int64_t keyed_unchecked = 0;  // hmac-sha256 runs whose links could not be checked: no key
    std::string key_path;              // where the key was looked for
    std::string key_problem;           // why no key was used (absent, insecure), empty when one was

    // The anchor outside the database (chain_anchor.hpp): "none" (no anchor for this journal),
    // "ok", "newest_run_missing" or "mismatch" (both also listed in problems).
    std::string anchor_state = "none";
    std::string anchor_path;
};

// "2026-11-26T05:07:04.123Z"
[[nodiscard]] std::string utc_now_iso8601();

}  // namespace edc::journal
