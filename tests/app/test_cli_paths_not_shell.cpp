// Issue 6, security: file paths from recipes or the command line are used as file names and
// never handed to a shell. Every path here would run `touch` if anything passed it to sh -c.
#include <unistd.h>

#include <filesystem>

#include "tests/app/test_cli_support.hpp"

namespace {
using edc::cli::test::CliTest;
using edc::cli::test::example_recipe;
using edc::cli::test::read_text;
using edc::cli::test::run_cli;
namespace fs = std::filesystem;

class CliPathsNotShell : public CliTest {
protected:
    void SetUp() override {
        CliTest::SetUp();
        old_cwd_ = fs::current_path();
        fs::current_path(dir_);  // a `touch` run by a shell would land here
    }
    void TearDown() override {
        fs::current_path(old_cwd_);
        CliTest::TearDown();
    }
    [[nodiscard]] bool shell_ran() const {
        for (const auto& e : fs::recursive_directory_iterator(dir_))
            if (e.path().filename().string().starts_with("PWNED")) return true;
        return false;
    }
    fs::path old_cwd_;
};

TEST_F(CliPathsNotShell, RecipeJournalAndExportPathsWithShellSyntaxAreJustFileNames) {
    const fs::path odd_dir = dir_ / "a;$(touch PWNED1)`touch PWNED2`";
    fs::create_directories(odd_dir);
    const std::string recipe = (odd_dir / "r $(touch PWNED3);|touch PWNED4.toml").string();
    fs::copy_file(example_recipe("g-bi033sb067.toml"), recipe);
    const std::string db = (odd_dir / "j'$(touch PWNED5)'.sqlite").string();
    const std::string csv = (odd_dir / "x\"; touch PWNED6; \".csv").string();

    const auto plan = run_cli({"plan", recipe, "--json"});
    EXPECT_EQ(plan.code, 0) << plan.err;
    const auto run = run_cli({"run", recipe, "--sim", "--virtual", "--db", db});
    EXPECT_EQ(run.code, 0) << run.err;
    const auto exported = run_cli({"export", "last", "--csv", "--db", db, "-o", csv});
    EXPECT_EQ(exported.code, 0) << exported.err;

    EXPECT_TRUE(fs::exists(db));
    EXPECT_GT(read_text(csv).size(), 1000U);  // the samples landed in the file with that name
    EXPECT_FALSE(shell_ran());
}

TEST_F(CliPathsNotShell, MissingRecipeWithShellSyntaxIsNamedVerbatimInTheError) {
    const std::string recipe = (dir_ / "$(touch PWNED7).toml").string();
    const auto r = run_cli({"plan", recipe});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("$(touch PWNED7).toml"), std::string::npos) << r.err;
    EXPECT_FALSE(shell_ran());
}
}  // namespace
