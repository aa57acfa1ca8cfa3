// A simulated EmStat4 restarted from its state file (issue 14): a MethodSCRIPT
// chronopotentiometry script that was running carries on after the restart, as it would on the
// instrument (its cell is on only while a script runs). Packages are read through the
// in-process link on a lock-step virtual clock the test thread is attached to: no wall time.
// Expected times come from the script's own numbers (interval 0.5 s, run time 10 s) and the
// MethodSCRIPT package format (docs/protocols/methodscript.md), not from the model.
#include <gtest/gtest.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "control/clock/virtual_clock.hpp"
#include "drivers/io/framing.hpp"
#include "drivers/sim/sim_host.hpp"
#include "drivers/sim/sim_instrument_state.hpp"
#include "drivers/sim/sim_state_file.hpp"

namespace edc::sim {
namespace {

std::filesystem::path temp_file(const std::string& name) {
    auto p = std::filesystem::path(::testing::TempDir()) /
             ("edc_emstat_state_" + std::to_string(::getpid()) + "_" + name + ".json");
    std::filesystem::remove(p);
    return p;
}

SimHostConfig emstat_config(const std::shared_ptr<clk::Clock>& clock, const std::filesystem::path& state) {
    SimHostConfig c;
    c.in_process = true;
    c.link_delays = false;
    c.clock = clock;
    c.state_file = state;
    c.outage_s = 0.0;
    c.galvanostat_model = "palmsens-emstat4";
    c.pump_model = "";
    return c;
}

// -5 mA for 10 s, a package every 0.5 s carrying the script's timer (started with the loop).
constexpr const char* timed_script =
    "e\nvar c\nvar p\nvar t\nstore_var i -5m ja\nset_pgstat_mode 6\ncell_on\ntimer_start\n"
    "meas_loop_cp p c i 500m 10\ntimer_get t\npck_start\npck_add t\npck_end\nendloop\n"
    "on_finished:\ncell_off\n\n";

// The time in a package "Peb<7 hex digits><SI prefix>": (hex - 2^27) * prefix, in seconds.
double package_time_s(const std::string& line) {
    EXPECT_EQ(line.substr(0, 3), "Peb") << line;
    if (line.size() < 11) return -1.0;
    long hex = 0;
    const auto digits = std::string_view(line).substr(3, 7);
    if (std::from_chars(digits.data(), digits.data() + digits.size(), hex, 16).ec != std::errc{}) return -1.0;
    const long raw = hex - (1L << 27);
    const char prefix = line[10];
    const double factor = prefix == 'm' ? 1e-3 : prefix == 'u' ? 1e-6 : prefix == 'n' ? 1e-9 : 1.0;
    return static_cast<double>(raw) * factor;
}

// Lines from the instrument up to and including the first that starts with `last`.
std::vector<std::string> read_until(io::ByteTransport& link, const std::string& last, std::size_t most) {
    const io::LineFramer lines(io::LineEnding::any);
    std::vector<std::string> out;
    while (out.size() < most) {
        auto r = link.read_until(lines, std::chrono::seconds(5));
        if (!r) {
            ADD_FAILURE() << r.error().message;
            break;
        }
        out.push_back(*r);
        if (out.back().starts_with(last)) break;
    }
    return out;
}

// Starts the timed script and reads its first 8 packages (timer 0.5 .. 4 s); the host saves
// its state file when it stops.
void run_first_8_packages(const SimHostConfig& cfg) {
    SimHost host(cfg);
    ASSERT_TRUE(host.start());
    auto link = host.connect_galvanostat();
    ASSERT_TRUE(link) << link.error().message;
    ASSERT_TRUE((*link)->write(timed_script, std::chrono::seconds(1)));
    const auto opened = read_until(**link, "M0000", 2);
    ASSERT_EQ(opened.back(), "M0000");
    for (std::size_t k = 0; k < 8; ++k) {
        const auto package = read_until(**link, "P", 1);
        ASSERT_EQ(package.size(), 1U);
        ASSERT_NEAR(package_time_s(package.front()), 0.5 * static_cast<double>(k + 1), 1e-9)
            << package.front();
    }
    const auto before = host.snapshot();
    ASSERT_TRUE(before.output_on) << "the script did not switch the cell on";
    ASSERT_EQ(before.source_level_a, -0.005);
    host.stop();
}

// After the restart the script streams again, its timer going on from where it was (4.5 s, not
// 0.5 s), and it ends at its run time: the packages up to 10 s, then the loop's end '*', the
// cell off (on_finished: cell_off).
TEST(EmStatRestart, ARunningScriptCarriesOnAndEndsAtItsRunTime) {
    const auto path = temp_file("carries_on");
    auto clock = std::make_shared<clk::VirtualClock>(1.0);
    const clk::Attachment held(*clock);
    const auto cfg = emstat_config(clock, path);
    run_first_8_packages(cfg);
    if (HasFatalFailure()) return;

    SimHost again(cfg);
    ASSERT_TRUE(again.start());
    const auto restarted = again.snapshot();
    EXPECT_TRUE(restarted.output_on);
    EXPECT_NEAR(restarted.source_level_a, -0.005, 1e-15);
    auto link = again.connect_galvanostat();
    ASSERT_TRUE(link) << link.error().message;
    const auto lines = read_until(**link, "*", 40);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back(), "*") << "the loop did not end";
    // Packages 9 .. 20 of the 20 in 10 s, then '*'.
    ASSERT_EQ(lines.size(), 13U);
    for (std::size_t k = 0; k + 1 < lines.size(); ++k) {
        EXPECT_NEAR(package_time_s(lines[k]), 4.5 + 0.5 * static_cast<double>(k), 1e-9) << lines[k];
    }
    const auto ended = again.snapshot();
    again.stop();
    EXPECT_FALSE(ended.output_on) << "the cell stayed on after the script's run time";
    EXPECT_TRUE(ended.output_ever_on);
    std::filesystem::remove(path);
}

// 'Z' after the restart aborts the restored script: the cell goes off.
TEST(EmStatRestart, AbortAfterTheRestartSwitchesTheCellOff) {
    const auto path = temp_file("abort");
    auto clock = std::make_shared<clk::VirtualClock>(1.0);
    const clk::Attachment held(*clock);
    const auto cfg = emstat_config(clock, path);
    run_first_8_packages(cfg);
    if (HasFatalFailure()) return;

    SimHost again(cfg);
    ASSERT_TRUE(again.start());
    auto link = again.connect_galvanostat();
    ASSERT_TRUE(link) << link.error().message;
    const auto streaming = read_until(**link, "P", 1);
    ASSERT_EQ(streaming.size(), 1U);
    EXPECT_NEAR(package_time_s(streaming.front()), 4.5, 1e-9);
    ASSERT_TRUE((*link)->write("Z\n", std::chrono::seconds(1)));
    // What the loop measured up to the abort goes out first, then "Z".
    const auto aborted = read_until(**link, "Z", 40);
    ASSERT_FALSE(aborted.empty());
    EXPECT_EQ(aborted.back(), "Z");
    for (std::size_t k = 0; k + 1 < aborted.size(); ++k)
        EXPECT_TRUE(aborted[k].starts_with("P")) << aborted[k];
    const auto snap = again.snapshot();
    again.stop();
    EXPECT_FALSE(snap.output_on);
    std::filesystem::remove(path);
}

// Restarted after a 20 s outage with nobody listening, the script still ends at its 10 s run
// time: the cell carried -5 mA for exactly its 10 s (0.05 C, however far the first run got
// before it stopped), then switched off.
TEST(EmStatRestart, AnOutageLongerThanTheScriptEndsItAtItsRunTime) {
    const auto path = temp_file("outage");
    auto clock = std::make_shared<clk::VirtualClock>(1.0);
    const clk::Attachment held(*clock);
    auto cfg = emstat_config(clock, path);
    run_first_8_packages(cfg);
    if (HasFatalFailure()) return;

    cfg.outage_s = 20.0;
    SimHost again(cfg);
    ASSERT_TRUE(again.start());
    const auto snap = again.snapshot();
    again.stop();
    EXPECT_FALSE(snap.output_on) << "the script outlived its run time";
    EXPECT_NEAR(snap.cathodic_charge_c, 0.005 * 10.0, 1e-9);
    std::filesystem::remove(path);
}

// Two instruments that act by themselves in one outage act in the order they are due: the
// NE-1000's host timeout (5 s) runs out before the EmStat's loop ends (6 s left of its 10 s), so
// the pump stops at 5 s even though the galvanostat's watchdog is visited first.
TEST(EmStatRestart, InAnOutageThePumpsHostTimeoutStopsItBeforeTheScriptEnds) {
    const auto path = temp_file("two_watchdogs");
    auto clock = std::make_shared<clk::VirtualClock>(1.0);
    const clk::Attachment held(*clock);
    auto cfg = emstat_config(clock, path);
    run_first_8_packages(cfg);
    if (HasFatalFailure()) return;
    auto saved = load_sim_state(path);
    ASSERT_TRUE(saved) << saved.error().message;
    NewEraState ne;  // infusing 60 mL/h in safe mode, no alarm: nobody talks to it
    ne.running = true;
    ne.infusing = true;
    ne.rate_value = 60.0;
    ne.rate_unit = NeRateUnit::ml_per_h;
    ne.diameter_m = 26.59e-3;
    ne.syringe_content_m3 = 50e-6;
    ne.safe_timeout_s = 5;
    ne.alarm = 0;  // the power-up alarm acknowledged
    saved->pump = SavedInstrument{"ne-1000", newera_state_json(ne)};
    ASSERT_TRUE(save_sim_state(path, *saved));

    cfg.pump_model = "ne-1000";
    cfg.outage_s = 20.0;
    SimHost again(cfg);
    ASSERT_TRUE(again.start());
    const auto snap = again.snapshot();
    again.stop();
    EXPECT_FALSE(snap.pump_running);
    EXPECT_EQ(snap.pump_alarm, 'T');
    // 60 mL/h for 5 s = 83.3 uL (not 100 uL for the 6 s until the script ended).
    EXPECT_NEAR(snap.dispensed_m3, 60e-6 / 3600.0 * 5.0, 1e-9);
    EXPECT_FALSE(snap.output_on);
    std::filesystem::remove(path);
}

// What the state file keeps of a running script comes back field by field.
TEST(EmStatStateFile, TheRunningScriptRoundTrips) {
    EmStatState e;
    e.cell_on = true;
    e.level_a = -0.005;
    EmStatScriptState k;
    k.lines = {"var t", "meas_loop_cp p c -5m 500m 10", "endloop"};
    k.loop_start_s = -4.25;
    k.next_s = 0.25;
    k.timer_zero_s = -4.25;
    k.vars["t"] = EmStatVar{4.0, "eb", -1};
    k.vars["c"] = EmStatVar{-0.005, "ba", 2};
    k.pgstat_mode = 6;
    k.broke = true;
    e.script = k;
    const auto back = emstat_state_from(emstat_state_json(e), "z.json", "galvanostat");
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_TRUE(back->script);
    EXPECT_EQ(back->script->lines, k.lines);
    EXPECT_EQ(back->script->loop_start_s, -4.25);
    EXPECT_EQ(back->script->next_s, 0.25);
    EXPECT_EQ(back->script->timer_zero_s, -4.25);
    ASSERT_EQ(back->script->vars.size(), 2U);
    EXPECT_EQ(back->script->vars.at("t").value, 4.0);
    EXPECT_EQ(back->script->vars.at("t").type, "eb");
    EXPECT_EQ(back->script->vars.at("c").status, 2);
    EXPECT_EQ(back->script->pgstat_mode, 6);
    EXPECT_TRUE(back->script->broke);
}

// A saved script the instrument's parser refuses is a start error naming the file and the field.
TEST(EmStatRestart, ASavedScriptThatDoesNotParseIsAStartError) {
    const auto path = temp_file("bad_script");
    SimState s;
    s.sim_time_s = 50.0;
    s.cell.bath.volume = 20e-6;
    s.cell.bath.bulk_bi = 50.0;
    s.cell.bath.bulk_sb = 50.0;
    s.cell.bath.electrode_bi = 50.0;
    s.cell.bath.electrode_sb = 50.0;
    EmStatState e;
    e.cell_on = true;
    e.cell_ever_on = true;
    e.script_running = true;
    e.level_a = -0.005;
    EmStatScriptState k;
    k.lines = {"set_pgstat_mode 6", "cell_on", "warp_drive 9", "meas_loop_cp p c -5m 500m 10", "endloop"};
    e.script = k;
    s.galvanostat = SavedInstrument{"palmsens-emstat4", emstat_state_json(e)};
    ASSERT_TRUE(save_sim_state(path, s));
    auto clock = std::make_shared<clk::VirtualClock>(1.0);
    const clk::Attachment held(*clock);
    SimHost host(emstat_config(clock, path));
    const auto started = host.start();
    ASSERT_FALSE(started);
    const auto& message = started.error().message;
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find("galvanostat.script.lines"), std::string::npos) << message;
    EXPECT_NE(message.find("line 4: unknown command warp_drive"), std::string::npos) << message;
    std::filesystem::remove(path);
}

}  // namespace
}  // namespace edc::sim
