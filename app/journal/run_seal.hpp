#pragma once
// The journal's hash chain: what each hash covers, byte for byte (docs/reliability.md,
// "Journal integrity (hash chain)", is the reader's version of this header). Private to
// app/journal; tests recompute these hashes from the documented format, not through here.
//
// Two links per run:
// - the header (row_hash), written at begin_run: the run's identity, linked to the previous
//   run's header (prev_hash). Chain version 1 (schema v1) and 2 (schema v2) differ only in a
//   leading tag, so a sealed-era run cannot be passed off as a legacy one without recomputing
//   every later link.
// - the seal (seal_hash), written when the run ends (end_run, or mark_interrupted for a run
//   whose process died): the header hash, recipe text, final status, end time, and digests of
//   every sample and event row, linked to the seal written before it (seal_prev), so a removed
//   seal breaks the next one.
//
// The seal is computed by reading the run's rows back inside the transaction that ends the
// run, so the real-time path (push, the writer's batches) does no hashing at all.
//
// Each run records its link algorithm (runs.hash_alg, schema v3): "sha256" (every run before
// v3) or "hmac-sha256": the same material, MACed with the installation's journal key
// (journal_key.hpp), for both the header and the seal. Within one journal the algorithm never
// goes back from keyed to unkeyed: verify reports a downgrade.
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

#include "app/journal/chain_anchor.hpp"
#include "app/journal/journal_key.hpp"
#include "app/journal/journal_records.hpp"
#include "control/error.hpp"

namespace edc::journal::detail {

inline constexpr int chain_version_legacy = 1;  // header hashed, rows and final status not sealed
inline constexpr int chain_version_sealed = 2;  // header tagged "edc-run-v2", sealed when the run ends

inline constexpr std::string_view alg_sha256 = "sha256";
inline constexpr std::string_view alg_hmac_sha256 = "hmac-sha256";

// The link over `material`: SHA-256 for "sha256", HMAC-SHA256 under `key` for "hmac-sha256"
// (`key` must then be non-null).
[[nodiscard]] std::string link_hash(std::string_view alg, const JournalKey* key, std::string_view material);

inline constexpr const char* zero_hash = "0000000000000000000000000000000000000000000000000000000000000000";

// "<decimal byte length>:<bytes>;" — no choice of separator can make two field lists alike.
void append_field(std::string& material, std::string_view value);

// The header's material for row_hash.
[[nodiscard]] std::string header_material(int chain_version, std::int64_t id, const RunStart& s,
                                          const std::string& prev_hash);

struct RowDigest {
    std::int64_t count = 0;
    std::string sha256;  // lower-case hex
};

// Every sample (events) row of the run, in canonical order and encoding.
[[nodiscard]] Result<RowDigest> digest_samples(sqlite3* db, std::int64_t run_id);
[[nodiscard]] Result<RowDigest> digest_events(sqlite3* db, std::int64_t run_id);

struct SealFields {
    std::string seal_prev;
    std::string row_hash;
    std::string recipe_text;  // the header hashes recipe_sha256 only; the seal covers the text
    std::int64_t id = 0;
    std::string status;
    std::string ended_at;
    RowDigest samples;
    RowDigest events;
};
[[nodiscard]] std::string seal_material(const SealFields& f);

// Seals run `id` as it stands: call inside the write transaction that set its final status.
// Returns the new seal as the anchor to write once the transaction commits. A keyed run and no
// key: "journal_key_missing" (nothing written).
[[nodiscard]] Result<ChainAnchor> seal_run(sqlite3* db, std::int64_t id, const JournalKey* key);

// What verify_chain checks against besides the database.
struct ChainContext {
    const JournalKey* key = nullptr;  // null: keyed links cannot be checked
    std::string key_path;
    std::string key_problem;             // why key is null ("no key at PATH", an insecure file)
    std::optional<ChainAnchor> anchor;   // the newest seal recorded outside the database
    std::string anchor_path;
};

// Every run's header link and hash, every seal (rows, final status) and the seals' own chain,
// and the anchor; every problem found goes into the report. Fails only when SQLite does.
[[nodiscard]] Result<ChainReport> verify_chain(sqlite3* db, const ChainContext& context);

}  // namespace edc::journal::detail
