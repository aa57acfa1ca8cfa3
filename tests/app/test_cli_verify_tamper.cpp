// `edc verify` against a journal written by a real simulated run (through the drivers and the
// journal writer), copied and then tampered with behind edc's back, one way per test: every
// edit of a sample, an event, the final status or the end time is caught and the run named.
// The seal of the untouched run is recomputed here from the format in docs/reliability.md, keyed
// with the suite's journal key.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "recipes/format/sha256.hpp"
#include "test_cli_support.hpp"
#include "tests/app/test_journal_support.hpp"

namespace edc::cli::test {
namespace {

// Runs SQL on the file with the plain SQLite API (what someone editing the file would use).
void tamper(const std::string& db, const std::string& sql) {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    char* message = nullptr;
    const int rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &message);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (message != nullptr ? message : "");
    EXPECT_EQ(sqlite3_changes(raw), 1) << "the edit must touch exactly one row: " << sql;
    sqlite3_free(message);
    sqlite3_close(raw);
}

std::vector<std::vector<std::string>> query(const std::string& db, const std::string& sql) {
    sqlite3* raw = nullptr;
    EXPECT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(raw, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
    std::vector<std::vector<std::string>> rows;
    while (sqlite3_step(st) == SQLITE_ROW) {
        std::vector<std::string> row;
        for (int c = 0; c < sqlite3_column_count(st); ++c) {
            const auto* text = sqlite3_column_text(st, c);
            row.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
        }
        rows.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    sqlite3_close(raw);
    return rows;
}

class CliVerifyTamper : public CliTest {
protected:
    // One real run for the whole suite (a few seconds): faulted at simulated t = 40 s by a
    // compliance trip, so it has samples, events, a final status 'faulted' and an end time.
    static void SetUpTestSuite() {
        std::string pattern = (std::filesystem::temp_directory_path() / "edc-verify-tamper-XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        suite_dir_ = pattern;
        ::setenv("XDG_STATE_HOME", (suite_dir_ / "state").c_str(), 1);
        ::setenv("XDG_CONFIG_HOME", (suite_dir_ / "config").c_str(), 1);
        const std::string db = (suite_dir_ / "original.sqlite").string();
        const auto r = run_cli({"run", example_recipe("g-bi033sb067.toml"), "--sim", "--virtual", "--db",
                                db, "--operator", "ci", "--fault", "compliance-trip@40"});
        ASSERT_EQ(r.code, 4) << r.out << r.err;
        const auto runs = query(db, "SELECT id, status, (SELECT COUNT(*) FROM samples) FROM runs");
        ASSERT_EQ(runs.size(), 1U);
        ASSERT_EQ(runs[0][1], "faulted");
        ASSERT_GT(std::stoi(runs[0][2]), 100) << "the run should have journaled its samples";
        run_id_ = runs[0][0];
        original_ = db;
    }
    // Every test checks the suite's run: the suite's key, not a fresh one per test.
    void SetUp() override {
        CliTest::SetUp();
        ::setenv("XDG_CONFIG_HOME", (suite_dir_ / "config").c_str(), 1);
    }
    static void TearDownTestSuite() {
        std::error_code ec;
        std::filesystem::remove_all(suite_dir_, ec);
    }

    // A private copy of the journal (main file and WAL, if any) for this test to damage.
    [[nodiscard]] std::string copy_of_journal() const {
        std::string db = file("tampered.sqlite");
        std::filesystem::copy_file(original_, db);
        if (std::filesystem::exists(original_ + "-wal"))
            std::filesystem::copy_file(original_ + "-wal", db + "-wal");
        return db;
    }

    // Exit code 1 and the run and the kind of damage named on stderr.
    static void expect_caught(const std::string& db, const std::string& what) {
        const auto r = run_cli({"verify", "--db", db});
        EXPECT_EQ(r.code, 1) << r.out << r.err;
        EXPECT_NE(r.out.find("hash chain  BROKEN (1 problems)"), std::string::npos) << r.out;
        EXPECT_NE(r.err.find("run " + run_id_ + ":"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("journal_chain_broken"), std::string::npos) << r.err;
    }

    static inline std::filesystem::path suite_dir_;
    static inline std::string original_;
    static inline std::string run_id_;
};

TEST_F(CliVerifyTamper, UntouchedJournalOfARealRunVerifies) {
    const auto r = run_cli({"verify", "--db", copy_of_journal()});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("hash chain  intact"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1 runs sealed, 0 legacy runs without a seal"), std::string::npos) << r.out;
}

TEST_F(CliVerifyTamper, SampleCurrentRaisedByOneNanoampereIsCaught) {
    const auto db = copy_of_journal();
    tamper(db,
           "UPDATE samples SET current_a = current_a + 1e-9 WHERE rowid = "
           "(SELECT rowid FROM samples ORDER BY t_s LIMIT 1 OFFSET 100)");
    expect_caught(db, "sample rows: ");
    expect_caught(db, "contents changed");
}

TEST_F(CliVerifyTamper, DeletedSampleIsCaught) {
    const auto db = copy_of_journal();
    tamper(db,
           "DELETE FROM samples WHERE rowid = (SELECT rowid FROM samples ORDER BY t_s LIMIT 1 OFFSET 50)");
    expect_caught(db, "rows were deleted");
}

TEST_F(CliVerifyTamper, InsertedSampleIsCaught) {
    const auto db = copy_of_journal();
    tamper(db,
           "INSERT INTO samples SELECT run_id, t_s + 0.05, current_a, potential_v, charge_c, feed_rate_m3_s, "
           "dispensed_m3, volume_m3, n_bi, n_sb, depth_m, x_bi_predicted, x_bi_target FROM samples "
           "ORDER BY t_s LIMIT 1 OFFSET 70");
    expect_caught(db, "rows were inserted");
}

TEST_F(CliVerifyTamper, ChangedEventTextIsCaught) {
    const auto db = copy_of_journal();
    tamper(db,
           "UPDATE events SET message = 'nothing happened' WHERE rowid = "
           "(SELECT rowid FROM events WHERE code = 'run_end')");
    expect_caught(db, "event rows: ");
}

TEST_F(CliVerifyTamper, OutcomeFaultedTurnedCompletedIsCaught) {
    const auto db = copy_of_journal();
    tamper(db, "UPDATE runs SET status = 'completed' WHERE status = 'faulted'");
    expect_caught(db, "final status 'completed'");
}

TEST_F(CliVerifyTamper, ChangedEndTimeIsCaught) {
    const auto db = copy_of_journal();
    tamper(db, "UPDATE runs SET ended_at = '2026-01-01T00:00:00.000Z'");
    expect_caught(db, "end time '2026-01-01T00:00:00.000Z'");
}

TEST_F(CliVerifyTamper, EditedRecipeTextIsCaught) {
    const auto db = copy_of_journal();
    tamper(db, "UPDATE runs SET recipe_text = recipe_text || '# edited'");
    expect_caught(db, "recipe text");
}

TEST_F(CliVerifyTamper, RemovedSealIsCaught) {
    const auto db = copy_of_journal();
    tamper(db, "UPDATE runs SET seal_hash = NULL, seal_seq = NULL, seal_prev = NULL");
    expect_caught(db, "carries no seal");
}

TEST_F(CliVerifyTamper, RunPassedOffAsLegacyIsCaught) {
    const auto db = copy_of_journal();
    tamper(db, "UPDATE runs SET seal_hash = NULL, seal_seq = NULL, seal_prev = NULL, chain_version = 1");
    expect_caught(db, "header");
}

TEST_F(CliVerifyTamper, EveryProblemIsListedNotOnlyTheFirst) {
    const auto db = copy_of_journal();
    tamper(db,
           "UPDATE samples SET potential_v = potential_v - 0.001 WHERE rowid = "
           "(SELECT rowid FROM samples ORDER BY t_s LIMIT 1 OFFSET 10)");
    tamper(db, "UPDATE runs SET status = 'completed'");
    const auto r = run_cli({"verify", "--db", db, "--json"});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j["chain_errors"].size(), 2U) << r.out;
    EXPECT_NE(j["chain_errors"][0]["message"].get<std::string>().find("sample rows"), std::string::npos)
        << r.out;
    EXPECT_NE(j["chain_errors"][1]["message"].get<std::string>().find("final status 'completed'"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(j["chain_errors"][1]["where"], "run " + run_id_);
    EXPECT_EQ(j["sealed"], 1);
}

// The seal recomputed from the documented canonical encoding, with this test's own code: rows
// read in storage order and sorted here; doubles as big-endian IEEE-754 bits.
TEST_F(CliVerifyTamper, SealMatchesTheDocumentedEncodingComputedIndependently) {
    const auto db = copy_of_journal();
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    auto bits = [](double v, std::string& out) {
        if (v == 0.0) v = 0.0;
        std::uint64_t u = 0;
        std::memcpy(&u, &v, 8);
        for (int i = 56; i >= 0; i -= 8) out.push_back(static_cast<char>((u >> i) & 0xFF));
    };

    std::vector<std::array<double, 12>> samples;
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(
                  raw,
                  "SELECT t_s, current_a, potential_v, charge_c, feed_rate_m3_s, dispensed_m3, volume_m3, "
                  "n_bi, n_sb, depth_m, x_bi_predicted, x_bi_target FROM samples",
                  -1, &st, nullptr),
              SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        std::array<double, 12> row{};
        for (int c = 0; c < 12; ++c) row[static_cast<std::size_t>(c)] = sqlite3_column_double(st, c);
        samples.push_back(row);
    }
    sqlite3_finalize(st);
    std::sort(samples.begin(), samples.end());
    std::string sample_bytes;
    for (const auto& row : samples) {
        for (double v : row) bits(v, sample_bytes);
    }
    EXPECT_EQ(sample_bytes.size(), samples.size() * 96);

    using Event = std::tuple<double, std::string, std::string, std::string>;
    std::vector<Event> events;
    ASSERT_EQ(sqlite3_prepare_v2(raw, "SELECT t_s, level, code, message FROM events", -1, &st, nullptr),
              SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        auto text = [&](int c) {
            return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, c)),
                               static_cast<std::size_t>(sqlite3_column_bytes(st, c)));
        };
        events.emplace_back(sqlite3_column_double(st, 0), text(1), text(2), text(3));
    }
    sqlite3_finalize(st);
    sqlite3_close(raw);
    std::sort(events.begin(), events.end());
    std::string event_bytes;
    for (const auto& [t, level, code, message] : events) {
        bits(t, event_bytes);
        for (const std::string* s : {&level, &code, &message}) {
            const auto n = static_cast<std::uint32_t>(s->size());
            for (int i = 24; i >= 0; i -= 8) event_bytes.push_back(static_cast<char>((n >> i) & 0xFF));
            event_bytes += *s;
        }
    }

    const auto run =
        query(db,
              "SELECT id, row_hash, status, ended_at, sample_count, samples_sha256, event_count, "
              "events_sha256, seal_prev, seal_hash, recipe_text FROM runs")
            .at(0);
    const std::string samples_sha = recipes::sha256_hex(sample_bytes);
    const std::string events_sha = recipes::sha256_hex(event_bytes);
    EXPECT_EQ(run[4], std::to_string(samples.size()));
    EXPECT_EQ(run[5], samples_sha);
    EXPECT_EQ(run[6], std::to_string(events.size()));
    EXPECT_EQ(run[7], events_sha);
    EXPECT_EQ(run[8], std::string(64, '0')) << "the first seal of a journal links to 64 zeros";
    auto field = [](const std::string& v) { return std::to_string(v.size()) + ":" + v + ";"; };
    const std::string material = field("edc-seal-v1") + field(std::string(64, '0')) + field(run[1]) +
                                 field(run[10]) + field(run[0]) + field("faulted") + field(run[3]) +
                                 field(std::to_string(samples.size())) + field(samples_sha) +
                                 field(std::to_string(events.size())) + field(events_sha);
    // Keyed: HMAC-SHA256 of the same material under the installation's key.
    EXPECT_EQ(run[9], journal::test::hmac_sha256_hex(journal::test::read_journal_key(), material));
    EXPECT_EQ(query(db, "SELECT hash_alg FROM runs").at(0).at(0), "hmac-sha256");
}

}  // namespace
}  // namespace edc::cli::test
