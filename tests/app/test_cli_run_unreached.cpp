// A run that never reached its instruments says what happened (nothing opened, nothing
// energised) and claims neither a confirmed safe state nor deposited quantities (issue 11,
// defect 4).
#include <gtest/gtest.h>

#include <string>

#include "app/journal/run_journal.hpp"
#include "test_cli_support.hpp"

namespace edc::cli::test {
namespace {

class CliRunUnreached : public CliTest {};

TEST_F(CliRunUnreached, RunWithoutInstrumentsFaultsWithoutClaimingASafeStateOrADeposit) {
    // Both ports (the galvanostat's replaced here, the pump's /dev/edc-pump) do not exist here.
    const auto recipe =
        graded_recipe_with("unreachable.toml", "port", "port = \"" + file("no-such-tty") + "\"");
    const std::string db = file("journal.sqlite");
    const auto r = run_cli({"run", recipe, "--db", db, "--operator", "ci"});
    EXPECT_EQ(r.code, 4) << r.out << r.err;
    EXPECT_NE(r.out.find("nothing was opened, nothing was energised"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("confirmed"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("mean x_Bi"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("thickness"), std::string::npos) << r.out;

    // The journal says the same: no safe state claimed.
    auto journal = journal::RunJournal::open(db);
    ASSERT_TRUE(journal) << journal.error().message;
    auto runs = journal->list_runs();
    ASSERT_TRUE(runs);
    ASSERT_EQ(runs->size(), 1U);
    EXPECT_EQ(runs->front().status, journal::RunStatus::faulted);
    auto events = journal->events(runs->front().id);
    ASSERT_TRUE(events);
    for (const auto& e : *events) {
        if (e.code == "safe_state") {
            EXPECT_EQ(e.message.find("output off"), std::string::npos) << e.message;
        }
    }
}

}  // namespace
}  // namespace edc::cli::test
