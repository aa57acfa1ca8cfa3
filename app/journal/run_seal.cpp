#include "app/journal/run_seal.hpp"

#include <array>
#include <bit>
#include <cstring>

#include "app/journal/sqlite_statement.hpp"
#include "control/text.hpp"
#include "recipes/format/hmac_sha256.hpp"
#include "recipes/format/sha256.hpp"

namespace edc::journal::detail {
namespace {

// IEEE-754 binary64 bits, big-endian; -0 as +0 (SQLite may store an integral REAL as an
// integer, so -0.0 reads back as +0.0: the seal must hash what any later reader sees).
std::uint8_t* put_double(std::uint8_t* out, double v) noexcept {
    if (v == 0.0) v = 0.0;
    const auto bits = std::bit_cast<std::uint64_t>(v);
    for (int i = 7; i >= 0; --i) *out++ = static_cast<std::uint8_t>(bits >> (8 * i));
    return out;
}

void put_text(recipes::Sha256& h, std::string_view text) {
    const auto n = static_cast<std::uint32_t>(text.size());
    const std::array<std::uint8_t, 4> len{static_cast<std::uint8_t>(n >> 24),
                                          static_cast<std::uint8_t>(n >> 16),
                                          static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
    h.update(len);
    h.update(text);
}

constexpr int sample_columns = 12;

}  // namespace

std::string link_hash(std::string_view alg, const JournalKey* key, std::string_view material) {
    if (alg != alg_hmac_sha256) return recipes::sha256_hex(material);
    // No key: an empty link, which matches no stored hash (callers check for the key first).
    return key != nullptr ? recipes::hmac_sha256_hex(key->bytes, material) : std::string();
}

void append_field(std::string& material, std::string_view value) {
    material += std::to_string(value.size());
    material += ':';
    material += value;
    material += ';';
}

std::string header_material(int chain_version, std::int64_t id, const RunStart& s,
                            const std::string& prev_hash) {
    std::string m;
    if (chain_version >= chain_version_sealed) append_field(m, "edc-run-v2");
    append_field(m, prev_hash);
    append_field(m, std::to_string(id));
    append_field(m, s.recipe_name);
    append_field(m, s.recipe_sha256);
    append_field(m, s.software_version);
    append_field(m, s.git_revision);
    append_field(m, s.instruments_json);
    append_field(m, s.operator_name);
    append_field(m, s.started_at);
    return m;
}

// Ordered by content, not rowid: VACUUM may renumber the rowids of these tables.
Result<RowDigest> digest_samples(sqlite3* db, std::int64_t run_id) {
    Statement q(
        db,
        "SELECT t_s, current_a, potential_v, charge_c, feed_rate_m3_s, dispensed_m3, volume_m3, n_bi, n_sb, "
        "depth_m, x_bi_predicted, x_bi_target FROM samples WHERE run_id = ?1 ORDER BY t_s, current_a, "
        "potential_v, charge_c, feed_rate_m3_s, dispensed_m3, volume_m3, n_bi, n_sb, depth_m, "
        "x_bi_predicted, x_bi_target");
    if (!q.ok()) return std::unexpected(q.prepare_error());
    q.bind(1, run_id);
    recipes::Sha256 h;
    std::array<std::uint8_t, std::size_t{8} * sample_columns> row{};
    RowDigest d;
    int rc = 0;
    while ((rc = q.step()) == SQLITE_ROW) {
        std::uint8_t* p = row.data();
        for (int c = 0; c < sample_columns; ++c) p = put_double(p, q.column_double(c));
        h.update(row);
        ++d.count;
    }
    if (rc != SQLITE_DONE) return std::unexpected(sqlite_error(db, rc, "digest samples"));
    d.sha256 = recipes::to_hex(h.finish());
    return d;
}

Result<RowDigest> digest_events(sqlite3* db, std::int64_t run_id) {
    Statement q(
        db,
        "SELECT t_s, level, code, message FROM events WHERE run_id = ?1 ORDER BY t_s, level, code, message");
    if (!q.ok()) return std::unexpected(q.prepare_error());
    q.bind(1, run_id);
    recipes::Sha256 h;
    std::array<std::uint8_t, 8> t{};
    RowDigest d;
    int rc = 0;
    while ((rc = q.step()) == SQLITE_ROW) {
        put_double(t.data(), q.column_double(0));
        h.update(t);
        for (int c = 1; c <= 3; ++c) put_text(h, q.column_text(c));
        ++d.count;
    }
    if (rc != SQLITE_DONE) return std::unexpected(sqlite_error(db, rc, "digest events"));
    d.sha256 = recipes::to_hex(h.finish());
    return d;
}

std::string seal_material(const SealFields& f) {
    std::string m;
    append_field(m, "edc-seal-v1");
    append_field(m, f.seal_prev);
    append_field(m, f.row_hash);
    append_field(m, f.recipe_text);
    append_field(m, std::to_string(f.id));
    append_field(m, f.status);
    append_field(m, f.ended_at);
    append_field(m, std::to_string(f.samples.count));
    append_field(m, f.samples.sha256);
    append_field(m, std::to_string(f.events.count));
    append_field(m, f.events.sha256);
    return m;
}

Result<ChainAnchor> seal_run(sqlite3* db, std::int64_t id, const JournalKey* key) {
    SealFields f;
    f.id = id;
    std::string alg;
    {
        Statement q(db, "SELECT row_hash, status, ended_at, recipe_text, hash_alg FROM runs WHERE id = ?1");
        if (!q.ok()) return std::unexpected(q.prepare_error());
        q.bind(1, id);
        if (q.step() != SQLITE_ROW)
            return fail("no_such_run", strf("no run %lld to seal", static_cast<long long>(id)));
        f.row_hash = q.column_text(0);
        f.status = q.column_text(1);
        f.ended_at = q.column_is_null(2) ? std::string() : q.column_text(2);
        f.recipe_text = q.column_text(3);
        alg = q.column_text(4);
    }
    if (alg == alg_hmac_sha256 && key == nullptr) {
        return fail("journal_key_missing",
                    strf("run %lld is keyed (hmac-sha256) and no journal key is available to seal it",
                         static_cast<long long>(id)));
    }
    if (f.status == "running") {
        return fail("journal_error", strf("run %lld is still running: only an ended run is sealed",
                                          static_cast<long long>(id)));
    }
    std::int64_t seq = 1;
    f.seal_prev = zero_hash;
    {
        Statement q(
            db,
            "SELECT seal_seq, seal_hash FROM runs WHERE seal_seq IS NOT NULL ORDER BY seal_seq DESC LIMIT 1");
        if (!q.ok()) return std::unexpected(q.prepare_error());
        if (q.step() == SQLITE_ROW) {
            seq = q.column_int(0) + 1;
            f.seal_prev = q.column_text(1);
        }
    }
    auto samples = digest_samples(db, id);
    if (!samples) return std::unexpected(samples.error());
    auto events = digest_events(db, id);
    if (!events) return std::unexpected(events.error());
    f.samples = std::move(*samples);
    f.events = std::move(*events);

    Statement u(
        db,
        "UPDATE runs SET sample_count = ?1, samples_sha256 = ?2, event_count = ?3, events_sha256 = ?4, "
        "seal_seq = ?5, seal_prev = ?6, seal_hash = ?7 WHERE id = ?8 AND seal_hash IS NULL");
    if (!u.ok()) return std::unexpected(u.prepare_error());
    u.bind(1, f.samples.count);
    u.bind(2, std::string_view(f.samples.sha256));
    u.bind(3, f.events.count);
    u.bind(4, std::string_view(f.events.sha256));
    u.bind(5, seq);
    u.bind(6, std::string_view(f.seal_prev));
    const std::string seal = link_hash(alg, key, seal_material(f));
    u.bind(7, std::string_view(seal));
    u.bind(8, id);
    const int rc = u.step();
    if (rc != SQLITE_DONE) return std::unexpected(sqlite_error(db, rc, "seal run"));
    if (sqlite3_changes(db) != 1) {
        return fail("journal_error", strf("run %lld is already sealed", static_cast<long long>(id)));
    }
    return ChainAnchor{id, seq, seal};
}

}  // namespace edc::journal::detail
