// Issue 6 check (4): the documented exit codes of `edc run --sim` when a run faults (4, for
// every simulator fault kind) or is aborted by SIGTERM (5), and of `edc plan` for malformed
// recipes (2), with the journal left in the matching state. Needs the edc binary (app/cli):
// skipped with the reason when it has not been built.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "app/journal/run_journal.hpp"
#include "edc_process.hpp"
#include "run_fixture.hpp"
#include "edc/test_source_dir.hpp"

using namespace edc;
using namespace edc::testing;
using namespace std::chrono_literals;

namespace {

constexpr int exit_invalid_recipe = 2;  // app/cli/cli.hpp exit_code
constexpr int exit_run_faulted = 4;
constexpr int exit_run_aborted = 5;

std::string require_edc() {
    const auto bin = edc_binary();
    if (!bin) return {};
    return *bin;
}

std::optional<journal::RunRecord> only_run(const std::filesystem::path& db) {
    auto j = journal::RunJournal::open(db.string());
    if (!j) return std::nullopt;
    auto runs = j->list_runs();
    if (!runs || runs->size() != 1) return std::nullopt;
    return runs->front();
}

void expect_fault_exit(const std::string& fault, const std::string& cause_word) {
    const auto bin = require_edc();
    if (bin.empty()) GTEST_SKIP() << "edc binary not built (build target edc, or set EDC_BIN)";
    const auto db = temp_db("cli-fault");
    // On virtual time (--virtual): the exit code and the journal do not depend on the machine's load.
    EdcProcess p(bin, {"run", example("g-bi033sb067.toml"), "--sim", "--speed", "20", "--virtual", "--db",
                       db.string(), "--operator", "ci", "--fault", fault});
    ASSERT_TRUE(p.started());
    ASSERT_TRUE(p.wait(150s)) << "edc run did not finish\n" << p.output();
    ASSERT_TRUE(p.exit_code().has_value()) << p.output();
    EXPECT_EQ(*p.exit_code(), exit_run_faulted) << p.output();
    EXPECT_NE(p.output().find(cause_word), std::string::npos) << p.output();
    const auto run = only_run(db);
    ASSERT_TRUE(run.has_value());
    EXPECT_EQ(run->status, journal::RunStatus::faulted);
}

}  // namespace

struct CliFault {
    const char* name;
    const char* fault;
    const char* cause_word;  // in edc's output
};
void PrintTo(const CliFault& c, std::ostream* os) { *os << c.fault; }

class FaultCliExit : public ::testing::TestWithParam<CliFault> {};

TEST_P(FaultCliExit, FaultedRunExitsWithCode4) { expect_fault_exit(GetParam().fault, GetParam().cause_word); }

INSTANTIATE_TEST_SUITE_P(
    SimFaults, FaultCliExit,
    ::testing::Values(CliFault{"galvanostat_timeout", "galvanostat-timeout@60", "galvanostat_timeout"},
                      CliFault{"galvanostat_disconnect", "galvanostat-disconnect@60", "galvanostat_disconnected"},
                      CliFault{"galvanostat_garbage", "galvanostat-garbage@60", "galvanostat_bad_reply"},
                      CliFault{"galvanostat_scpi_error", "galvanostat-scpi-error@60", "810"},
                      CliFault{"compliance_trip", "compliance-trip@60", "compliance"},
                      CliFault{"pump_timeout", "pump-timeout@60", "pump_timeout"},
                      CliFault{"pump_disconnect", "pump-disconnect@60", "pump_disconnected"},
                      CliFault{"pump_stall", "pump-stall@60", "alarm S"},
                      CliFault{"pump_alarm", "pump-alarm@60", "alarm R"},
                      CliFault{"syringe_empty", "syringe-empty@60", "alarm S"}),
    [](const ::testing::TestParamInfo<CliFault>& i) { return std::string(i.param.name); });

TEST(FaultCli, SigtermMidDepositionAbortsToSafeStateAndExitsAborted) {
    const auto bin = require_edc();
    if (bin.empty()) GTEST_SKIP() << "edc binary not built (build target edc, or set EDC_BIN)";
    const auto db = temp_db("cli-sigterm");
    // A service stop at run time 60 s, mid-deposition: the process sends itself SIGTERM on the
    // run's virtual clock (--signal), through the CLI's own handler.
    EdcProcess p(bin, {"run", example("g-bi033sb067.toml"), "--sim", "--virtual", "--db", db.string(),
                       "--operator", "ci", "--signal", "TERM@60"});
    ASSERT_TRUE(p.started());
    ASSERT_TRUE(p.wait(120s)) << "edc did not exit after SIGTERM\n" << p.output();
    ASSERT_TRUE(p.exit_code().has_value()) << "killed by signal " << p.term_signal().value_or(0);
    EXPECT_EQ(*p.exit_code(), exit_run_aborted) << p.output();
    EXPECT_NE(p.output().find("SIGTERM"), std::string::npos) << p.output();
    EXPECT_NE(p.output().find("safe_state"), std::string::npos) << p.output();
    const auto run = only_run(db);
    ASSERT_TRUE(run.has_value());
    EXPECT_EQ(run->status, journal::RunStatus::aborted);
    auto j = journal::RunJournal::open(db.string());
    ASSERT_TRUE(j);
    auto events = j->events(run->id);
    ASSERT_TRUE(events);
    bool confirmed = false;
    for (const auto& e : *events) {
        confirmed = confirmed || (e.code == "sim_safe_state" && e.message.find("output off") != std::string::npos &&
                                  e.message.find("pump stopped") != std::string::npos);
    }
    EXPECT_TRUE(confirmed) << "the simulator did not see output off and pump stopped";
}

TEST(FaultCli, MalformedRecipesExitWithInvalidRecipeCode) {
    const auto bin = require_edc();
    if (bin.empty()) GTEST_SKIP() << "edc binary not built (build target edc, or set EDC_BIN)";
    const auto dir = std::filesystem::path(EDC_SOURCE_DIR) / "tests" / "recipes" / "malformed";
    int tried = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        ++tried;
        EdcProcess p(bin, {"plan", e.path().string()});
        ASSERT_TRUE(p.wait(20s)) << e.path() << ": edc plan hung";
        ASSERT_TRUE(p.exit_code().has_value()) << e.path() << ": killed by signal " << p.term_signal().value_or(0);
        EXPECT_EQ(*p.exit_code(), exit_invalid_recipe) << e.path() << "\n" << p.output();
        EXPECT_NE(p.output().find(e.path().filename().string()), std::string::npos)
            << "the error should name the file\n" << p.output();
    }
    EXPECT_GE(tried, 40);
}
