// edc-sim --link-dir: the simulated instruments get stable names a recipe can hold across
// simulator restarts (issue 13, item 1). The links reach the instruments through the real
// drivers (`edc devices --probe`), a second edc-sim takes the names over, and each removes only
// its own links on exit. Real pseudo-terminals and processes: label `realtime`.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "edc_process.hpp"
#include "run_fixture.hpp"

using namespace edc::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::optional<std::string> edc_sim_binary() {
    const auto edc = edc_binary();
    if (!edc) return std::nullopt;
    const auto sim = fs::path(*edc).parent_path().parent_path() / "sim" / "edc-sim";
    if (!fs::exists(sim)) return std::nullopt;
    return sim.string();
}

// Waits until edc-sim has printed its links (it prints them once its instruments listen).
bool links_printed(EdcProcess& sim) {
    const auto until = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < until) {
        if (sim.poll()) return false;
        if (sim.output().find("link pump ") != std::string::npos) return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

nlohmann::json probe(const std::string& edc, const std::vector<std::string>& ports) {
    std::vector<std::string> args{"devices", "--probe", "--json"};
    args.insert(args.end(), ports.begin(), ports.end());
    EdcProcess p(edc, args);
    if (!p.wait(60s) || p.exit_code().value_or(-1) != 0) return nullptr;
    const auto& out = p.output();
    const auto start = out.find('[');
    return start == std::string::npos ? nlohmann::json()
                                      : nlohmann::json::parse(out.substr(start), nullptr, false);
}

}  // namespace

TEST(EdcSimLinks, StableNamesReachTheInstrumentsAndAreRemovedOnExit) {
    const auto edc = edc_binary();
    const auto sim_bin = edc_sim_binary();
    if (!edc || !sim_bin) GTEST_SKIP() << "edc or edc-sim not built";
    const fs::path dir = temp_db("sim-links").parent_path() / "links";
    const std::string galvanostat = (dir / "galvanostat").string();
    const std::string pump = (dir / "pump").string();

    EdcProcess first(*sim_bin, {"--link-dir", dir.string(), "--no-link-delays"});
    ASSERT_TRUE(first.started());
    ASSERT_TRUE(links_printed(first)) << first.output();
    ASSERT_TRUE(fs::is_symlink(galvanostat));
    ASSERT_TRUE(fs::is_symlink(pump));
    const auto first_pump_pty = fs::read_symlink(pump);
    EXPECT_NE(first.output().find("pump ne-1000 " + first_pump_pty.string()), std::string::npos)
        << first.output();

    const auto found = probe(*edc, {galvanostat, pump});
    ASSERT_TRUE(found.is_array() && found.size() == 2U) << found.dump();
    EXPECT_EQ(found.at(0).at("probe").at("instrument"), "keithley-2400") << found.dump();
    EXPECT_EQ(found.at(1).at("probe").at("instrument"), "ne-1000") << found.dump();

    // A second simulator takes the names over; when the first exits it leaves them alone.
    EdcProcess second(*sim_bin, {"--link-dir", dir.string(), "--no-link-delays", "--pump", "harvard-elite"});
    ASSERT_TRUE(second.started());
    ASSERT_TRUE(links_printed(second)) << second.output();
    EXPECT_NE(fs::read_symlink(pump), first_pump_pty);
    first.kill(SIGTERM);
    ASSERT_TRUE(first.wait(30s)) << first.output();
    EXPECT_NE(first.output().find("summary pump"), std::string::npos) << first.output();
    ASSERT_TRUE(fs::is_symlink(pump)) << "the first edc-sim removed the second's link";
    const auto elite = probe(*edc, {pump});
    ASSERT_TRUE(elite.is_array() && elite.size() == 1U) << elite.dump();
    EXPECT_EQ(elite.at(0).at("probe").at("instrument"), "harvard-elite") << elite.dump();

    second.kill(SIGTERM);
    ASSERT_TRUE(second.wait(30s)) << second.output();
    EXPECT_FALSE(fs::exists(fs::symlink_status(pump))) << "links outlived their simulator";
    EXPECT_FALSE(fs::exists(fs::symlink_status(galvanostat)));
}

TEST(EdcSimLinks, AnUnusableLinkDirIsAClearErrorAndNoSimulatorIsLeftRunning) {
    const auto sim_bin = edc_sim_binary();
    if (!sim_bin) GTEST_SKIP() << "edc-sim not built";
    const fs::path file = temp_db("sim-links-file");
    {
        std::FILE* f = std::fopen(file.c_str(), "w");
        ASSERT_NE(f, nullptr);
        std::fclose(f);
    }
    EdcProcess sim(*sim_bin, {"--link-dir", file.string(), "--no-link-delays"});
    ASSERT_TRUE(sim.wait(30s)) << sim.output();
    EXPECT_EQ(sim.exit_code().value_or(-1), 2) << sim.output();
    EXPECT_NE(sim.output().find("--link-dir"), std::string::npos) << sim.output();
    EXPECT_NE(sim.output().find(file.string()), std::string::npos) << sim.output();
}
