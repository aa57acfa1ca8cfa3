#include "drivers/sim/harvard_model.hpp"

#include <gtest/gtest.h>

#include "drivers/sim/legato_model.hpp"
#include "drivers/sim/sim_host.hpp"
#include "drivers/sim/syringe_mechanics.hpp"
#include "tests/support/decimal_comma_gtest.hpp"

// Every number on the wire with a decimal point, also on a German bench (issue 11, defect 5).
EDC_ALL_TESTS_UNDER_DECIMAL_COMMA_LOCALE()

namespace edc::sim {
namespace {

class Elite : public ::testing::Test {
protected:
    Elite() : cell(paper_cell_params()), pump(cell, HarvardOptions{}) {}
    std::string send(const std::string& line, double t = 0.0) {
        std::string out;
        for (const auto& r : pump.receive(line + "\r", Instant{t, t})) out += r.bytes;
        return out;
    }
    SimCell cell;
    HarvardModel pump;
};

TEST_F(Elite, RepliesAreNewlineLinesEndedByAPromptWithoutCr) {
    EXPECT_EQ(send("ver"), "\n 11 Elite 3.0.4\r\n:");
    EXPECT_EQ(send("diameter"), "\n26.5900 mm\r\n:");
}

TEST_F(Elite, RateLimitsFollowTheDiameter) {
    EXPECT_EQ(send("irate lim"), "\n0.0366 ul/min to 26.64 ml/min\r\n:");
    EXPECT_EQ(send("diameter 13.295"), "\n:");  // half the diameter: a quarter of the area
    EXPECT_EQ(send("irate lim"), "\n0.00915 ul/min to 6.66 ml/min\r\n:");
}

TEST_F(Elite, SetsRateAndRunsWithInfusingPrompt) {
    EXPECT_EQ(send("irate 12.5 m/m"), "\n:");
    EXPECT_EQ(send("irate"), "\n12.5 ml/min\r\n:");
    EXPECT_EQ(send("irun"), "\n>");
    EXPECT_EQ(send("crate"), "\nInfusing at 12.5 ml/min\r\n>");
    EXPECT_EQ(send("irate 3.2 u/h"), "\n>");  // a new rate while running
    EXPECT_EQ(send("irate"), "\n3.2 ul/hr\r\n>");
    EXPECT_EQ(send("stop"), "\n:");
}

TEST_F(Elite, CommandsMayBeAbbreviatedToFourLetters) {
    EXPECT_EQ(send("diam"), "\n26.5900 mm\r\n:");
    EXPECT_EQ(send("irat 1 m/m"), "\n:");
    EXPECT_EQ(send("dia"), "\nCommand error: dia\r\n   Unknown command\r\n:");
}

TEST_F(Elite, OutOfRangeRateIsAnArgumentErrorAndKeepsTheOldRate) {
    send("irate 10 m/m");
    EXPECT_EQ(send("irate 30 m/m"), "\nArgument error: 30 m/m\r\n   Out of range\r\n:");
    EXPECT_EQ(send("irate"), "\n10 ml/min\r\n:");
}

TEST_F(Elite, InfusedVolumeAccumulatesAndClears) {
    send("irate 12.5 m/m", 0.0);
    send("irun", 0.0);
    EXPECT_EQ(send("ivolume", 60.0), "\n12.5 ml\r\n>");
    send("stop", 60.0);
    send("civolume", 60.0);
    EXPECT_EQ(send("ivolume", 70.0), "\n0 ml\r\n:");
}

TEST_F(Elite, TargetVolumeStopsWithTargetPrompt) {
    send("irate 6 m/m", 0.0);
    send("tvolume 1 ml", 0.0);
    send("irun", 0.0);
    EXPECT_EQ(send("ivolume", 20.0), "\n1 ml\r\nT*");  // 1 mL at 6 mL/min takes 10 s
}

TEST_F(Elite, StallShowsTheStarPrompt) {
    send("irate 6 m/m");
    send("irun");
    pump.stall();
    EXPECT_EQ(send("status").back(), '*');
    EXPECT_FALSE(pump.state().running);
}

TEST_F(Elite, FastPrefixWithNvramOffIsQuickerThanAnNvramWrite) {
    const auto slow = pump.receive("irate 1 m/m\r", Instant{});
    send("NVRAM off");
    const auto fast = pump.receive("@irate 2 m/m\r", Instant{});
    ASSERT_EQ(slow.size(), 1U);
    ASSERT_EQ(fast.size(), 1U);
    EXPECT_LT(fast[0].processing_s, slow[0].processing_s);
    EXPECT_EQ(fast[0].bytes, "\n:");
    EXPECT_EQ(pump.state().fast_commands, 1);
}

TEST(EliteAddress, AddressedRepliesCarryTheAddress) {
    SimCell cell(paper_cell_params());
    HarvardOptions o;
    o.address = 3;
    HarvardModel pump(cell, o);
    EXPECT_EQ(pump.receive("03ver\r", Instant{})[0].bytes, "\n03: 11 Elite 3.0.4\r\n03:");
    EXPECT_TRUE(pump.receive("04ver\r", Instant{}).empty());
}

TEST(HarvardRate, ParsesShortAndLongUnits) {
    double q = 0.0;
    std::string unit;
    ASSERT_TRUE(parse_harvard_rate("3.2", "u/m", q, unit));
    EXPECT_DOUBLE_EQ(q, 3.2e-9 / 60.0);
    EXPECT_EQ(unit, "ul/min");
    ASSERT_TRUE(parse_harvard_rate("1", "ml/h", q, unit));
    EXPECT_DOUBLE_EQ(q, 1e-6 / 3600.0);
    EXPECT_FALSE(parse_harvard_rate("1", "x/m", q, unit));
    EXPECT_FALSE(parse_harvard_rate("abc", "m/m", q, unit));
}

// The KD Scientific Legato: the same firmware family, its own identity, rate range and poll mode.
class Legato100 : public ::testing::Test {
protected:
    Legato100() : cell(paper_cell_params()), pump(cell, legato_options("kds-legato-100").value()) {}
    std::string send(const std::string& line, double t = 0.0) {
        std::string out;
        for (const auto& r : pump.receive(line + "\r", Instant{t, t})) out += r.bytes;
        return out;
    }
    SimCell cell;
    HarvardModel pump;
};

TEST_F(Legato100, NamesItselfInVer) {
    EXPECT_EQ(send("ver"), "\nLegato 100 3.0.6\r\n:");
    EXPECT_TRUE(is_legato_model("kds-legato-200"));
    EXPECT_FALSE(is_legato_model("harvard-elite"));
    EXPECT_FALSE(legato_options("kds-legato-110"));
}

TEST_F(Legato100, RateRangeIsTheCataloguesOnTheBore) {
    // 26.59 mm bore: 555.30 mm2; catalogue plunger speeds 0.1536 um/min and 190.5 mm/min
    // (1.28 pl/min on a 0.103 mm bore, 216 ml/min on a 38 mm one) give 0.08529 ul/min and
    // 105.8 ml/min (0.1536e-3 * 555.30 = 0.085294; 190.5 * 555.30 = 105785), printed "%.4g".
    EXPECT_EQ(send("irate lim"), "\n0.08529 ul/min to 105.8 ml/min\r\n:");
}

TEST_F(Legato100, PollModeEndsEveryReplyWithXon) {
    EXPECT_EQ(send("poll"), "\nOFF\r\n:");
    EXPECT_EQ(send("poll on"), "\n:\x11");
    EXPECT_EQ(send("irate 12.5 m/m"), "\n:\x11");
    EXPECT_EQ(send("irun"), "\n>\x11");
    EXPECT_EQ(send("poll off"), "\n>");
}

TEST_F(Legato100, InfusesOnlyAndTurnsNvramOffWithNone) {
    EXPECT_EQ(send("wrun"), "\nCommand error: wrun\r\n   Unknown command\r\n:");
    EXPECT_EQ(send("nvram none"), "\n:");
    EXPECT_FALSE(pump.state().nvram);
}

// The syringe physics all simulated pumps share (syringe_mechanics.hpp), in millilitres by hand.
constexpr double ml = 1e-6;

TEST(SyringeMechanics, TheTargetStopsThePlungerShortOfAnEmptySyringe) {
    SyringeVolumes v{1.5 * ml, 0.0, 1.5 * ml, 5.0 * ml};
    PlungerMotion m;
    m.rate_m3_per_s = 1.0 * ml;  // 1 mL/s for 1 s would pass the 2 mL target by 0.5 mL
    m.target_m3 = 2.0 * ml;
    m.capacity_m3 = 60.0 * ml;
    const auto step = move_plunger(v, m, 1.0);
    EXPECT_TRUE(step.target_reached);
    EXPECT_FALSE(step.emptied);
    EXPECT_NEAR(step.moved_m3, 0.5 * ml, 1e-15);
    EXPECT_NEAR(v.infused_m3, 2.0 * ml, 1e-15);
    EXPECT_NEAR(v.content_m3, 4.5 * ml, 1e-15);
}

TEST(SyringeMechanics, AnEmptySyringeDeliversOnlyWhatWasLeft) {
    SyringeVolumes v{0.0, 0.0, 0.0, 0.3 * ml};
    PlungerMotion m;
    m.rate_m3_per_s = 1.0 * ml;
    m.capacity_m3 = 60.0 * ml;
    const auto step = move_plunger(v, m, 1.0);
    EXPECT_TRUE(step.emptied);
    EXPECT_FALSE(step.target_reached);
    EXPECT_NEAR(v.infused_m3, 0.3 * ml, 1e-15);
    EXPECT_EQ(v.content_m3, 0.0);
    EXPECT_EQ(move_plunger(v, m, 0.0).moved_m3, 0.0);  // no time, no motion
}

TEST(SyringeMechanics, AWithdrawalFillsTheSyringeNoFurtherThanItsCapacity) {
    SyringeVolumes v{0.0, 0.0, 0.0, 59.5 * ml};
    PlungerMotion m;
    m.rate_m3_per_s = 1.0 * ml;
    m.infusing = false;
    m.capacity_m3 = 60.0 * ml;
    const auto step = move_plunger(v, m, 1.0);
    EXPECT_FALSE(step.emptied);
    EXPECT_NEAR(v.withdrawn_m3, 1.0 * ml, 1e-15);
    EXPECT_NEAR(v.content_m3, 60.0 * ml, 1e-15);
}

TEST(SyringeMechanics, RateLimitsAreThePlungerSpeedsTimesTheBore) {
    // protocols.md: a 26.59 mm syringe on the Elite, "0.0366 ul/min to 26.64 ml/min".
    const auto lim = syringe_rate_limits(6.5911e-8 / 60.0, 0.047975 / 60.0, 26.59e-3);
    EXPECT_NEAR(lim.max_m3_per_s * 60.0 / ml, 26.64, 0.005);
    EXPECT_NEAR(lim.min_m3_per_s * 60.0 / (ml * 1e-3), 0.0366, 0.00005);
    EXPECT_TRUE(rate_within(lim, lim.max_m3_per_s));
    EXPECT_FALSE(rate_within(lim, lim.max_m3_per_s * 1.001));
    EXPECT_FALSE(rate_within(lim, lim.min_m3_per_s * 0.999));
}

}  // namespace
}  // namespace edc::sim
