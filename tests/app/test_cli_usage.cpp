// Usage of `edc`: exit 1 and a message naming the option for anything malformed, --help on
// every subcommand, --version; and the option parser itself.
#include <gtest/gtest.h>

#include <array>

#include "app/cli/arg_parser.hpp"
#include "edc/version.hpp"
#include "test_cli_support.hpp"

namespace edc::cli::test {
namespace {

class CliUsage : public CliTest {};

TEST_F(CliUsage, NoArgumentsIsUsageError) {
    const auto r = run_cli({});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("Usage: edc"), std::string::npos);
}

TEST_F(CliUsage, VersionPrintsVersionAndRevision) {
    const auto r = run_cli({"--version"});
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find(std::string("edc ") + edc::version), std::string::npos);
    EXPECT_NE(r.out.find(edc::git_revision), std::string::npos);
}

TEST_F(CliUsage, EverySubcommandHasHelp) {
    for (const char* cmd : {"plan", "simulate", "run", "runs", "show", "compare", "export", "devices"}) {
        const auto r = run_cli({cmd, "--help"});
        EXPECT_EQ(r.code, 0) << cmd;
        EXPECT_EQ(r.out.rfind(std::string("Usage: edc ") + cmd, 0), 0U) << cmd << ": " << r.out;
        const auto h = run_cli({cmd, "-h"});
        EXPECT_EQ(h.out, r.out) << cmd;
    }
}

TEST_F(CliUsage, UnknownCommandNamesIt) {
    const auto r = run_cli({"deposit"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("'deposit'"), std::string::npos);
}

TEST_F(CliUsage, UnknownOptionNamesIt) {
    const auto r = run_cli({"plan", example_recipe("g-bi033sb067.toml"), "--jsn"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("'--jsn'"), std::string::npos);
    EXPECT_TRUE(r.out.empty());
}

TEST_F(CliUsage, MissingValueNamesTheOption) {
    const auto r = run_cli({"runs", "--db"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("'--db' needs a value"), std::string::npos);
}

TEST_F(CliUsage, MissingRecipeIsUsageError) {
    const auto r = run_cli({"plan"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("RECIPE"), std::string::npos);
}

TEST_F(CliUsage, ExportNeedsExactlyOneFormat) {
    EXPECT_EQ(run_cli({"export", "1", "--db", file("j.sqlite")}).code, 1);
    EXPECT_EQ(run_cli({"export", "1", "--csv", "--json", "--db", file("j.sqlite")}).code, 1);
}

TEST_F(CliUsage, RunSimulationOptionsNeedSim) {
    const auto recipe = example_recipe("g-bi033sb067.toml");
    auto r = run_cli({"run", recipe, "--speed", "10"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("--sim"), std::string::npos);
    r = run_cli({"run", recipe, "--fault", "pump-stall@10"});
    EXPECT_EQ(r.code, 1);
    r = run_cli({"run", recipe, "--sim", "--speed", "fast"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("'fast'"), std::string::npos);
    r = run_cli({"run", recipe, "--sim", "--speed", "0"});
    EXPECT_EQ(r.code, 1);
    r = run_cli({"run", recipe, "--sim", "--fault", "pump-explodes@10"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("pump-explodes"), std::string::npos);
    // --signal: only a simulated run sends itself a signal, and only INT, TERM or KILL at a
    // run time that is a non-negative number.
    r = run_cli({"run", recipe, "--signal", "TERM@10"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("--signal needs --sim"), std::string::npos) << r.err;
    for (const char* bad : {"HUP@10", "TERM", "TERM@soon", "KILL@-1", "@10"}) {
        r = run_cli({"run", recipe, "--sim", "--signal", bad});
        EXPECT_EQ(r.code, 1) << bad;
        EXPECT_NE(r.err.find("--signal"), std::string::npos) << bad << ": " << r.err;
    }
}

TEST_F(CliUsage, RunRefusesInvalidAndInfeasibleRecipesBeforeStarting) {
    const auto typo = graded_recipe_with("typo.toml", "duration", "duraton = \"200 s\"");
    EXPECT_EQ(run_cli({"run", typo, "--sim", "--db", file("j.sqlite")}).code, 2);
    const auto rising = graded_recipe_with("rising.toml", "profile", "profile = [[0.0, 0.16], [1.0, 0.50]]");
    const auto r = run_cli({"run", rising, "--sim", "--db", file("j.sqlite")});
    EXPECT_EQ(r.code, 3);
    EXPECT_NE(r.err.find("profile_increases"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(file("j.sqlite")));  // nothing was journaled
}

TEST_F(CliUsage, HelpCommandDescribesCommands) {
    EXPECT_EQ(run_cli({"help"}).code, 0);
    const auto r = run_cli({"help", "export"});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out.rfind("Usage: edc export", 0), 0U);
}

TEST_F(CliUsage, VerboseLogsDebugToStderrAndTheLogFile) {
    const auto quiet = run_cli({"plan", example_recipe("g-bi033sb067.toml")});
    EXPECT_EQ(quiet.code, 0);
    EXPECT_TRUE(quiet.err.empty()) << quiet.err;
    const auto loud = run_cli({"-v", "plan", example_recipe("g-bi033sb067.toml")});
    EXPECT_EQ(loud.code, 0);
    EXPECT_NE(loud.err.find("edc: debug:"), std::string::npos) << loud.err;
    const std::string log = read_text(file("state/edc/edc.log"));
    EXPECT_NE(log.find("debug: edc "), std::string::npos) << log;
}

TEST_F(CliUsage, UnwritableLogDirectoryDoesNotStopACommand) {
    write_file("not-a-dir", "x");
    ::setenv("XDG_STATE_HOME", file("not-a-dir").c_str(), 1);  // edc/edc.log cannot be made under a file
    const auto r = run_cli({"-v", "plan", example_recipe("g-bi033sb067.toml"), "--json"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("no log file"), std::string::npos) << r.err;
}

TEST(CliArgParser, ParsesValuesFlagsRepeatsAndDoubleDash) {
    constexpr std::array spec{OptionSpec{"--json", "", false, false},
                              OptionSpec{"--output", "-o", true, false},
                              OptionSpec{"--fault", "", true, true}};
    const std::vector<std::string> args{"--fault", "a@1", "x",  "--output=f.csv", "--json",
                                        "--fault", "b@2", "--", "--not-an-option"};
    const auto p = parse_args(args, spec, "t");
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_TRUE(p->has("--json"));
    EXPECT_EQ(p->value("--output"), "f.csv");
    EXPECT_EQ(p->values("--fault"), (std::vector<std::string>{"a@1", "b@2"}));
    EXPECT_EQ(p->positional, (std::vector<std::string>{"x", "--not-an-option"}));

    const std::vector<std::string> short_form{"-o", "g.csv"};
    EXPECT_EQ(parse_args(short_form, spec, "t")->value("--output"), "g.csv");
}

TEST(CliArgParser, RejectsRepeatedSingleOptionAndValueOnFlag) {
    constexpr std::array spec{OptionSpec{"--json", "", false, false}, OptionSpec{"--db", "", true, false}};
    const std::vector<std::string> twice{"--db", "a", "--db", "b"};
    EXPECT_FALSE(parse_args(twice, spec, "t"));
    const std::vector<std::string> flag_value{"--json=yes"};
    const auto r = parse_args(flag_value, spec, "t");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("--json"), std::string::npos);
}

TEST(CliArgParser, NumbersMustBeWholeAndFinite) {
    EXPECT_EQ(parse_number("--speed", "12.5").value(), 12.5);
    EXPECT_FALSE(parse_number("--speed", "12x"));
    EXPECT_FALSE(parse_number("--speed", ""));
    EXPECT_FALSE(parse_number("--speed", "inf"));
}

}  // namespace
}  // namespace edc::cli::test
