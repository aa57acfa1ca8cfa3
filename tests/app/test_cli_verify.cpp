// edc verify: an intact journal passes; a run record edited behind edc's back is caught; the keyed
// chain resists a forger without the key; a deleted newest run is caught by the anchor.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli/cli.hpp"
#include "app/journal/run_journal.hpp"
#include "control/text.hpp"
#include "tests/app/test_cli_support.hpp"
#include "tests/app/test_journal_support.hpp"

namespace {

int edc_main(std::vector<std::string> args, std::string& out, std::string& err) {
    args.insert(args.begin(), "edc");
    std::vector<char*> argv;
    argv.reserve(args.size());
    for (auto& a : args) argv.push_back(a.data());
    std::ostringstream o, e;
    const int rc = edc::cli::main(static_cast<int>(argv.size()), argv.data(), o, e);
    out = o.str();
    err = e.str();
    return rc;
}

std::filesystem::path journal_with_two_runs() {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("edc-verify-" + std::to_string(::getpid()) + "-" +
                      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::filesystem::create_directories(dir);
    auto db = dir / "j.sqlite";
    auto j = edc::journal::RunJournal::open(db.string());
    EXPECT_TRUE(j);
    for (const char* name : {"first", "second"}) {
        edc::journal::RunStart s;
        s.recipe_name = name;
        s.recipe_text = "[recipe]";
        s.recipe_sha256 = "00";
        s.operator_name = "ci";
        auto id = j->begin_run(s);
        EXPECT_TRUE(id);
        EXPECT_TRUE(j->end_run(*id, edc::journal::RunStatus::completed));
    }
    return db;
}

}  // namespace

TEST(CliVerify, IntactJournalPasses) {
    const auto db = journal_with_two_runs();
    std::string out, err;
    EXPECT_EQ(edc_main({"verify", "--db", db.string()}, out, err), 0) << err;
    EXPECT_NE(out.find("hash chain  intact"), std::string::npos) << out;
}

TEST(CliVerify, EditedRunRecordIsDetectedAndNamed) {
    const auto db = journal_with_two_runs();
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.string().c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "UPDATE runs SET operator = 'someone else' WHERE recipe_name = 'first'", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
    std::string out, err;
    EXPECT_EQ(edc_main({"verify", "--db", db.string(), "--json"}, out, err), 1);
    EXPECT_NE(out.find("\"chain_ok\": false"), std::string::npos) << out;
    EXPECT_NE(err.find("journal_chain_broken"), std::string::npos) << err;
}

// The keyed chain and the anchor outside the database (docs/reliability.md, "Security"). Each
// test has its own XDG_CONFIG_HOME (key) and XDG_STATE_HOME (anchors) from CliTest. The forger
// here knows the documented link format and edits the file with plain SQLite, but has no key.
namespace edc::cli::test {
namespace {

using journal::test::hmac_sha256_hex;
using journal::test::journal_key_file;
using journal::test::read_journal_key;

void sql(const std::string& db, const std::string& text) {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(raw, text.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << text << ": " << (message != nullptr ? message : "");
    sqlite3_free(message);
    sqlite3_close(raw);
}

// Column values of the first row, as text.
std::vector<std::string> row(const std::string& db, const std::string& text) {
    sqlite3* raw = nullptr;
    EXPECT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(raw, text.c_str(), -1, &st, nullptr), SQLITE_OK) << text;
    std::vector<std::string> out;
    if (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); ++c) {
            const auto* t = sqlite3_column_text(st, c);
            out.emplace_back(t != nullptr ? reinterpret_cast<const char*>(t) : "");
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(raw);
    return out;
}

std::string sha256_hex(const std::string& bytes) {
    std::array<unsigned char, 32> d{};
    unsigned int n = 0;
    EXPECT_EQ(EVP_Digest(bytes.data(), bytes.size(), d.data(), &n, EVP_sha256(), nullptr), 1);
    std::string hex;
    for (const unsigned char b : d) hex += strf("%02x", b);
    return hex;
}

std::string field(const std::string& v) { return std::to_string(v.size()) + ":" + v + ";"; }

// The digest of a run's samples as docs/reliability.md defines it: rows sorted, 12 doubles each
// as big-endian IEEE-754 bits.
std::string samples_digest(const std::string& db, int run) {
    sqlite3* raw = nullptr;
    EXPECT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    const std::string text =
        "SELECT t_s, current_a, potential_v, charge_c, feed_rate_m3_s, dispensed_m3, volume_m3, n_bi, n_sb, "
        "depth_m, x_bi_predicted, x_bi_target FROM samples WHERE run_id = " + std::to_string(run);
    EXPECT_EQ(sqlite3_prepare_v2(raw, text.c_str(), -1, &st, nullptr), SQLITE_OK);
    std::vector<std::array<double, 12>> rows;
    while (sqlite3_step(st) == SQLITE_ROW) {
        std::array<double, 12> r{};
        for (int c = 0; c < 12; ++c) r[static_cast<std::size_t>(c)] = sqlite3_column_double(st, c);
        rows.push_back(r);
    }
    sqlite3_finalize(st);
    sqlite3_close(raw);
    std::sort(rows.begin(), rows.end());
    std::string bytes;
    for (const auto& r : rows) {
        for (double v : r) {
            if (v == 0.0) v = 0.0;
            const auto u = std::bit_cast<std::uint64_t>(v);
            for (int i = 56; i >= 0; i -= 8) bytes.push_back(static_cast<char>((u >> i) & 0xFF));
        }
    }
    return sha256_hex(bytes);
}

// Recomputes run `run`'s header and seal from the documented material with `link` (a plain
// SHA-256 for the forger; the HMAC under the real key for the control).
template <class Link>
void relink(const std::string& db, int run, Link link) {
    const auto h = row(db,
                       "SELECT prev_hash, id, recipe_name, recipe_sha256, software_version, git_revision, instruments, "
                       "operator, started_at FROM runs WHERE id = " + std::to_string(run));
    std::string header = field("edc-run-v2");
    for (const auto& v : h) header += field(v);
    const std::string row_hash = link(header);
    sql(db, "UPDATE runs SET row_hash = '" + row_hash + "' WHERE id = " + std::to_string(run));
    const auto s = row(db,
                       "SELECT seal_prev, row_hash, recipe_text, id, status, ended_at, sample_count, samples_sha256, "
                       "event_count, events_sha256 FROM runs WHERE id = " + std::to_string(run));
    std::string seal = field("edc-seal-v1");
    for (const auto& v : s) seal += field(v);
    sql(db, "UPDATE runs SET seal_hash = '" + link(seal) + "' WHERE id = " + std::to_string(run));
}

class KeyedChain : public CliTest {
protected:
    // `runs` completed runs of three samples each.
    std::string journal_with_runs(int runs) {
        std::string db = file("edc.sqlite");
        auto j = journal::RunJournal::open(db);
        EXPECT_TRUE(j.has_value()) << (j ? "" : j.error().message);
        for (int k = 0; j && k < runs; ++k) {
            const auto id = j->begin_run(journal::test::run_start());
            EXPECT_TRUE(id.has_value()) << (id ? "" : id.error().message);
            if (!id) break;
            const std::vector<journal::JournalSample> rows{journal::test::sample_at(0), journal::test::sample_at(1),
                                                           journal::test::sample_at(2)};
            EXPECT_TRUE(j->append_samples(*id, rows).has_value());
            EXPECT_TRUE(j->end_run(*id, journal::RunStatus::completed).has_value());
        }
        return db;
    }
    // A forged sample of run 1 whose digest, header and seal are then recomputed with `link`.
    template <class Link>
    std::string forged_sample_relinked(Link link) {
        std::string db = journal_with_runs(1);
        sql(db, "UPDATE samples SET current_a = 0.5 WHERE t_s = 0.1");
        sql(db, "UPDATE runs SET samples_sha256 = '" + samples_digest(db, 1) + "' WHERE id = 1");
        relink(db, 1, link);
        return db;
    }
};

TEST_F(KeyedChain, FirstRunCreatesAKeyOnlyItsOwnerCanReadAndKeysItsLinks) {
    const auto db = journal_with_runs(1);
    struct stat st {};
    ASSERT_EQ(::stat(journal_key_file().c_str(), &st), 0) << journal_key_file();
    EXPECT_EQ(st.st_mode & 0777, 0600U);
    EXPECT_EQ(read_journal_key().size(), 32U);
    const auto r = run_cli({"verify", "--db", db, "--json"});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["run_algorithms"][0]["algorithm"], "hmac-sha256") << r.out;
    EXPECT_EQ(j["keyed_chain"], "checked");
    EXPECT_EQ(j["anchor"], "ok");
    const auto text = run_cli({"verify", "--db", db});
    EXPECT_NE(text.out.find("links       hmac-sha256: run 1\n"), std::string::npos) << text.out;
}

TEST_F(KeyedChain, KeyReadableByOthersIsRefusedNamingThePathAndTheFix) {
    const auto db = journal_with_runs(1);
    ASSERT_EQ(::chmod(journal_key_file().c_str(), 0644), 0);
    auto j = journal::RunJournal::open(db);
    ASSERT_TRUE(j.has_value());
    const auto id = j->begin_run(journal::test::run_start());
    ASSERT_FALSE(id.has_value()) << "a run must not begin with a key others can read";
    EXPECT_EQ(id.error().code, "journal_key_insecure");
    EXPECT_NE(id.error().message.find("chmod 600 " + journal_key_file()), std::string::npos) << id.error().message;
    const auto r = run_cli({"verify", "--db", db});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("keyed chain cannot be checked: the journal key " + journal_key_file() + " has mode 0644"),
              std::string::npos)
        << r.err;
}

TEST_F(KeyedChain, ForgedSampleWithItsUnkeyedLinksRecomputedFailsVerify) {
    const auto db = forged_sample_relinked([](const std::string& m) { return sha256_hex(m); });
    const auto r = run_cli({"verify", "--db", db});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("run 1: header"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("seal_hash does not match"), std::string::npos) << r.err;
}

// The control for the test above: the same forgery with the key passes, so only the key failed it.
TEST_F(KeyedChain, TheSameForgeryWithTheKeyWouldPass) {
    const auto db = forged_sample_relinked([](const std::string& m) { return hmac_sha256_hex(read_journal_key(), m); });
    // The anchor holds the seal from before the forgery; without it the forgery is complete.
    ASSERT_EQ(std::filesystem::remove(file("state/edc/anchors/" + row(db, "SELECT value FROM meta")[0])), true);
    const auto r = run_cli({"verify", "--db", db});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
}

TEST_F(KeyedChain, NewestRunRelinkedAsPlainSha256IsADowngrade) {
    const auto db = journal_with_runs(2);
    sql(db, "UPDATE runs SET hash_alg = 'sha256', status = 'aborted' WHERE id = 2");
    relink(db, 2, [](const std::string& m) { return sha256_hex(m); });
    const auto r = run_cli({"verify", "--db", db});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("run 2: linked with plain sha256 after run 1 was keyed"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("links       hmac-sha256: run 1; sha256: run 2\n"), std::string::npos) << r.out;
}

TEST_F(KeyedChain, DeletedNewestRunFailsNamingTheRun) {
    const auto db = journal_with_runs(2);
    sql(db, "DELETE FROM samples WHERE run_id = 2; DELETE FROM events WHERE run_id = 2; DELETE FROM runs WHERE id = 2");
    const auto r = run_cli({"verify", "--db", db, "--json"});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["anchor"], "newest_run_missing");
    ASSERT_EQ(j["chain_errors"].size(), 1U) << r.out;
    EXPECT_EQ(j["chain_errors"][0]["code"], "newest_run_missing");
    EXPECT_EQ(j["chain_errors"][0]["where"], "run 2");
    EXPECT_NE(r.err.find("run 2 was sealed (seal 2"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("the journal ends at run 1 (seal 1)"), std::string::npos) << r.err;

    // A run recorded afterwards takes seal number 2 again: the anchor is not overwritten.
    journal_with_runs(1);
    const auto after = run_cli({"verify", "--db", db});
    EXPECT_EQ(after.code, 1) << after.out << after.err;
    EXPECT_NE(after.err.find("seal 2 differs from the one recorded in the anchor"), std::string::npos) << after.err;
}

TEST_F(KeyedChain, FreshDatabaseAndDatabaseWithoutAnchorVerify) {
    const std::string empty = file("empty.sqlite");
    ASSERT_TRUE(journal::RunJournal::open(empty).has_value());
    const auto fresh = run_cli({"verify", "--db", empty, "--json"});
    EXPECT_EQ(fresh.code, 0) << fresh.out << fresh.err;
    EXPECT_EQ(nlohmann::json::parse(fresh.out)["anchor"], "none");

    const auto db = journal_with_runs(2);
    ::setenv("XDG_STATE_HOME", file("another-state").c_str(), 1);  // as on another machine
    const auto r = run_cli({"verify", "--db", db});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("anchor      none for this journal"), std::string::npos) << r.out;
}

TEST_F(KeyedChain, WrongKeyIsAMismatch) {
    const auto db = journal_with_runs(1);
    std::ofstream(journal_key_file(), std::ios::trunc) << std::string(64, 'a') << '\n';
    const auto r = run_cli({"verify", "--db", db});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("journal_chain_broken"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("seal_hash does not match"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("cannot be checked"), std::string::npos) << r.err;
}

TEST_F(KeyedChain, MissingKeyIsReportedApartFromAMismatch) {
    const auto db = journal_with_runs(1);
    ASSERT_TRUE(std::filesystem::remove(journal_key_file()));
    const auto r = run_cli({"verify", "--db", db, "--json"});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("keyed chain cannot be checked: no key at " + journal_key_file()), std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("journal_chain_broken"), std::string::npos) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["keyed_chain"], "unchecked_no_key");
    EXPECT_EQ(j["chain_ok"], true);
}

// A journal sealed before schema v3 (unkeyed links, no hash_alg column, no journal id) migrates
// and keeps verifying as plain sha256.
TEST_F(KeyedChain, RunsSealedBeforeTheKeyedChainKeepVerifyingAsSha256) {
    const auto db = journal_with_runs(1);
    relink(db, 1, [](const std::string& m) { return sha256_hex(m); });
    sql(db, "ALTER TABLE runs DROP COLUMN resumes_run; ALTER TABLE runs DROP COLUMN hash_alg; DROP TABLE meta; "
            "PRAGMA user_version = 2");
    const auto r = run_cli({"verify", "--db", db});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("links       sha256: run 1\n"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace edc::cli::test
