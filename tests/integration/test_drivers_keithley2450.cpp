// The Keithley 2450 driver over loopback TCP against the simulated 2450 (drivers/sim).
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

struct Rig2450 : SimRig {
    std::unique_ptr<edc::Galvanostat> g;
    Rig2450() : SimRig(edc::test::only_galvanostat("keithley-2450")) {
        edc::GalvanostatOptions o;
        o.timeout = edc::test::reply_timeout;
        auto made = edc::make_galvanostat("keithley-2450", ends.galvanostat, o, io);
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

constexpr double deposition_a = -5.7e-3;

}  // namespace

TEST(Drivers2450OverTcp, ListensOnLoopbackTcp) {
    Rig2450 r;
    EXPECT_EQ(r.ends.galvanostat.rfind("tcp://", 0), 0U) << r.ends.galvanostat;
    auto id = r.g->identify();
    ASSERT_TRUE(id) << id.error().message;
    EXPECT_NE(id->find("MODEL 2450"), std::string::npos);
}

TEST(Drivers2450OverTcp, ConfigureSetsCurrentSourceHighImpedanceOff) {
    Rig2450 r;
    auto c = r.g->configure(settings());
    ASSERT_TRUE(c) << c.error().message;
    const auto s = r.snap();
    EXPECT_EQ(s.output_off_mode, edc::sim::OutputOffMode::high_impedance);
    EXPECT_TRUE(s.remote_sense);
    EXPECT_DOUBLE_EQ(s.compliance_v, 10.0);
}

TEST(Drivers2450OverTcp, ReadingFollowsTheSetCurrent) {
    Rig2450 r;
    r.run_at(deposition_a);
    auto reading = r.g->read();
    ASSERT_TRUE(reading) << reading.error().message;
    EXPECT_NEAR(reading->current_a, deposition_a, 1e-6);
    EXPECT_FALSE(reading->in_compliance);
}

TEST(Drivers2450OverTcp, SafeOffLeavesLevelZeroOutputOffHighImpedance) {
    Rig2450 r;
    r.run_at(deposition_a);
    ASSERT_TRUE(r.g->safe_off());
    const auto s = r.snap();
    EXPECT_FALSE(s.output_on);
    EXPECT_EQ(s.output_off_mode, edc::sim::OutputOffMode::high_impedance);
    EXPECT_DOUBLE_EQ(s.source_level_a, 0.0);
}

TEST(Drivers2450OverTcp, SerialPortForA2450IsRefused) {
    edc::io::IoThread io;
    auto g = edc::make_galvanostat("keithley-2450", "/dev/ttyUSB0", {}, io);
    ASSERT_FALSE(g);
    EXPECT_EQ(g.error().code, "invalid_setting");
}

TEST(Drivers2450Faults, SilentInstrumentIsATimeout) {
    Rig2450 r;
    r.run_at(deposition_a);
    r.host->inject(FaultKind::galvanostat_timeout);
    auto [reading, took] = edc::test::timed([&] { return r.g->read(); });
    ASSERT_FALSE(reading);
    EXPECT_EQ(reading.error().code, "timeout");
    EXPECT_LT(took, edc::test::hang_bound);  // not a hang
}

TEST(Drivers2450Faults, ClosedConnectionIsADisconnect) {
    Rig2450 r;
    r.run_at(deposition_a);
    r.host->inject(FaultKind::galvanostat_disconnect);
    std::this_thread::sleep_for(100ms);
    auto reading = r.g->read();
    ASSERT_FALSE(reading);
    EXPECT_EQ(reading.error().code, "disconnected") << reading.error().message;
}

TEST(Drivers2450Faults, ComplianceTripSetsTheLimitFlag) {
    Rig2450 r;
    r.run_at(deposition_a, 50.0);
    r.host->inject(FaultKind::compliance_trip);
    std::this_thread::sleep_for(50ms);
    auto reading = r.g->read();
    ASSERT_TRUE(reading) << reading.error().message;
    EXPECT_TRUE(reading->in_compliance);
}

TEST(Drivers2450Faults, QueuedInstrumentErrorIsTyped) {
    Rig2450 r;
    r.run_at(deposition_a);
    r.host->inject(FaultKind::galvanostat_scpi_error);
    // The error surfaces at the next read (output now off) or the next checked command.
    auto reading = r.g->read();
    if (reading) {
        auto off = r.g->output(false);
        ASSERT_FALSE(off);
        EXPECT_EQ(off.error().code, "scpi_error");
    } else {
        EXPECT_EQ(reading.error().code, "scpi_error") << reading.error().message;
    }
}
