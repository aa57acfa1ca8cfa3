// The Harvard Pump 11 Elite driver over a pseudo-terminal against the simulated pump (drivers/sim).
#include <gtest/gtest.h>

#include "control/model/units.hpp"
#include "drivers/pump/pump_factory.hpp"
#include "tests/drivers/sim_support.hpp"

using namespace std::chrono_literals;
using edc::sim::FaultKind;
using edc::test::SimRig;
using edc::units::ml_per_min_to_m3_per_s;

namespace {

struct RigElite : SimRig {
    std::unique_ptr<edc::SyringePump> p;
    explicit RigElite(double speed = 1.0) : SimRig(config(speed)) {
        edc::PumpOptions o;
        o.timeout = edc::test::reply_timeout;
        auto made = edc::make_syringe_pump("harvard-elite", ends.pump, o, io);
        if (!made) throw std::runtime_error(made.error().message);
        p = std::move(*made);
    }
    static edc::sim::SimHostConfig config(double speed) {
        auto c = edc::test::only_pump("harvard-elite");
        c.speed_factor = speed;
        return c;
    }
    void run_at(double ml_per_min) {
        auto d = p->set_diameter(26.59e-3);
        ASSERT_TRUE(d) << d.error().message;
        auto u = p->select_rate_unit(ml_per_min_to_m3_per_s(2.0));
        ASSERT_TRUE(u) << u.error().message;
        auto s = p->set_rate(ml_per_min_to_m3_per_s(ml_per_min));
        ASSERT_TRUE(s) << s.error().message;
        auto st = p->start();
        ASSERT_TRUE(st) << st.error().message;
    }
};

}  // namespace

TEST(DriversEliteOverPty, IdentifiesAsElite) {
    RigElite r;
    auto id = r.p->identify();
    ASSERT_TRUE(id) << id.error().message;
    EXPECT_NE(id->find("Elite"), std::string::npos) << *id;
}

TEST(DriversEliteOverPty, RunsAndChangesRateWithTheFastPrefix) {
    RigElite r;
    r.run_at(1.0);
    auto s = r.snap();
    EXPECT_TRUE(s.pump_running);
    EXPECT_NEAR(s.pump_rate_m3_per_s, ml_per_min_to_m3_per_s(1.0), 1e-13);
    auto changed = r.p->set_rate(ml_per_min_to_m3_per_s(1.5));
    ASSERT_TRUE(changed) << changed.error().message;
    s = r.snap();
    EXPECT_NEAR(s.pump_rate_m3_per_s, ml_per_min_to_m3_per_s(1.5), 1e-13);
    EXPECT_TRUE(s.pump_running);
}

TEST(DriversEliteOverPty, StatusReportsInfusingAndVolume) {
    RigElite r(20.0);
    r.run_at(1.0);
    std::this_thread::sleep_for(300ms);
    auto st = r.p->status();
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_EQ(st->state, edc::PumpState::infusing);
    EXPECT_GT(st->dispensed_m3, 0.0);
}

TEST(DriversEliteOverPty, StopClearAndRateLimit) {
    RigElite r;
    r.run_at(1.0);
    ASSERT_TRUE(r.p->stop());
    EXPECT_FALSE(r.snap().pump_running);
    ASSERT_TRUE(r.p->clear_dispensed());
    auto big = r.p->set_rate(ml_per_min_to_m3_per_s(5000.0));
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().code, "out_of_range");
}

TEST(DriversEliteFaults, SilentPumpIsATimeout) {
    RigElite r;
    r.run_at(1.0);
    r.host->inject(FaultKind::pump_timeout);
    auto [st, took] = edc::test::timed([&] { return r.p->status(); });
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, "timeout");
    EXPECT_LT(took, edc::test::hang_bound);  // not a hang
}

TEST(DriversEliteFaults, UnpluggedPumpIsADisconnect) {
    RigElite r;
    r.run_at(1.0);
    r.host->inject(FaultKind::pump_disconnect);
    std::this_thread::sleep_for(100ms);
    auto st = r.p->status();
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, "disconnected") << st.error().message;
}

TEST(DriversEliteFaults, StallIsReportedAndSafeStopStops) {
    RigElite r;
    r.run_at(1.0);
    r.host->inject(FaultKind::pump_stall);
    auto st = r.p->status();
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_EQ(st->state, edc::PumpState::alarm);
    ASSERT_TRUE(r.p->safe_stop());
    EXPECT_FALSE(r.snap().pump_running);
}

TEST(DriversEliteFaults, EmptySyringeStalls) {
    RigElite r;
    r.run_at(1.0);
    r.host->inject(FaultKind::syringe_empty);
    std::this_thread::sleep_for(200ms);
    auto st = r.p->status();
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_EQ(st->state, edc::PumpState::alarm);
    ASSERT_TRUE(r.p->safe_stop());
}
