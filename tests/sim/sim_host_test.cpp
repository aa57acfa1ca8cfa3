// SimHost over real pseudo-terminals and loopback TCP, opened with plain POSIX calls (not the
// drivers' transports), so these tests check the simulator's wire side on its own.
#include "drivers/sim/sim_host.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/sim/posix_link.hpp"

namespace edc::sim {
namespace {

using namespace edc::sim::wire_test;

SimHostConfig fast_config() {
    SimHostConfig c;
    c.link_delays = false;
    return c;
}

TEST(SimHostPty, IdnRoundTripOverAPseudoTerminal) {
    SimHost host(fast_config());
    const auto ends = host.start();
    ASSERT_TRUE(ends) << ends.error().message;
    ASSERT_EQ(ends->galvanostat.rfind("/dev/pts/", 0), 0U) << ends->galvanostat;
    Fd fd(open_serial(ends->galvanostat, B9600));
    ASSERT_GE(fd.get(), 0);
    write_str(fd.get(), "*IDN?\r");
    const auto r = read_until(fd.get(), '\r', 2000);
    EXPECT_EQ(r.bytes, "KEITHLEY INSTRUMENTS INC.,MODEL 2400,1207317,C30   Mar 17 2006 09:29:29/A02  /K/J\r");
}

TEST(SimHostPty, InputAtTheWrongBaudIsNotUnderstood) {
    SimHost host(fast_config());
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B19200));  // the instrument is set to 9600
    write_str(fd.get(), "*IDN?\r");
    EXPECT_EQ(read_until(fd.get(), '\r', 300).bytes, "");
    EXPECT_GT(host.snapshot().wrong_baud_bytes, 0);
}

TEST(SimHostPty, RecordsWhatTheHostCommanded) {
    SimHost host(fast_config());
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B9600));
    write_str(fd.get(), ":SOUR:FUNC CURR;:SOUR:CURR:LEV -0.002;:OUTP:SMOD HIMP;:OUTP ON;*OPC?\r");
    ASSERT_EQ(read_until(fd.get(), '\r', 2000).bytes, "1\r");
    auto s = host.snapshot();
    EXPECT_TRUE(s.output_on);
    EXPECT_EQ(s.output_off_mode, OutputOffMode::high_impedance);
    EXPECT_DOUBLE_EQ(s.source_level_a, -0.002);
    EXPECT_DOUBLE_EQ(s.cell_current_a, -0.002);
    write_str(fd.get(), ":SOUR:CURR:LEV 0;:OUTP OFF;*OPC?\r");
    ASSERT_EQ(read_until(fd.get(), '\r', 2000).bytes, "1\r");
    s = host.snapshot();
    EXPECT_FALSE(s.output_on);
    EXPECT_EQ(s.shorted_s, 0.0);  // HIMP: the cell floated
}

TEST(SimHostPty, OutputOffInNormalModeIsRecordedAsShortingTheCell) {
    SimHost host(fast_config());
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B9600));
    write_str(fd.get(), ":SOUR:FUNC CURR;:OUTP ON;:OUTP OFF;*OPC?\r");
    ASSERT_EQ(read_until(fd.get(), '\r', 2000).bytes, "1\r");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_GT(host.snapshot().shorted_s, 0.0);
    EXPECT_EQ(host.snapshot().output_off_mode, OutputOffMode::normal);
}

TEST(SimHostPty, LinkDelaysAddTenBitsPerByteAtTheConfiguredBaud) {
    SimHostConfig c;
    c.pump_model = "none";
    SimHost host(c);
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B9600));
    const auto t0 = Clock::now();
    write_str(fd.get(), "*IDN?\r");
    const auto r = read_until(fd.get(), '\r', 3000);
    const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    ASSERT_FALSE(r.bytes.empty());
    // A lower bound only: (6 + reply) bytes * 10 bits / 9600 baud.
    EXPECT_GE(elapsed, static_cast<double>(6 + r.bytes.size()) * 10.0 / 9600.0);
}

TEST(SimHostTcp, Keithley2450ListensOnLoopbackAndAnswers) {
    auto c = fast_config();
    c.galvanostat_model = "keithley-2450";
    c.pump_model = "none";
    SimHost host(c);
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    ASSERT_EQ(ends->galvanostat.rfind("tcp://127.0.0.1:", 0), 0U) << ends->galvanostat;
    EXPECT_TRUE(ends->pump.empty());
    Fd fd(connect_tcp(ends->galvanostat));
    ASSERT_GE(fd.get(), 0);
    write_str(fd.get(), "*LANG?\n");
    EXPECT_EQ(read_until(fd.get(), '\n', 2000).bytes, "SCPI\n");
}

TEST(SimHostFaults, GalvanostatDisconnectMakesReadsFail) {
    SimHost host(fast_config());
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B9600));
    host.inject(FaultKind::galvanostat_disconnect);
    const auto r = read_until(fd.get(), '\r', 2000);
    EXPECT_TRUE(r.eof_or_error);
}

TEST(SimHostFaults, TcpDisconnectClosesTheConnection) {
    auto c = fast_config();
    c.galvanostat_model = "keithley-2450";
    c.pump_model = "none";
    SimHost host(c);
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(connect_tcp(ends->galvanostat));
    write_str(fd.get(), "*OPC?\n");
    ASSERT_EQ(read_until(fd.get(), '\n', 2000).bytes, "1\n");
    host.inject(FaultKind::galvanostat_disconnect);
    EXPECT_TRUE(read_until(fd.get(), '\n', 2000).eof_or_error);
}

TEST(SimHostFaults, GalvanostatTimeoutStopsAnswering) {
    SimHost host(fast_config());
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B9600));
    host.inject(FaultKind::galvanostat_timeout);
    write_str(fd.get(), "*IDN?\r");
    EXPECT_EQ(read_until(fd.get(), '\r', 300).bytes, "");
}

TEST(SimHostFaults, GalvanostatGarbageRepliesJunkEndingInTheTerminator) {
    SimHost host(fast_config());
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B9600));
    host.inject(FaultKind::galvanostat_garbage);
    write_str(fd.get(), "*OPC?\r");
    const auto r = read_until(fd.get(), '\r', 2000);
    ASSERT_GE(r.bytes.size(), 2U);
    EXPECT_NE(r.bytes, "1\r");
    EXPECT_NE(static_cast<unsigned char>(r.bytes[0]) & 0x80U, 0U);
}

TEST(SimHostFaults, ScheduledPumpStallFiresAtItsSimulatedTime) {
    auto c = fast_config();
    c.galvanostat_model = "none";
    c.speed_factor = 20.0;
    c.faults = {{FaultKind::pump_stall, 100.0}};  // 5 s of real time: after RUN even on a loaded host
    SimHost host(c);
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->pump, B19200));
    write_str(fd.get(), "VER\r");
    EXPECT_EQ(read_until(fd.get(), '\x03', 2000).bytes,
              "\x02"
              "00A?R\x03");  // power-up alarm first
    write_str(fd.get(), "RAT 10 MM\r");
    read_until(fd.get(), '\x03', 2000);
    write_str(fd.get(), "RUN\r");
    EXPECT_EQ(read_until(fd.get(), '\x03', 2000).bytes,
              "\x02"
              "00I\x03");
    auto s = host.snapshot();
    for (int i = 0; i < 2000 && s.faults_fired.empty(); ++i) {  // up to 20 s real
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        s = host.snapshot();
    }
    ASSERT_EQ(s.faults_fired.size(), 1U);
    EXPECT_DOUBLE_EQ(s.faults_fired.front().at_sim_s, 100.0);
    EXPECT_GE(s.sim_time_s, 100.0);
    EXPECT_FALSE(s.pump_running);
    write_str(fd.get(), "DIS\r");
    EXPECT_EQ(read_until(fd.get(), '\x03', 2000).bytes,
              "\x02"
              "00A?S\x03");
}

TEST(SimHostFaults, ComplianceTripLimitsTheCellCurrent) {
    SimHost host(fast_config());
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B9600));
    write_str(fd.get(), ":SOUR:FUNC CURR;:SOUR:CURR:LEV -0.0057;:SENS:VOLT:PROT 10;:OUTP ON;*OPC?\r");
    ASSERT_EQ(read_until(fd.get(), '\r', 2000).bytes, "1\r");
    EXPECT_FALSE(host.snapshot().in_compliance);
    host.inject(FaultKind::compliance_trip);
    EXPECT_TRUE(host.snapshot().in_compliance);
    write_str(fd.get(), ":SENS:VOLT:PROT:TRIP?\r");
    EXPECT_EQ(read_until(fd.get(), '\r', 2000).bytes, "0\r");  // no reading taken yet
    write_str(fd.get(), ":READ?;:SENS:VOLT:PROT:TRIP?\r");
    const auto r = read_until(fd.get(), '\r', 2000).bytes;
    EXPECT_EQ(r.substr(r.size() - 3), ";1\r") << r;
}

TEST(SimHostPump, PumpFeedReachesTheBathAndIsCounted) {
    auto c = fast_config();
    c.galvanostat_model = "none";
    c.pump_model = "harvard-elite";
    c.speed_factor = 50.0;
    SimHost host(c);
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->pump, B115200));
    write_str(fd.get(), "irate 20 m/m\r");
    EXPECT_EQ(read_until(fd.get(), ':', 2000).bytes, "\n:");
    write_str(fd.get(), "irun\r");
    EXPECT_EQ(read_until(fd.get(), '>', 2000).bytes, "\n>");
    std::this_thread::sleep_for(std::chrono::milliseconds(400));  // ~20 simulated seconds
    write_str(fd.get(), "stop\r");
    read_until(fd.get(), ':', 2000);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the lagged flow settle
    const auto s = host.snapshot();
    EXPECT_GT(s.dispensed_m3, 5e-6);
    EXPECT_NEAR(s.bath.volume_m3 - 20e-6, s.dispensed_m3, 0.02e-6);
}

TEST(SimHost, UnknownModelIsAStartError) {
    auto c = fast_config();
    c.pump_model = "ne-9999";
    SimHost host(c);
    const auto ends = host.start();
    ASSERT_FALSE(ends);
    EXPECT_EQ(ends.error().code, "sim_model");
    // The message lists the simulator models of that role (written out here by hand).
    for (const char* known :
         {"ne-1000", "harvard-elite", "kds-legato-100", "kds-legato-180", "kds-legato-200"}) {
        EXPECT_NE(ends.error().message.find(known), std::string::npos) << ends.error().message;
    }
    EXPECT_EQ(ends.error().message.find("keithley"), std::string::npos) << ends.error().message;
    c.pump_model = "ne-1000";
    c.galvanostat_model = "keithley-6221";
    SimHost other(c);
    const auto refused = other.start();
    ASSERT_FALSE(refused);
    for (const char* known :
         {"keithley-2400", "keithley-2450", "keithley-2461", "keysight-b2901a", "keysight-b2902a"}) {
        EXPECT_NE(refused.error().message.find(known), std::string::npos) << refused.error().message;
    }
}

TEST(SimHostDeposition, CurrentAndFeedOverTheWireGradeTheFilm) {
    SimHostConfig c;
    c.link_delays = false;
    c.speed_factor = 100.0;
    SimHost host(c);
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd smu(open_serial(ends->galvanostat, B9600));
    Fd pump(open_serial(ends->pump, B19200));
    write_str(pump.get(), "VER\r");
    read_until(pump.get(), '\x03', 2000);  // power-up alarm
    write_str(pump.get(), "RAT 20 MM\r");
    ASSERT_EQ(read_until(pump.get(), '\x03', 2000).bytes,
              "\x02"
              "00S\x03");
    write_str(smu.get(), ":SOUR:FUNC CURR;:SOUR:CURR:LEV -0.0057;:OUTP:SMOD HIMP;:OUTP ON;*OPC?\r");
    ASSERT_EQ(read_until(smu.get(), '\r', 2000).bytes, "1\r");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // ~30 s without feed
    write_str(pump.get(), "RUN\r");
    ASSERT_EQ(read_until(pump.get(), '\x03', 2000).bytes,
              "\x02"
              "00I\x03");
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // ~100 s of feed
    write_str(smu.get(), ":SOUR:CURR:LEV 0;:OUTP OFF;*OPC?\r");
    ASSERT_EQ(read_until(smu.get(), '\r', 2000).bytes, "1\r");
    write_str(pump.get(), "STP\r");
    read_until(pump.get(), '\x03', 2000);

    const auto s = host.snapshot();
    // Faraday on whatever charge actually passed: n = eta Q / (z F).
    EXPECT_NEAR(s.deposited_metal_mol, 0.725 * s.cathodic_charge_c / (3 * 96485.332), 1e-12);
    EXPECT_GT(s.cathodic_charge_c, 0.5);
    const auto profile = deposit_profile(s.deposit);
    ASSERT_GT(profile.size(), 100U);
    EXPECT_NEAR(profile.front().x_bi, 0.5, 1e-3);  // the 50/50 bath before any feed
    EXPECT_LT(profile.back().x_bi, 0.4);           // diluted by B
    for (std::size_t i = 1; i < profile.size(); ++i) {
        ASSERT_GT(profile[i].height_m, profile[i - 1].height_m);
        ASSERT_LE(profile[i].x_bi, profile[i - 1].x_bi + 1e-9) << i;  // B carries no Bi: x only falls
    }
    EXPECT_NEAR(profile.back().height_m + 0.5 * s.deposit.back().thickness_m, s.thickness_m, 1e-13);
    EXPECT_FALSE(s.output_on);
    EXPECT_EQ(s.output_off_mode, OutputOffMode::high_impedance);
}

TEST(SimHostPlant, ThePlantNotTheRecipeIsTheSimulatedCell) {
    SimHostConfig c;
    c.galvanostat_model = "none";
    c.pump_model = "none";
    PlantChemistry plant;
    plant.initial_volume_m3 = 20.4e-6;
    plant.a_bi_mol_per_m3 = 49.0;
    c.plant = plant;
    const SimHost host(c);
    const auto s = host.snapshot();
    EXPECT_NEAR(s.bath.volume_m3, 20.4e-6, 1e-18);
    EXPECT_NEAR(s.bath.n_bi_mol, 49.0 * 20.4e-6, 1e-15);
    EXPECT_EQ(c.cell.cell.initial_volume_m3, 20e-6);  // the recipe stays as it was
}

}  // namespace
}  // namespace edc::sim
