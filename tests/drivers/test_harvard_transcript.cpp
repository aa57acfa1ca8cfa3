// Transcripts of the Harvard Pump 11 Elite driver.
#include <gtest/gtest.h>

#include "drivers/pump/harvard_pump.hpp"
#include "tests/drivers/scripted_transport.hpp"
#include "tests/support/decimal_comma_gtest.hpp"

// Every number on the wire with a decimal point, also on a German bench (issue 11, defect 5).
EDC_ALL_TESTS_UNDER_DECIMAL_COMMA_LOCALE()

using edc::test::ScriptedTransport;

namespace {

struct Fixture {
    ScriptedTransport* t;
    edc::HarvardPump p;
    Fixture() : Fixture(std::make_unique<ScriptedTransport>()) {}
    explicit Fixture(std::unique_ptr<ScriptedTransport> s) : t(s.get()), p(std::move(s)) {}
};

constexpr double ul_per_min = 1e-9 / 60.0;

}  // namespace

TEST(HarvardPump, IdentifyReadsVersionLine) {
    Fixture f;
    f.t->expect("ver\r", "\n11 Elite 3.0.4\r\n:");
    auto id = f.p.identify();
    ASSERT_TRUE(id) << id.error().message;
    EXPECT_EQ(*id, "11 Elite 3.0.4");
}

TEST(HarvardPump, DiameterThenRateLimitsAreRead) {
    Fixture f;
    f.t->expect("diameter 26.59\r", "\n:").expect("irate lim\r", "\n0.0366 ul/min to 26.64 ml/min\r\n:");
    ASSERT_TRUE(f.p.set_diameter(26.59e-3));
    ASSERT_TRUE(f.p.rate_limits());
    EXPECT_DOUBLE_EQ(f.p.rate_limits()->max_m3_per_s, 26.64e-6 / 60.0);
}

TEST(HarvardPump, RateBeyondTheSyringeLimitWritesNothing) {
    Fixture f;
    f.t->expect("diameter 4.700\r", "\n:").expect("irate lim\r", "\n1.5 nl/min to 1.5 ml/min\r\n:");
    ASSERT_TRUE(f.p.set_diameter(4.7e-3));
    const auto before = f.t->written.size();
    auto r = f.p.select_rate_unit(3e-6 / 60.0);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "out_of_range");
    EXPECT_EQ(f.t->written.size(), before);
}

TEST(HarvardPump, RunningRateChangesUseTheFastPrefix) {
    Fixture f;
    ASSERT_TRUE(f.p.select_rate_unit(
        100.0 * ul_per_min));  // m/h "6.000" and u/h "6000" tie at 1 uL/h: the first listed (m/h) is kept
    f.t->expect("irate 1.200 m/h\r", "\n:").expect("irun\r", "\n>").expect("@irate 1.500 m/h\r", "\n>");
    auto a = f.p.set_rate(20.0 * ul_per_min);  // 1.200 mL/h
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_NEAR(*a, 20.0 * ul_per_min, 1e-18);
    ASSERT_TRUE(f.p.start());
    auto b = f.p.set_rate(25.0 * ul_per_min);
    ASSERT_TRUE(b) << b.error().message;
    EXPECT_TRUE(f.t->unexpected.empty()) << f.t->unexpected.front();
}

TEST(HarvardPump, ArgumentErrorOutOfRangeIsTyped) {
    Fixture f;
    ASSERT_TRUE(f.p.select_rate_unit(100.0 * ul_per_min));
    f.t->expect("irate 1.200 m/h\r", "\nArgument error:\r\nOut of range\r\n:");
    auto r = f.p.set_rate(20.0 * ul_per_min);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "out_of_range");
}

TEST(HarvardPump, StatusGivesVolumeAndStall) {
    Fixture f;
    f.t->expect("status\r", "\n208333333 1234 1234000000000 I.....\r\n>");
    f.t->expect("status\r", "\n0 1234 1234000000000 i.S...\r\n*");
    auto s = f.p.status();
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->state, edc::PumpState::infusing);
    EXPECT_DOUBLE_EQ(s->dispensed_m3, 1.234e-6);
    auto stalled = f.p.status();
    ASSERT_TRUE(stalled);
    EXPECT_EQ(stalled->state, edc::PumpState::alarm);
    EXPECT_EQ(stalled->alarm, "stall");
}

TEST(HarvardPump, NvramOffAndSafeStop) {
    Fixture f;
    f.t->expect("NVRAM off\r", "\n:").expect("stop\r", "\n:");
    ASSERT_TRUE(f.p.disable_nvram());
    ASSERT_TRUE(f.p.safe_stop());
    EXPECT_EQ(f.t->drains, 1);
    EXPECT_TRUE(f.t->script_done());
}

TEST(HarvardPump, ClearVolume) {
    Fixture f;
    f.t->expect("civolume\r", "\n:");
    ASSERT_TRUE(f.p.clear_dispensed());
    EXPECT_TRUE(f.t->script_done());
}

// The Elite has no host watchdog: the run gives it the plan's remaining volume as a target, so it
// stops by itself if edc dies. Rounded up: 12.3441 mL to nearest would be "12.34", short of it.
TEST(HarvardPump, TargetVolumeIsSentRoundedUpAndClearedAfterTheRun) {
    Fixture f;
    f.t->expect("tvolume 12.35 ml\r", "\n:")
        .expect("tvolume 500.2 ul\r", "\n:")
        .expect("irun\r", "\n>")
        .expect("status\r", "\n0 1234 500200000000 i...T\r\nT*")
        .expect("ctvolume\r", "\n:");
    auto ml = f.p.set_target_volume(12.3441e-6);
    ASSERT_TRUE(ml) << ml.error().message;
    EXPECT_TRUE(*ml);
    auto ul = f.p.set_target_volume(0.5e-6);
    ASSERT_TRUE(ul) << ul.error().message;
    ASSERT_TRUE(f.p.start());
    auto s = f.p.status();
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->state, edc::PumpState::stopped);
    EXPECT_EQ(s->alarm, "target volume reached");
    auto left = f.p.leave_safe_mode();
    ASSERT_TRUE(left) << left.error().message;
    EXPECT_TRUE(*left);
    EXPECT_TRUE(f.t->script_done());
    EXPECT_TRUE(f.t->unexpected.empty()) << f.t->unexpected.front();
}

TEST(HarvardPump, TargetVolumeThatIsNotPositiveWritesNothing) {
    Fixture f;
    for (const double v : {0.0, -1e-6}) {
        auto r = f.p.set_target_volume(v);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, "out_of_range");
    }
    EXPECT_TRUE(f.t->written.empty());
}
