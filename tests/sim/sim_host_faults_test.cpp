// Every fault kind fired through SimHost, observed from the host's side of the wire.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "drivers/sim/newera_model.hpp"
#include "drivers/sim/sim_host.hpp"
#include "tests/sim/posix_link.hpp"

namespace edc::sim {
namespace {

using namespace edc::sim::wire_test;

SimHostConfig pump_only(const std::string& pump) {
    SimHostConfig c;
    c.galvanostat_model = "none";
    c.pump_model = pump;
    c.link_delays = false;
    return c;
}

std::string ne_exchange(int fd, const std::string& command) {
    write_str(fd, command + "\r");
    return read_until(fd, '\x03', 2000).bytes;
}

class NewEraOverPty : public ::testing::Test {
protected:
    void SetUp() override {
        auto ends = host.start();
        ASSERT_TRUE(ends) << ends.error().message;
        fd = std::make_unique<Fd>(open_serial(ends->pump, B19200));
        ASSERT_EQ(ne_exchange(fd->get(), "VER"),
                  "\x02"
                  "00A?R\x03");  // power-up alarm
        ASSERT_EQ(ne_exchange(fd->get(), "RAT 10 MM"),
                  "\x02"
                  "00S\x03");
        ASSERT_EQ(ne_exchange(fd->get(), "RUN"),
                  "\x02"
                  "00I\x03");
    }
    SimHost host{pump_only("ne-1000")};
    std::unique_ptr<Fd> fd;
};

TEST_F(NewEraOverPty, PumpTimeoutStopsAnswering) {
    host.inject(FaultKind::pump_timeout);
    write_str(fd->get(), "DIS\r");
    EXPECT_EQ(read_until(fd->get(), '\x03', 300).bytes, "");
}

TEST_F(NewEraOverPty, PumpDisconnectMakesReadsFail) {
    host.inject(FaultKind::pump_disconnect);
    EXPECT_TRUE(read_until(fd->get(), '\x03', 2000).eof_or_error);
}

TEST_F(NewEraOverPty, PumpAlarmStopsTheMotorAndAnswersResetAlarm) {
    host.inject(FaultKind::pump_alarm);
    EXPECT_FALSE(host.snapshot().pump_running);
    EXPECT_EQ(ne_exchange(fd->get(), "RAT 12 MM"),
              "\x02"
              "00A?R\x03");
    EXPECT_EQ(ne_exchange(fd->get(), "RAT"),
              "\x02"
              "00S10.00MM\x03");  // the alarmed command did not run
}

TEST_F(NewEraOverPty, SyringeEmptyStallsTheMotor) {
    host.inject(FaultKind::syringe_empty);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(ne_exchange(fd->get(), "DIS").substr(0, 6),
              "\x02"
              "00A?S");
    EXPECT_FALSE(host.snapshot().pump_running);
}

TEST_F(NewEraOverPty, SafeModeHostSilenceRaisesAnUnsolicitedTimeoutAlarm) {
    ASSERT_EQ(ne_exchange(fd->get(), "SAF1"),
              "\x02"
              "00I\x03");
    const auto r = read_until(fd->get(), '\x03', 3000);  // nothing sent for > 1 s
    EXPECT_EQ(r.bytes, newera_safe_packet("00A?T"));
    EXPECT_FALSE(host.snapshot().pump_running);
}

TEST(EliteOverPty, StallFaultShowsTheStarPrompt) {
    SimHost host(pump_only("harvard-elite"));
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->pump, B115200));
    write_str(fd.get(), "irate 5 m/m\r");
    ASSERT_EQ(read_until(fd.get(), ':', 2000).bytes, "\n:");
    write_str(fd.get(), "irun\r");
    ASSERT_EQ(read_until(fd.get(), '>', 2000).bytes, "\n>");
    host.inject(FaultKind::pump_stall);
    write_str(fd.get(), "crate\r");
    EXPECT_EQ(read_until(fd.get(), '*', 2000).bytes, "\nPump is idle\r\n*");
}

TEST(GalvanostatFaults, ScpiErrorQueuesOverTemperatureAndSwitchesTheOutputOff) {
    SimHostConfig c;
    c.pump_model = "none";
    c.link_delays = false;
    SimHost host(c);
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B9600));
    write_str(fd.get(), ":SOUR:FUNC CURR;:OUTP ON;*OPC?\r");
    ASSERT_EQ(read_until(fd.get(), '\r', 2000).bytes, "1\r");
    host.inject(FaultKind::galvanostat_scpi_error);
    EXPECT_FALSE(host.snapshot().output_on);
    write_str(fd.get(), ":SYST:ERR?\r");
    EXPECT_EQ(read_until(fd.get(), '\r', 2000).bytes, "810,\"OUTPUT blocked by over temperature\"\r");
}

TEST(GalvanostatOptions, ReplyTerminatorIsASetting) {
    SimHostConfig c;
    c.pump_model = "none";
    c.link_delays = false;
    c.galvanostat_reply_terminator = "\r\n";
    SimHost host(c);
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B9600));
    write_str(fd.get(), "*OPC?\r");
    EXPECT_EQ(read_until(fd.get(), '\n', 2000).bytes, "1\r\n");
}

}  // namespace
}  // namespace edc::sim
