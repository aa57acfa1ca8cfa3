// `--json` means JSON: every command prints exactly one JSON object on stdout, also when it fails
// ({"errors":[{"code","file","line","column","message"}]}), with the exit codes of the plain
// output (issue 11, defect 8).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_cli_support.hpp"

namespace edc::cli::test {
namespace {

using nlohmann::json;

class CliJsonErrors : public CliTest {
protected:
    // The whole of stdout is one JSON object with a non-empty "errors" list; returns the list.
    static json errors_of(const CliResult& r) {
        json j;
        try {
            j = json::parse(r.out);
        } catch (const json::parse_error& e) {
            ADD_FAILURE() << "stdout is not one JSON object (" << e.what() << "): '" << r.out << "'";
            return json::array();
        }
        EXPECT_TRUE(j.is_object()) << r.out;
        EXPECT_TRUE(j.contains("errors")) << r.out;
        json list = j.value("errors", json::array());
        EXPECT_FALSE(list.empty()) << r.out;
        for (const auto& e : list) {
            EXPECT_TRUE(e.contains("code")) << e;
            EXPECT_TRUE(e.contains("message")) << e;
        }
        return list;
    }
};

TEST_F(CliJsonErrors, PlanOfAnInvalidRecipeGivesFileLineAndColumnAndExits2) {
    // Line 41 of the example is `duration = "200 s"`; the typo starts in column 1.
    const auto recipe = graded_recipe_with("typo.toml", "duration", "duraton = \"200 s\"");
    const auto r = run_cli({"plan", recipe, "--json"});
    EXPECT_EQ(r.code, 2);
    const json errors = errors_of(r);
    ASSERT_EQ(errors.size(), 1U) << r.out;
    EXPECT_EQ(errors[0]["code"], "invalid_recipe");
    EXPECT_EQ(errors[0]["file"], recipe);
    EXPECT_EQ(errors[0]["line"], 41);
    EXPECT_EQ(errors[0]["column"], 1);
    EXPECT_NE(errors[0]["message"].get<std::string>().find("duraton"), std::string::npos);
    EXPECT_NE(r.err.find(recipe + ":41:1:"), std::string::npos) << "the person still reads it on stderr";
}

TEST_F(CliJsonErrors, PlanOfAMissingFileNamesItAndExits2) {
    const auto r = run_cli({"plan", file("absent.toml"), "--json"});
    EXPECT_EQ(r.code, 2);
    const json errors = errors_of(r);
    ASSERT_FALSE(errors.empty());
    EXPECT_NE(errors[0].dump().find("absent.toml"), std::string::npos) << errors;
}

// --chemistry FILE that cannot be read: the file and the reason, not "edc exited with code 2".
TEST_F(CliJsonErrors, UnreadableChemistryFileIsNamedWithTheReason) {
    const auto recipe = example_recipe("g-bi033sb067.toml");
    const auto absent = file("absent-chemistry.toml");
    for (const std::string command : {"plan", "simulate"}) {
        const auto r = run_cli({command, recipe, "--chemistry", absent, "--json"});
        EXPECT_EQ(r.code, 2) << command;
        const json errors = errors_of(r);
        ASSERT_EQ(errors.size(), 1U) << command << ": " << errors;
        EXPECT_EQ(errors[0].at("code"), "chemistry_file_unreadable") << errors;
        EXPECT_EQ(errors[0].at("where"), absent) << errors;
        EXPECT_NE(errors[0].at("message").get<std::string>().find("cannot open the chemistry file: "),
                  std::string::npos)
            << errors;
    }
    const auto dir = file("a-directory");
    std::filesystem::create_directory(dir);
    const json errors = errors_of(run_cli({"plan", recipe, "--chemistry", dir, "--json"}));
    ASSERT_FALSE(errors.empty());
    EXPECT_EQ(errors[0].value("where", ""), dir) << errors;
    EXPECT_NE(errors[0].at("message").get<std::string>().find("not a regular file"), std::string::npos)
        << errors;
    const auto bad = write_file("bad-chemistry.toml", "[chemistry]\nselectivity_k = -1\n");
    const json invalid = errors_of(run_cli({"plan", recipe, "--chemistry", bad, "--json"}));
    ASSERT_FALSE(invalid.empty());
    EXPECT_EQ(invalid[0].value("file", ""), bad) << invalid;
    EXPECT_EQ(invalid[0].value("line", 0), 2) << invalid;
}

TEST_F(CliJsonErrors, UsageErrorsAreJsonToo) {
    const auto missing = run_cli({"plan", "--json"});
    EXPECT_EQ(missing.code, 1);
    EXPECT_EQ(errors_of(missing)[0]["code"], "usage");

    const auto unknown = run_cli({"plan", example_recipe("g-bi033sb067.toml"), "--json", "--bogus"});
    EXPECT_EQ(unknown.code, 1);
    EXPECT_EQ(errors_of(unknown)[0]["code"], "usage");
}

TEST_F(CliJsonErrors, SimulateOfAnInvalidRecipeExits2) {
    const auto recipe = graded_recipe_with("typo.toml", "duration", "duraton = \"200 s\"");
    const auto r = run_cli({"simulate", recipe, "--json"});
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(errors_of(r)[0]["line"], 41);

    const auto bad_feed =
        run_cli({"simulate", example_recipe("g-bi033sb067.toml"), "--feed", "manual", "--json"});
    EXPECT_EQ(bad_feed.code, 1);
    EXPECT_EQ(errors_of(bad_feed)[0]["code"], "usage");
}

TEST_F(CliJsonErrors, ShowRunsAndExportOfAnAbsentJournalOrRunAreJson) {
    const std::string db = file("none.sqlite");
    const auto shown = run_cli({"show", "7", "--db", db, "--json"});
    EXPECT_EQ(shown.code, 1);
    errors_of(shown);

    const auto exported = run_cli({"export", "7", "--json", "--db", db});
    EXPECT_EQ(exported.code, 1);
    errors_of(exported);

    const auto both = run_cli({"export", "7", "--json", "--csv", "--db", db});
    EXPECT_EQ(both.code, 1);
    EXPECT_EQ(errors_of(both)[0]["code"], "usage");

    const auto runs = run_cli({"runs", "extra", "--json", "--db", db});
    EXPECT_EQ(runs.code, 1);
    EXPECT_EQ(errors_of(runs)[0]["code"], "usage");
}

TEST_F(CliJsonErrors, SuccessStillPrintsTheCommandsOwnJson) {
    const auto r = run_cli({"plan", example_recipe("g-bi033sb067.toml"), "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const json j = json::parse(r.out);
    EXPECT_FALSE(j.contains("errors"));
}

}  // namespace
}  // namespace edc::cli::test
