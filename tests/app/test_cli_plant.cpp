// `--plant FILE`: the simulated cell's truth differs from the recipe. A simulated run journals
// the plant's text and hash; the film is judged against the plant, not the controller's model.
#include <gtest/gtest.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <string>
#include <system_error>

#include "app/journal/run_journal.hpp"
#include "test_cli_support.hpp"

namespace edc::cli::test {
namespace {

class CliPlant : public CliTest {};

std::string example_plant(const std::string& name) {
    return (std::filesystem::path(EDC_SOURCE_DIR) / "recipes" / "examples" / "plants" / name).string();
}

TEST_F(CliPlant, SimulatedRunJournalsThePlantsTextAndHashAndIsJudgedAgainstIt) {
    const std::string db = file("journal.sqlite");
    const std::string text = "[plant]\nselectivity_k = 1.25\n";
    const std::string plant = write_file("k125.toml", text);
    const auto r = run_cli(
        {"run", example_recipe("g-bi033sb067.toml"), "--sim", "--plant", plant, "--speed", "50", "--db", db});
    ASSERT_EQ(r.code, 0) << r.out << r.err;

    auto journal = journal::RunJournal::open(db);
    ASSERT_TRUE(journal) << journal.error().message;
    auto runs = journal->list_runs();
    ASSERT_TRUE(runs);
    ASSERT_EQ(runs->size(), 1U);
    auto events = journal->events(runs->front().id);
    ASSERT_TRUE(events);
    const journal::JournalEvent* found = nullptr;
    for (const auto& e : *events) {
        if (e.code == "plant") found = &e;
    }
    ASSERT_NE(found, nullptr);
    // The hash from coreutils: printf '[plant]\nselectivity_k = 1.25\n' | sha256sum
    EXPECT_EQ(found->message,
              plant + " sha256 8fa32b31ccd8d1bd6a61dd09a4fb7b039196a7b7a2f8ae4dde5458f18e56dbf3\n" + text);

    // k 25 % above the recipe's: the deposited film is several at.% off its target.
    const auto at = r.out.find("deposited vs target ");
    ASSERT_NE(at, std::string::npos) << r.out;
    double rms = 0.0;
    const char* begin = r.out.data() + at + 20;
    ASSERT_EQ(std::from_chars(begin, r.out.data() + r.out.size(), rms).ec, std::errc{}) << r.out;
    EXPECT_GT(rms, 3.0) << r.out;
}

TEST_F(CliPlant, PlantNeedsSim) {
    const auto r = run_cli({"run", example_recipe("g-bi033sb067.toml"), "--plant",
                            example_plant("k-plus-25.toml"), "--db", file("j.sqlite")});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("--plant needs --sim"), std::string::npos) << r.err;
}

TEST_F(CliPlant, InvalidPlantFileIsReportedWithItsPositionAndExit2) {
    const std::string bad = write_file("bad.toml", "[plant]\nselectivity_k = 1.2\nefficiency = 0.7\n");
    const auto r = run_cli(
        {"run", example_recipe("g-bi033sb067.toml"), "--sim", "--plant", bad, "--db", file("j.sqlite")});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find(bad + ":3:1: unknown key \"efficiency\" in [plant]"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace edc::cli::test
