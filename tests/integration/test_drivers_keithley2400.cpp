// The Keithley 2400 driver over a pseudo-terminal against the simulated 2400 (drivers/sim).
#include <gtest/gtest.h>

#include "drivers/galvanostat/galvanostat_factory.hpp"
#include "tests/drivers/sim_support.hpp"

using namespace std::chrono_literals;
using edc::sim::FaultKind;
using edc::test::SimRig;

namespace {

edc::GalvanostatSettings settings(double potential_limit_v = 5.0) {
    edc::GalvanostatSettings s;
    s.current_range_a = 0.01;
    s.compliance_v = 10.0;
    s.four_wire = true;
    s.nplc = 1.0;
    s.potential_limit_v = potential_limit_v;
    return s;
}

struct Rig2400 : SimRig {
    std::unique_ptr<edc::Galvanostat> g;
    Rig2400() : SimRig(edc::test::only_galvanostat("keithley-2400")) {
        edc::GalvanostatOptions o;
        o.timeout = edc::test::reply_timeout;
        auto made = edc::make_galvanostat("keithley-2400", ends.galvanostat, o, io);
        if (!made) throw std::runtime_error(made.error().message);
        g = std::move(*made);
    }
    void run_at(double amps, double limit = 5.0) {
        auto c = g->configure(settings(limit));
        ASSERT_TRUE(c) << c.error().message;
        ASSERT_TRUE(g->output(true));
        ASSERT_TRUE(g->set_current(amps));
    }
};

// 5.7 mA/cm2 on the simulator's 1 cm2 electrode, cathodic: -5.7 mA in the instrument's sign.
constexpr double deposition_a = -5.7e-3;

}  // namespace

TEST(Drivers2400OverPty, IdentifiesAsModel2400) {
    Rig2400 r;
    auto id = r.g->identify();
    ASSERT_TRUE(id) << id.error().message;
    EXPECT_NE(id->find("MODEL 2400"), std::string::npos) << *id;
}

TEST(Drivers2400OverPty, ConfigureLeavesHighImpedanceOffModeAndRemoteSense) {
    Rig2400 r;
    auto c = r.g->configure(settings());
    ASSERT_TRUE(c) << c.error().message;
    const auto s = r.snap();
    EXPECT_EQ(s.output_off_mode, edc::sim::OutputOffMode::high_impedance);
    EXPECT_TRUE(s.remote_sense);
    EXPECT_DOUBLE_EQ(s.compliance_v, 10.0);
    EXPECT_FALSE(s.output_on);
    EXPECT_EQ(s.galvanostat_errors_pending, 0U);
}

TEST(Drivers2400OverPty, ReadingFollowsTheSetCurrent) {
    Rig2400 r;
    r.run_at(deposition_a);
    auto reading = r.g->read();
    ASSERT_TRUE(reading) << reading.error().message;
    EXPECT_NEAR(reading->current_a, deposition_a, 1e-6);
    EXPECT_FALSE(reading->in_compliance);
    EXPECT_TRUE(r.snap().output_on);
    EXPECT_DOUBLE_EQ(r.snap().source_level_a, deposition_a);
}

TEST(Drivers2400OverPty, SafeOffLeavesLevelZeroOutputOffHighImpedance) {
    Rig2400 r;
    r.run_at(deposition_a);
    ASSERT_TRUE(r.g->safe_off());
    const auto s = r.snap();
    EXPECT_FALSE(s.output_on);
    EXPECT_EQ(s.output_off_mode, edc::sim::OutputOffMode::high_impedance);
    EXPECT_DOUBLE_EQ(s.source_level_a, 0.0);
    EXPECT_DOUBLE_EQ(s.shorted_s, 0.0);
}

TEST(Drivers2400OverPty, ReadWithOutputOffIsTheInstrumentsError803) {
    Rig2400 r;
    ASSERT_TRUE(r.g->configure(settings()));
    auto reading = r.g->read();
    ASSERT_FALSE(reading);
    EXPECT_EQ(reading.error().code, "scpi_error");
    EXPECT_NE(reading.error().message.find("803"), std::string::npos) << reading.error().message;
}

TEST(Drivers2400OverPty, OutOfRangeSettingIsRefusedBeforeTheInstrumentSeesIt) {
    Rig2400 r;
    const auto before = r.snap().galvanostat_commands;
    auto s = settings();
    s.compliance_v = 1000.0;
    EXPECT_EQ(r.g->configure(s).error().code, "invalid_setting");
    EXPECT_EQ(r.snap().galvanostat_commands, before);
}

TEST(Drivers2400Faults, SilentInstrumentIsATimeoutWithinTheDeadline) {
    Rig2400 r;
    r.run_at(deposition_a);
    r.host->inject(FaultKind::galvanostat_timeout);
    auto [reading, took] = edc::test::timed([&] { return r.g->read(); });
    ASSERT_FALSE(reading);
    EXPECT_EQ(reading.error().code, "timeout");
    EXPECT_LT(took, edc::test::hang_bound);  // not a hang
}

TEST(Drivers2400Faults, DisconnectIsReportedNotAHang) {
    Rig2400 r;
    r.run_at(deposition_a);
    r.host->inject(FaultKind::galvanostat_disconnect);
    std::this_thread::sleep_for(100ms);
    auto [reading, took] = edc::test::timed([&] { return r.g->read(); });
    ASSERT_FALSE(reading);
    EXPECT_EQ(reading.error().code, "disconnected") << reading.error().message;
    EXPECT_NE(reading.error().where.find(r.ends.galvanostat), std::string::npos);
    EXPECT_LT(took, edc::test::hang_bound);  // not a hang
}

TEST(Drivers2400Faults, GarbageRepliesAreTypedErrors) {
    Rig2400 r;
    r.run_at(deposition_a);
    r.host->inject(FaultKind::galvanostat_garbage);
    auto reading = r.g->read();
    ASSERT_FALSE(reading);
    const auto& code = reading.error().code;
    EXPECT_TRUE(code == "bad_reply" || code == "frame_too_long" || code == "timeout") << code;
}

TEST(Drivers2400Faults, OverTemperatureErrorIsReportedWithItsNumber) {
    Rig2400 r;
    r.run_at(deposition_a);
    r.host->inject(FaultKind::galvanostat_scpi_error);
    auto reading = r.g->read();
    ASSERT_FALSE(reading);
    EXPECT_EQ(reading.error().code, "scpi_error");
    EXPECT_NE(reading.error().message.find("810"), std::string::npos) << reading.error().message;
    ASSERT_TRUE(r.g->safe_off());
    EXPECT_FALSE(r.snap().output_on);
}

TEST(Drivers2400Faults, ComplianceTripSetsTheComplianceFlag) {
    Rig2400 r;
    r.run_at(deposition_a, 50.0);
    r.host->inject(FaultKind::compliance_trip);
    std::this_thread::sleep_for(50ms);
    auto reading = r.g->read();
    ASSERT_TRUE(reading) << reading.error().message;
    EXPECT_TRUE(reading->in_compliance);
}

TEST(Drivers2400Faults, PotentialBeyondTheSoftwareLimitSwitchesTheCellOff) {
    Rig2400 r;
    r.run_at(deposition_a, 2.0);
    r.host->inject(FaultKind::compliance_trip);  // the potential runs to the 10 V compliance
    std::this_thread::sleep_for(50ms);
    auto reading = r.g->read();
    ASSERT_FALSE(reading);
    EXPECT_EQ(reading.error().code, "potential_limit");
    const auto s = r.snap();
    EXPECT_FALSE(s.output_on);
    EXPECT_EQ(s.output_off_mode, edc::sim::OutputOffMode::high_impedance);
}
