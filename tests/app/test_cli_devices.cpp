// `edc devices`: listing never fails on a machine without serial ports, and --probe names
// what answers on a port: here edc-sim's instruments on pseudo-terminals and loopback TCP.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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
