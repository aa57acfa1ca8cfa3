// The doctor's driver probe against the simulated instruments (edc-sim's models over
// pseudo-terminals and loopback TCP): real drivers, real wire bytes.
#include <gtest/gtest.h>

#include "app/doctor/doctor.hpp"
#include "app/doctor/driver_probe.hpp"
#include "drivers/sim/sim_host.hpp"

namespace edc::doctor {
namespace {

DoctorOptions options_for(const sim::SimEndpoints& ends, std::string pump_model = "ne-1000") {
    DoctorOptions o;
    o.galvanostat_port = ends.galvanostat;
    o.pump_port = ends.pump;
    o.pump_model = std::move(pump_model);
    DriverProbeOptions probe;
    probe.timeout = std::chrono::milliseconds(1500);
    o.probe = make_driver_prober(probe);
    return o;
}

TEST(DoctorProbe, Keithley2400AndNewEraAnswerAndNothingIsSwitchedOn) {
    sim::SimHost host(sim::SimHostConfig{});
    const auto ends = host.start();
    ASSERT_TRUE(ends.has_value()) << ends.error().message;
    const Check c = check_instruments(options_for(*ends));
    const auto snap = host.snapshot();
    host.stop();
    EXPECT_EQ(c.status, Status::ok) << c.message;
    EXPECT_NE(c.message.find("MODEL 2400"), std::string::npos) << c.message;
    EXPECT_NE(c.message.find("NE1000V3.928"), std::string::npos) << c.message;
    EXPECT_FALSE(snap.output_ever_on);
    EXPECT_FALSE(snap.pump_running);
    EXPECT_EQ(snap.galvanostat_errors_pending, 0u) << "the probe sent something the 2400 did not understand";
}

TEST(DoctorProbe, Keithley2450OverTcpIsAskedAsA2450) {
    sim::SimHostConfig cfg;
    cfg.galvanostat_model = "keithley-2450";
    cfg.pump_model = "";
    sim::SimHost host(cfg);
    const auto ends = host.start();
    ASSERT_TRUE(ends.has_value()) << ends.error().message;
    std::string port = ends->galvanostat;  // tcp://127.0.0.1:PORT
    ASSERT_TRUE(port.starts_with("tcp://"));
    DoctorOptions o = options_for(*ends);
    o.galvanostat_port = port.substr(6);  // as a recipe writes it: host:port
    const Check c = check_instruments(o);
    host.stop();
    EXPECT_EQ(c.status, Status::ok) << c.message;
    EXPECT_NE(c.message.find("MODEL 2450"), std::string::npos) << c.message;
}

TEST(DoctorProbe, AHarvardPumpWhereANewEraWasExpectedIsNamed) {
    sim::SimHostConfig cfg;
    cfg.galvanostat_model = "";
    cfg.pump_model = "harvard-elite";
    sim::SimHost host(cfg);
    const auto ends = host.start();
    ASSERT_TRUE(ends.has_value()) << ends.error().message;
    const Check c = check_instruments(options_for(*ends, "ne-1000"));
    host.stop();
    EXPECT_EQ(c.status, Status::ok) << c.message;
    EXPECT_NE(c.message.find("(a harvard-elite, not ne-1000)"), std::string::npos) << c.message;
}

TEST(DoctorProbe, TheRecipesLegatoAnswersAndAnotherLegatoIsNamed) {
    sim::SimHostConfig cfg;
    cfg.galvanostat_model = "";
    cfg.pump_model = "kds-legato-200";
    sim::SimHost host(cfg);
    const auto ends = host.start();
    ASSERT_TRUE(ends.has_value()) << ends.error().message;
    const Check same = check_instruments(options_for(*ends, "kds-legato-200"));
    const Check other = check_instruments(options_for(*ends, "kds-legato-100"));
    const auto snap = host.snapshot();
    host.stop();
    EXPECT_EQ(same.status, Status::ok) << same.message;
    EXPECT_NE(same.message.find("Legato 200"), std::string::npos) << same.message;
    EXPECT_EQ(same.message.find("(a "), std::string::npos) << same.message;
    EXPECT_NE(other.message.find("(a kds-legato-200, not kds-legato-100)"), std::string::npos) << other.message;
    EXPECT_FALSE(snap.pump_running);
    // One `ver` per check: the answer names the Legato, so no other family is asked.
    EXPECT_EQ(snap.pump_commands, 2) << "ver, ver: the doctor sends nothing else";
}

TEST(DoctorProbe, ASilentPortFailsWithTheDriversError) {
    sim::SimHostConfig cfg;
    cfg.galvanostat_model = "";
    cfg.pump_model = "ne-1000";
    cfg.pump_baud = 9600;  // the pump listens at 9600: 19200 and 115200 queries go unheard
    sim::SimHost host(cfg);
    const auto ends = host.start();
    ASSERT_TRUE(ends.has_value()) << ends.error().message;
    DoctorOptions o = options_for(*ends);
    DriverProbeOptions probe;
    probe.timeout = std::chrono::milliseconds(400);
    o.probe = make_driver_prober(probe);
    const Check c = check_instruments(o);
    host.stop();
    EXPECT_EQ(c.status, Status::fail) << c.message;
    EXPECT_NE(c.message.find("pump (ne-1000) on " + ends->pump), std::string::npos) << c.message;
}

}  // namespace
}  // namespace edc::doctor
