// `edc devices`: listing never fails on a machine without serial ports, and --probe names
// what answers on a port: here edc-sim's instruments on pseudo-terminals and loopback TCP.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "drivers/io/io_thread.hpp"
#include "drivers/io/serial_transport.hpp"
#include "drivers/pump/newera_pump.hpp"
#include "drivers/sim/sim_host.hpp"
#include "test_cli_support.hpp"

namespace edc::cli::test {
namespace {

using nlohmann::json;

class CliDevices : public CliTest {};

TEST_F(CliDevices, JsonListingIsAnArrayOfPorts) {
    const auto r = run_cli({"devices", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const json list = json::parse(r.out);
    ASSERT_TRUE(list.is_array());
    for (const auto& p : list) {
        EXPECT_TRUE(p.contains("port"));
        EXPECT_TRUE(p.contains("usb_id"));
        EXPECT_FALSE(p.contains("probe"));  // nothing is sent without --probe
    }
}

TEST_F(CliDevices, ProbeIdentifiesSimulatedGalvanostatAndPump) {
    sim::SimHostConfig cfg;
    cfg.link_delays = false;
    sim::SimHost host(cfg);
    auto ends = host.start();
    ASSERT_TRUE(ends) << ends.error().message;
    const auto r = run_cli({"devices", "--probe", "--json", ends->galvanostat, ends->pump});
    ASSERT_EQ(r.code, 0) << r.err;
    const json list = json::parse(r.out);
    ASSERT_EQ(list.size(), 2U);
    EXPECT_EQ(list.at(0).at("port"), ends->galvanostat);
    EXPECT_EQ(list.at(0).at("probe").at("instrument"), "keithley-2400");
    EXPECT_NE(list.at(0).at("probe").at("identity").get<std::string>().find("2400"), std::string::npos);
    EXPECT_EQ(list.at(1).at("probe").at("instrument"), "ne-1000");
    // A probe only asks: the simulator saw no output switched on and no pump started.
    const auto snap = host.snapshot();
    EXPECT_FALSE(snap.output_ever_on);
    EXPECT_FALSE(snap.pump_running);
    host.stop();
}

// The Legato answers the Elite's `ver` with its own name; the probe tells them apart and its
// one command is all the simulated pump heard (the SCPI and New Era tries at 9600 and 19200 baud
// do not reach a pump listening at 115200).
TEST_F(CliDevices, ProbeIdentifiesSimulatedLegatoWithOnlyVer) {
    sim::SimHostConfig cfg;
    cfg.galvanostat_model = "";
    cfg.pump_model = "kds-legato-180";
    cfg.link_delays = false;
    sim::SimHost host(cfg);
    auto ends = host.start();
    ASSERT_TRUE(ends) << ends.error().message;
    const auto r = run_cli({"devices", "--probe", "--json", ends->pump});
    ASSERT_EQ(r.code, 0) << r.err;
    const json list = json::parse(r.out);
    ASSERT_EQ(list.size(), 1U);
    EXPECT_EQ(list.at(0).at("probe").at("instrument"), "kds-legato-180") << r.out;
    EXPECT_EQ(list.at(0).at("probe").at("identity"), "Legato 180 3.0.6");
    const auto snap = host.snapshot();
    EXPECT_EQ(snap.pump_commands, 1) << "the probe sent more than `ver`";
    EXPECT_FALSE(snap.pump_running);
    host.stop();
}

TEST_F(CliDevices, ProbeOverTcpIdentifiesKeithley2450) {
    sim::SimHostConfig cfg;
    cfg.galvanostat_model = "keithley-2450";
    cfg.pump_model = "";
    cfg.link_delays = false;
    sim::SimHost host(cfg);
    auto ends = host.start();
    ASSERT_TRUE(ends) << ends.error().message;
    const auto r = run_cli({"devices", "--probe", ends->galvanostat});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("keithley-2450 answers"), std::string::npos) << r.out;
    host.stop();
}

// Issue 14: every LAN source-meter of the dialect table is named by its *IDN? answer, and
// the probe sends that query alone (the simulator counts one command; nothing switched on).
class CliDevicesLan : public CliTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(CliDevicesLan, ProbeOverTcpNamesTheModelAndSendsOnlyIdn) {
    sim::SimHostConfig cfg;
    cfg.galvanostat_model = GetParam();
    cfg.pump_model = "";
    cfg.link_delays = false;
    sim::SimHost host(cfg);
    auto ends = host.start();
    ASSERT_TRUE(ends) << ends.error().message;
    const auto r = run_cli({"devices", "--probe", ends->galvanostat});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find(std::string(GetParam()) + " answers"), std::string::npos) << r.out;
    const auto snap = host.snapshot();
    EXPECT_EQ(snap.galvanostat_commands, 1);
    EXPECT_FALSE(snap.output_ever_on);
    host.stop();
}

INSTANTIATE_TEST_SUITE_P(ScpiDialects, CliDevicesLan,
                         ::testing::Values("keithley-2460", "keithley-2461", "keysight-b2901a",
                                           "keysight-b2902a"),
                         [](const auto& p) {
                             std::string name;
                             for (const char* c = p.param; *c != 0; ++c) {
                                 if (*c != '-') name.push_back(*c);
                             }
                             return name;
                         });

// Issue 14 item 4: `edc devices --probe` names every simulated instrument, and the simulator's
// command log shows that only identity queries reached it. The allowed queries are the
// manuals' identity commands, written out here (not taken from the registry under test).
struct ProbeCase {
    const char* name;
    const char* galvanostat;  // simulator models
    const char* pump;
    const char* expected;              // what --probe must name
    bool safe_mode;                    // the NE-1000 is left in safe mode before the probe
    std::vector<std::string> allowed;  // the only commands the instrument may see
    // Asked last: the other families' queries (`*IDN?\r`, `VER\r`, a safe-mode packet, `ver\r`)
    // reach it first and, as it ends lines at \n only, run together into one line it refuses.
    bool asked_last = false;
};

void PrintTo(const ProbeCase& c, std::ostream* os) {
    *os << c.name;
}

class CliDevicesProbe : public CliTest, public ::testing::WithParamInterface<ProbeCase> {};

// Leaves the simulated NE-1000 in safe mode (a controller that died before SAF0): the power-up
// alarm acknowledged, then SAF 60.
void leave_in_safe_mode(const std::string& port) {
    io::IoThread io;
    auto t = io::open_serial(port, io::SerialSettings{19200}, io);
    ASSERT_TRUE(t) << t.error().message;
    NewEraPump pump(std::move(*t), NewEraOptions{0, std::chrono::milliseconds(1000)});
    ASSERT_TRUE(pump.acknowledge_alarm());
    auto safe = pump.set_safe_mode(60);
    ASSERT_TRUE(safe) << safe.error().message;
}

TEST_P(CliDevicesProbe, NamesTheSimulatedInstrumentAndSendsOnlyIdentityQueries) {
    const ProbeCase& c = GetParam();
    sim::SimHostConfig cfg;
    cfg.galvanostat_model = c.galvanostat;
    cfg.pump_model = c.pump;
    cfg.link_delays = false;
    sim::SimHost host(cfg);
    auto ends = host.start();
    ASSERT_TRUE(ends) << ends.error().message;
    const std::string port = ends->galvanostat.empty() ? ends->pump : ends->galvanostat;
    std::size_t before = 0;
    if (c.safe_mode) {
        leave_in_safe_mode(port);
        before = host.snapshot().pump_command_log.size();
        ASSERT_EQ(host.snapshot().pump_command_log.back(), "SAF60");
    }
    const auto r = run_cli({"devices", "--probe", "--json", port});
    ASSERT_EQ(r.code, 0) << r.err;
    const json list = json::parse(r.out);
    ASSERT_EQ(list.size(), 1U);
    EXPECT_EQ(list.at(0).at("probe").at("instrument"), c.expected) << r.out;
    const auto snap = host.snapshot();
    host.stop();
    auto log = ends->galvanostat.empty() ? snap.pump_command_log : snap.galvanostat_command_log;
    ASSERT_GE(log.size(), before);
    log.erase(log.begin(), log.begin() + static_cast<std::ptrdiff_t>(before));
    EXPECT_FALSE(log.empty()) << "the instrument heard nothing";
    for (const auto& command : log) {
        if (c.asked_last && command.starts_with("*IDN?\r") && command.find('\n') == std::string::npos) continue;
        EXPECT_NE(std::find(c.allowed.begin(), c.allowed.end(), command), c.allowed.end())
            << "the probe sent '" << command << "', which is not an identity query";
    }
    EXPECT_FALSE(snap.output_ever_on);
    EXPECT_FALSE(snap.pump_running);
    EXPECT_EQ(snap.galvanostat_errors_pending, 0U);
}

INSTANTIATE_TEST_SUITE_P(
    SimulatedInstruments, CliDevicesProbe,
    ::testing::Values(ProbeCase{"Keithley2400OnAPty", "keithley-2400", "", "keithley-2400", false, {"*IDN?"}},
                      ProbeCase{"Keithley2450OnTcp", "keithley-2450", "", "keithley-2450", false, {"*IDN?"}},
                      ProbeCase{"Keithley2460OnTcp", "keithley-2460", "", "keithley-2460", false, {"*IDN?"}},
                      ProbeCase{
                          "KeysightB2901aOnTcp", "keysight-b2901a", "", "keysight-b2901a", false, {"*IDN?"}},
                      // The power-up alarm R answers the first VER; the probe asks again.
                      ProbeCase{"NewEraInBasicMode", "", "ne-1000", "ne-1000", false, {"VER"}},
                      ProbeCase{"NewEraLeftInSafeMode", "", "ne-1000", "ne-1000", true, {"safe VER"}},
                      ProbeCase{"HarvardElite", "", "harvard-elite", "harvard-elite", false, {"ver"}},
                      ProbeCase{"Legato100", "", "kds-legato-100", "kds-legato-100", false, {"ver"}},
                      // Asked last (after *IDN?, VER and ver at their bauds, which it refuses).
                      ProbeCase{"EmStat4", "palmsens-emstat4", "", "palmsens-emstat4", false, {"t"}, true}),
    [](const auto& p) { return std::string(p.param.name); });

TEST_F(CliDevices, ProbeOfAMissingPortSaysWhy) {
    const auto r = run_cli({"devices", "--probe", "--json", file("ttyNONE")});
    ASSERT_EQ(r.code, 0) << r.err;
    const json list = json::parse(r.out);
    ASSERT_EQ(list.size(), 1U);
    EXPECT_TRUE(list.at(0).at("probe").at("instrument").is_null());
    EXPECT_FALSE(list.at(0).at("probe").at("detail").get<std::string>().empty());
}

}  // namespace
}  // namespace edc::cli::test
