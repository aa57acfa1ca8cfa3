// RunJournal::verify_chain's work: recompute every hash run_seal.hpp defines and compare.
#include <algorithm>
#include <vector>

#include "app/journal/run_seal.hpp"
#include "app/journal/sqlite_statement.hpp"
#include "control/text.hpp"
#include "recipes/format/sha256.hpp"

namespace edc::journal::detail {
namespace {

struct SealLink {
    std::int64_t seq = 0;
    std::int64_t id = 0;
    std::string prev;
    std::string hash;
};

std::string run_where(std::int64_t id) {
    return strf("run %lld", static_cast<long long>(id));
}

Error broken(std::int64_t id, const std::string& message) {
    return Error{"journal_chain_broken", strf("run %lld: %s", static_cast<long long>(id), message.c_str()),
                 run_where(id)};
}

void check_rows(std::vector<Error>& problems, std::int64_t id, const char* kind, const RowDigest& now,
                std::int64_t sealed_count, const std::string& sealed_sha256) {
    if (now.count != sealed_count) {
        problems.push_back(
            broken(id, strf("%s rows: %lld now, %lld when the run was sealed (rows were %s after the "
                            "run ended)",
                            kind, static_cast<long long>(now.count), static_cast<long long>(sealed_count),
                            now.count < sealed_count ? "deleted" : "inserted")));
    } else if (now.sha256 != sealed_sha256) {
        problems.push_back(broken(
            id, strf("%s rows: %lld as sealed, but their contents changed after the run ended "
                     "(digest %s, sealed %s)",
                     kind, static_cast<long long>(now.count), now.sha256.c_str(), sealed_sha256.c_str())));
    }
}

// The newest seal recorded outside the database must still be in it, unchanged.
void check_anchor(ChainReport& report, const std::vector<SealLink>& by_seq, const ChainContext& context) {
    if (!context.anchor) return;
    const ChainAnchor& a = *context.anchor;
    const auto it = std::find_if(by_seq.begin(), by_seq.end(), [&](const SealLink& l) { return l.seq == a.seal_seq; });
    if (it != by_seq.end() && it->id == a.run_id && it->hash == a.seal_hash) {
        report.anchor_state = "ok";
        return;
    }
    if (it == by_seq.end() && (by_seq.empty() || by_seq.back().seq < a.seal_seq)) {
        report.anchor_state = "newest_run_missing";
        const std::string ends =
            by_seq.empty() ? std::string("has no sealed run")
                           : strf("ends at run %lld (seal %lld)", static_cast<long long>(by_seq.back().id),
                                  static_cast<long long>(by_seq.back().seq));
        report.problems.push_back(Error{
            "newest_run_missing",
            strf("run %lld was sealed (seal %lld, anchor %s) but the journal %s: the newest run was deleted",
                 static_cast<long long>(a.run_id), static_cast<long long>(a.seal_seq), context.anchor_path.c_str(),
                 ends.c_str()),
            run_where(a.run_id)});
        return;
    }
    report.anchor_state = "mismatch";
    report.problems.push_back(Error{
        "journal_chain_broken",
        strf("run %lld: seal %lld differs from the one recorded in the anchor %s (run %lld, %s): the newest "
             "runs were deleted and replaced, or rewritten",
             static_cast<long long>(a.run_id), static_cast<long long>(a.seal_seq), context.anchor_path.c_str(),
             static_cast<long long>(a.run_id), a.seal_hash.c_str()),
        run_where(a.run_id)});
}

Result<std::int64_t> orphan_rows(sqlite3* db, const char* sql) {
    Statement q(db, sql);
    if (!q.ok()) return std::unexpected(q.prepare_error());
    const int rc = q.step();
    if (rc != SQLITE_ROW) return std::unexpected(sqlite_error(db, rc, "count orphan rows"));
    return q.column_int(0);
}

}  // namespace

Result<ChainReport> verify_chain(sqlite3* db, const ChainContext& context) {
    Statement st(
        db,
        "SELECT id, recipe_name, recipe_sha256, software_version, git_revision, instruments, operator, "
        "started_at, prev_hash, row_hash, chain_version, status, ended_at, sample_count, samples_sha256, "
        "event_count, events_sha256, seal_seq, seal_prev, seal_hash, recipe_text, hash_alg FROM runs ORDER BY id");
    if (!st.ok()) return std::unexpected(st.prepare_error());
    ChainReport report;
    report.key_path = context.key_path;
    report.key_problem = context.key_problem;
    report.anchor_path = context.anchor_path;
    auto& problems = report.problems;
    std::vector<SealLink> seals;
    std::string expected_prev = zero_hash;
    std::int64_t first_keyed = 0;  // a run keyed before an unkeyed one: the chain was downgraded
    int rc = 0;
    while ((rc = st.step()) == SQLITE_ROW) {
        const std::int64_t id = st.column_int(0);
        RunStart s;
        s.recipe_name = st.column_text(1);
        s.recipe_sha256 = st.column_text(2);
        s.software_version = st.column_text(3);
        s.git_revision = st.column_text(4);
        s.instruments_json = st.column_text(5);
        s.operator_name = st.column_text(6);
        s.started_at = st.column_text(7);
        const std::string prev = st.column_text(8);
        const std::string stored = st.column_text(9);
        const auto version = static_cast<int>(st.column_int(10));
        const std::string alg = st.column_text(21);
        ++report.runs;
        report.algorithms.push_back({id, alg});
        if (prev != expected_prev) {
            problems.push_back(
                broken(id, strf("header does not link to the run before it (prev_hash %s, expected "
                                "%s): a run was deleted, inserted or edited",
                                prev.c_str(), expected_prev.c_str())));
        }
        expected_prev = stored;
        if (version != chain_version_legacy && version != chain_version_sealed) {
            problems.push_back(broken(id, strf("unknown chain version %d", version)));
            continue;
        }
        if (alg != alg_sha256 && alg != alg_hmac_sha256) {
            problems.push_back(broken(id, strf("unknown link algorithm '%s'", alg.c_str())));
            continue;
        }
        const bool keyed = alg == alg_hmac_sha256;
        if (keyed) {
            ++report.keyed;
            if (first_keyed == 0) first_keyed = id;
        } else if (first_keyed != 0) {
            problems.push_back(broken(
                id, strf("linked with plain sha256 after run %lld was keyed (hmac-sha256): the keyed chain "
                         "was downgraded, its links recomputed without the key",
                         static_cast<long long>(first_keyed))));
        }
        // Without the key a keyed run's header and seal cannot be checked; its rows still are.
        const bool checkable = !keyed || context.key != nullptr;
        if (!checkable) ++report.keyed_unchecked;
        if (checkable && link_hash(alg, context.key, header_material(version, id, s, prev)) != stored) {
            problems.push_back(
                broken(id,
                       "header (recipe, versions, instruments, operator, start time) changed after it "
                       "was recorded: row_hash does not match its fields"));
        }

        SealFields f;
        f.id = id;
        f.row_hash = stored;
        f.recipe_text = st.column_text(20);
        f.status = st.column_text(11);
        f.ended_at = st.column_is_null(12) ? std::string() : st.column_text(12);
        if (st.column_is_null(19)) {
            if (f.status == "running") {
                ++report.recording;
            } else if (version == chain_version_legacy) {
                ++report.legacy;
            } else {
                problems.push_back(broken(
                    id, strf("ended (%s) but carries no seal: the seal was removed", f.status.c_str())));
            }
            continue;
        }
        ++report.sealed;
        // The rows against the digests stored at sealing; the seal against the stored fields.
        f.samples = {st.column_int(13), st.column_text(14)};
        f.events = {st.column_int(15), st.column_text(16)};
        auto samples = digest_samples(db, id);
        if (!samples) return std::unexpected(samples.error());
        check_rows(problems, id, "sample", *samples, f.samples.count, f.samples.sha256);
        auto events = digest_events(db, id);
        if (!events) return std::unexpected(events.error());
        check_rows(problems, id, "event", *events, f.events.count, f.events.sha256);
        f.seal_prev = st.column_text(18);
        const std::string seal = st.column_text(19);
        if (checkable && link_hash(alg, context.key, seal_material(f)) != seal) {
            problems.push_back(
                broken(id, strf("final status '%s', end time '%s', recipe text or the sealed row "
                                "digests changed after the run was sealed (seal_hash does not match)",
                                f.status.c_str(), f.ended_at.c_str())));
        }
        seals.push_back({st.column_int(17), id, f.seal_prev, seal});
    }
    if (rc != SQLITE_DONE) return std::unexpected(sqlite_error(db, rc, "verify chain"));

    std::sort(seals.begin(), seals.end(), [](const SealLink& a, const SealLink& b) { return a.seq < b.seq; });
    std::string expected_seal = zero_hash;
    std::int64_t previous_id = 0;
    for (const SealLink& l : seals) {
        if (l.prev != expected_seal) {
            problems.push_back(broken(
                l.id,
                previous_id == 0
                    ? std::string("seal does not link to the start of the seal chain: an earlier sealed "
                                  "run or its seal was removed")
                    : strf("seal does not link to the seal before it (run %lld): a sealed run or its seal "
                           "was removed or edited",
                           static_cast<long long>(previous_id))));
        }
        expected_seal = l.hash;
        previous_id = l.id;
    }

    check_anchor(report, seals, context);

    for (const auto& [table, sql] :
         {std::pair{"sample", "SELECT COUNT(*) FROM samples WHERE run_id NOT IN (SELECT id FROM runs)"},
          std::pair{"event", "SELECT COUNT(*) FROM events WHERE run_id NOT IN (SELECT id FROM runs)"}}) {
        auto n = orphan_rows(db, sql);
        if (!n) return std::unexpected(n.error());
        if (*n > 0) {
            problems.push_back(Error{"journal_chain_broken",
                                     strf("%lld %s rows belong to no run (their run was deleted)",
                                          static_cast<long long>(*n), table),
                                     std::string(table) + "s"});
        }
    }
    return report;
}

}  // namespace edc::journal::detail
