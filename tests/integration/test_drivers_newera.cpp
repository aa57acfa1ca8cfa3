// The New Era NE-1000 driver over a pseudo-terminal against the simulated pump (drivers/sim).
#include <gtest/gtest.h>

#include "control/model/units.hpp"
#include "drivers/pump/newera_pump.hpp"
#include "drivers/pump/pump_factory.hpp"
#include "tests/drivers/sim_support.hpp"

using namespace std::chrono_literals;
using edc::sim::FaultKind;
using edc::test::SimRig;
using edc::units::ml_per_min_to_m3_per_s;

namespace {

struct RigNe : SimRig {
    std::unique_ptr<edc::SyringePump> p;
    explicit RigNe(int safe_mode_s = 0, double speed = 1.0) : SimRig(config(speed)) {
        edc::PumpOptions o;
        o.timeout = edc::test::reply_timeout;
        o.safe_mode_timeout_s = safe_mode_s;
        auto made = edc::make_syringe_pump("ne-1000", ends.pump, o, io);
        if (!made) throw std::runtime_error(made.error().message);
        p = std::move(*made);
    }
    static edc::sim::SimHostConfig config(double speed) {
        auto c = edc::test::only_pump("ne-1000");
        c.speed_factor = speed;
        return c;
    }
    void prepare(double diameter_m = 26.59e-3) {
        ASSERT_TRUE(p->identify());
        auto d = p->set_diameter(diameter_m);
        ASSERT_TRUE(d) << d.error().message;
        auto u = p->select_rate_unit(ml_per_min_to_m3_per_s(2.0));
        ASSERT_TRUE(u) << u.error().message;
    }
    void run_at(double ml_per_min) {
        prepare();
        auto s = p->set_rate(ml_per_min_to_m3_per_s(ml_per_min));
        ASSERT_TRUE(s) << s.error().message;
        auto st = p->start();
        ASSERT_TRUE(st) << st.error().message;
    }
};

}  // namespace

TEST(DriversNewEraOverPty, IdentifyAbsorbsThePowerUpAlarm) {
    RigNe r;
    auto id = r.p->identify();
    ASSERT_TRUE(id) << id.error().message;
    EXPECT_EQ(*id, "NE1000V3.928");
}

TEST(DriversNewEraOverPty, RunsAtTheSetRateAndChangesRateWhileRunning) {
    RigNe r;
    r.run_at(1.0);
    auto s = r.snap();
    EXPECT_TRUE(s.pump_running);
    EXPECT_NEAR(s.pump_rate_m3_per_s, ml_per_min_to_m3_per_s(1.0), 1e-13);
    auto changed = r.p->set_rate(ml_per_min_to_m3_per_s(1.5));
    ASSERT_TRUE(changed) << changed.error().message;
    s = r.snap();
    EXPECT_NEAR(s.pump_rate_m3_per_s, ml_per_min_to_m3_per_s(1.5), 1e-13);
    EXPECT_GE(s.pump_rate_changes_while_running, 1);
}

TEST(DriversNewEraOverPty, StatusReportsInfusingAndGrowingVolume) {
    RigNe r(0, 20.0);
    r.run_at(1.0);
    std::this_thread::sleep_for(300ms);
    // The simulated pump keeps pumping at 20x while the query is on the wire: its counter at the
    // reply lies between the simulator's volume before the query and after the reply (within the
    // counter's display resolution), however long the machine keeps the reply in flight.
    const double before = r.snap().dispensed_m3;
    auto st = r.p->status();
    const double after = r.snap().dispensed_m3;
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_EQ(st->state, edc::PumpState::infusing);
    EXPECT_GT(st->dispensed_m3, 0.0);
    EXPECT_GE(st->dispensed_m3, before - 0.01e-6);
    EXPECT_LE(st->dispensed_m3, after + 0.01e-6);
}

TEST(DriversNewEraOverPty, StopAndClearDispensed) {
    RigNe r(0, 20.0);
    r.run_at(1.0);
    std::this_thread::sleep_for(100ms);
    ASSERT_TRUE(r.p->stop());
    EXPECT_FALSE(r.snap().pump_running);
    ASSERT_TRUE(r.p->clear_dispensed());
    auto st = r.p->status();
    ASSERT_TRUE(st);
    EXPECT_EQ(st->state, edc::PumpState::stopped);
    EXPECT_DOUBLE_EQ(st->dispensed_m3, 0.0);
}

TEST(DriversNewEraOverPty, RateAboveTheSyringesLimitIsOutOfRange) {
    RigNe r;
    ASSERT_TRUE(r.p->identify());
    ASSERT_TRUE(r.p->set_diameter(4.7e-3));  // ~3 mL/min at most
    ASSERT_TRUE(r.p->select_rate_unit(ml_per_min_to_m3_per_s(50.0)));
    auto s = r.p->set_rate(ml_per_min_to_m3_per_s(50.0));
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, "out_of_range");
}

TEST(DriversNewEraOverPty, SafeModeTalksInCrcPackets) {
    RigNe r(10);
    r.run_at(1.0);
    EXPECT_TRUE(r.snap().pump_running);
    auto st = r.p->status();
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_EQ(st->state, edc::PumpState::infusing);
    ASSERT_TRUE(r.p->safe_stop());
    EXPECT_FALSE(r.snap().pump_running);
}

TEST(DriversNewEraFaults, SilentPumpIsATimeout) {
    RigNe r;
    r.run_at(1.0);
    r.host->inject(FaultKind::pump_timeout);
    auto [st, took] = edc::test::timed([&] { return r.p->status(); });
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, "timeout");
    EXPECT_LT(took, edc::test::hang_bound);  // not a hang
}

TEST(DriversNewEraFaults, UnpluggedPumpIsADisconnect) {
    RigNe r;
    r.run_at(1.0);
    r.host->inject(FaultKind::pump_disconnect);
    std::this_thread::sleep_for(100ms);
    auto st = r.p->status();
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, "disconnected") << st.error().message;
}

TEST(DriversNewEraFaults, StallIsAnAlarmAndSafeStopStillStops) {
    RigNe r;
    r.run_at(1.0);
    r.host->inject(FaultKind::pump_stall);
    auto st = r.p->status();
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_EQ(st->state, edc::PumpState::alarm);
    EXPECT_EQ(st->alarm, "S");
    ASSERT_TRUE(r.p->safe_stop());
    EXPECT_FALSE(r.snap().pump_running);
}

TEST(DriversNewEraFaults, PowerGlitchAlarmMeansTheCommandWasNotExecuted) {
    RigNe r;
    r.run_at(1.0);
    r.host->inject(FaultKind::pump_alarm);
    auto s = r.p->set_rate(ml_per_min_to_m3_per_s(1.2));
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, "pump_alarm");
    EXPECT_NE(s.error().message.find("alarm R"), std::string::npos) << s.error().message;
}

TEST(DriversNewEraFaults, EmptySyringeStallsThePump) {
    RigNe r;
    r.run_at(1.0);
    r.host->inject(FaultKind::syringe_empty);
    std::this_thread::sleep_for(200ms);
    auto st = r.p->status();
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_EQ(st->state, edc::PumpState::alarm);
    ASSERT_TRUE(r.p->safe_stop());
    EXPECT_FALSE(r.snap().pump_running);
}

TEST(DriversNewEraFaults, UnpromptedSafeModeAlarmDoesNotShiftReplies) {
    RigNe r(10);
    r.run_at(1.0);
    r.host->inject(FaultKind::pump_stall);
    std::this_thread::sleep_for(200ms);  // the pump announces alarm S on its own
    auto st = r.p->status();
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_EQ(st->state, edc::PumpState::alarm);
    EXPECT_EQ(st->alarm, "S");
    ASSERT_TRUE(r.p->safe_stop());
    EXPECT_FALSE(r.snap().pump_running);
    auto after = r.p->status();
    ASSERT_TRUE(after) << after.error().message;
    EXPECT_EQ(after->state, edc::PumpState::stopped);
}
