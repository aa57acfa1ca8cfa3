// edc-sim --link-dir: the simulated instruments get stable names a recipe can hold across
// simulator restarts (issue 13, item 1). The links reach the instruments through the real
// drivers (`edc devices --probe`), a second edc-sim takes the names over, and each removes only
// its own links on exit. Real pseudo-terminals and processes: label `realtime`.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "drivers/sim/sim_state_file.hpp"
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

// Waits until edc-sim has printed `what` (its start-up lines come once its instruments listen).
bool printed(EdcProcess& sim, const std::string& what) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < until) {
        if (sim.poll()) return false;
        if (sim.output().find(what) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

// Waits until edc-sim has printed its links (it prints them once its instruments listen).
bool links_printed(EdcProcess& sim) {
    return printed(sim, "link pump ");
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

// edc-sim --state (issue 13): a simulator stopped and started again keeps bath and film. The
// file starts with a cell mid-deposition (two layers, output on at 5 mA); each edc-sim grows
// the film for however long it ran and leaves the layers it found untouched.
TEST(EdcSimState, ARestartedSimulatorKeepsBathAndFilm) {
    const auto sim_bin = edc_sim_binary();
    if (!sim_bin) GTEST_SKIP() << "edc-sim not built";
    const fs::path state = temp_db("sim-state").parent_path() / "state.json";
    edc::sim::SimState start;
    start.sim_time_s = 100.0;
    start.cell.bath.volume = 20e-6;
    start.cell.bath.bulk_bi = 50.0;
    start.cell.bath.bulk_sb = 50.0;
    start.cell.bath.electrode_bi = 50.0;
    start.cell.bath.electrode_sb = 50.0;
    start.cell.charge_c = 0.5;
    start.cell.layers = {{4.4e-9, 0.5, 1.01e-9, 0.0017}, {4.5e-9, 0.4321, 1.02e-9, 0.00175}};
    start.galvanostat_model = "keithley-2400";
    edc::sim::KeithleyState k;
    k.output_on = true;
    k.output_ever_on = true;
    k.source_current = true;
    k.level_a = -0.005;
    start.galvanostat = k;
    ASSERT_TRUE(edc::sim::save_sim_state(state, start));

    std::vector<edc::sim::SimState> after;
    for (int i = 0; i < 2; ++i) {
        EdcProcess sim(*sim_bin, {"--state", state.string(), "--no-link-delays", "--speed", "50"});
        ASSERT_TRUE(sim.started());
        ASSERT_TRUE(printed(sim, "state " + state.string())) << sim.output();
        sim.kill(SIGTERM);
        ASSERT_TRUE(sim.wait(std::chrono::seconds(30))) << sim.output();
        EXPECT_EQ(sim.exit_code().value_or(-1), 0) << sim.output();
        auto loaded = edc::sim::load_sim_state(state);
        ASSERT_TRUE(loaded) << loaded.error().message;
        after.push_back(*loaded);
    }
    for (std::size_t i = 0; i < after.size(); ++i) {
        const auto& before = i == 0 ? start : after[i - 1];
        const auto& now = after[i];
        EXPECT_GE(now.sim_time_s, before.sim_time_s) << "restart " << i;
        EXPECT_GE(now.cell.charge_c, before.cell.charge_c) << "restart " << i;
        ASSERT_GE(now.cell.layers.size(), before.cell.layers.size()) << "restart " << i;
        for (std::size_t l = 0; l < before.cell.layers.size(); ++l) {
            EXPECT_EQ(now.cell.layers[l].x_bi, before.cell.layers[l].x_bi)
                << "restart " << i << " layer " << l;
            EXPECT_EQ(now.cell.layers[l].metal_mol, before.cell.layers[l].metal_mol);
        }
        ASSERT_TRUE(now.galvanostat);
        EXPECT_TRUE(now.galvanostat->output_on);
        EXPECT_GT(now.cell.bath.volume, 0.0);
    }
}
