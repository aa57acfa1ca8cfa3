// A whole simulated `edc run` with the process in a decimal-comma locale (de_DE.UTF-8), as on a
// German bench: the instruments still see "5.7E-03", the run completes, and the CSV export and the
// journal's messages carry decimal points (issue 11, defect 5).
#include <gtest/gtest.h>

#include <charconv>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

#include "app/journal/run_journal.hpp"
#include "test_cli_support.hpp"
#include "tests/support/decimal_comma_locale.hpp"

namespace edc::cli::test {
namespace {

class CliDecimalComma : public CliTest {};

bool is_number(std::string_view field) {
    double v = 0.0;
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
    return !field.empty() && ec == std::errc{} && end == field.data() + field.size();
}

TEST_F(CliDecimalComma, SimulatedRunUnderGermanLocaleCompletesAndWritesDecimalPoints) {
    if (!edc::test_support::decimal_comma_locale_installed())
        GTEST_SKIP() << edc::test_support::decimal_comma_locale_name << " is not installed (run .ci/setup)";
    const std::string db = file("journal.sqlite");
    const std::string csv = file("samples.csv");
    CliResult r;
    CliResult exported;
    {
        const edc::test_support::DecimalCommaLocale german;
        ASSERT_TRUE(german.active());
        r = run_cli({"run", example_recipe("g-bi033sb067.toml"), "--sim", "--virtual", "--db", db,
                     "--operator", "ci"});
        exported = run_cli({"export", "last", "--csv", "--db", db, "-o", csv});
    }
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("completed"), std::string::npos) << r.out;
    ASSERT_EQ(exported.code, 0) << exported.err;

    // Every CSV row: nine fields, each a number with a decimal point (a comma would add fields).
    std::istringstream rows(read_text(csv));
    std::string line;
    ASSERT_TRUE(std::getline(rows, line));  // header
    int count = 0;
    for (; std::getline(rows, line); ++count) {
        std::istringstream fields(line);
        int n = 0;
        for (std::string f; std::getline(fields, f, ','); ++n) EXPECT_TRUE(is_number(f)) << line;
        ASSERT_EQ(n, 9) << line;
    }
    EXPECT_GT(count, 100);

    // The journaled messages that carry numbers read the same on every bench.
    auto journal = journal::RunJournal::open(db);
    ASSERT_TRUE(journal) << journal.error().message;
    auto runs = journal->list_runs();
    ASSERT_TRUE(runs);
    ASSERT_EQ(runs->size(), 1U);
    EXPECT_EQ(runs->front().status, journal::RunStatus::completed);
    auto events = journal->events(runs->front().id);
    ASSERT_TRUE(events);
    bool saw_rate_unit = false;
    for (const auto& e : *events) {
        if (e.code != "pump_rate_unit") continue;
        saw_rate_unit = true;
        EXPECT_EQ(e.message.find(','), std::string::npos) << e.message;
    }
    EXPECT_TRUE(saw_rate_unit);
}

}  // namespace
}  // namespace edc::cli::test
