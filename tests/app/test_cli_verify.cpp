// edc verify: an intact journal passes; a run record edited behind edc's back is caught.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli/cli.hpp"
#include "app/journal/run_journal.hpp"

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
