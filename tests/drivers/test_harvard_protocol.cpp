#include <gtest/gtest.h>

#include <map>

#include "drivers/pump/harvard_protocol.hpp"
#include "tests/support/decimal_comma_gtest.hpp"

// Every number on the wire with a decimal point, also on a German bench (issue 11, defect 5).
EDC_ALL_TESTS_UNDER_DECIMAL_COMMA_LOCALE()

using namespace edc::harvard;

TEST(HarvardReply, TextLinesAndPrompt) {
    auto r = parse_reply("\n12.5 ml/min\r\n>");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->prompt, Prompt::infusing);
    ASSERT_EQ(r->lines.size(), 1U);
    EXPECT_EQ(r->lines[0], "12.5 ml/min");
    EXPECT_FALSE(r->address);
}

TEST(HarvardReply, AddressedLinesLoseTheirPrefix) {
    auto r = parse_reply("\n01:12.5 ml/min\r\n01:");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->address, 1);
    EXPECT_EQ(r->prompt, Prompt::idle);
    EXPECT_EQ(r->lines.at(0), "12.5 ml/min");
}

TEST(HarvardReply, ErrorLineAndItsMessage) {
    auto r = parse_reply("\nArgument error: 1.200 m/h\r\n   Out of range\r\n:");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->error_kind, "Argument error");
    EXPECT_EQ(r->error_text, "Out of range");
    auto c = parse_reply("\nCommand error: Unknown command\r\n:");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->error_kind, "Command error");
    EXPECT_EQ(c->error_text, "Unknown command");
}

TEST(HarvardReply, StalledAndTargetPrompts) {
    EXPECT_EQ(parse_reply("\n*")->prompt, Prompt::stalled);
    EXPECT_EQ(parse_reply("\nT*")->prompt, Prompt::target_reached);
    EXPECT_FALSE(parse_reply("no prompt"));
    EXPECT_FALSE(parse_reply("\nX"));
}

// Hand conversions: 1 mL/min = 1e-6/60 m3/s, 1 uL/h = 1e-9/3600 m3/s, 1 nL/s = 1e-12 m3/s.
TEST(HarvardRate, ParsesEveryVolumeAndTimeUnit) {
    EXPECT_DOUBLE_EQ(*parse_rate("12.5 ml/min"), 12.5e-6 / 60.0);
    EXPECT_DOUBLE_EQ(*parse_rate("0.0366 ul/min"), 0.0366e-9 / 60.0);
    EXPECT_DOUBLE_EQ(*parse_rate("3 ul/hr"), 3e-9 / 3600.0);
    EXPECT_DOUBLE_EQ(*parse_rate("2 ml/h"), 2e-6 / 3600.0);
    EXPECT_DOUBLE_EQ(*parse_rate("7 nl/s"), 7e-12);
    EXPECT_FALSE(parse_rate("12.5"));
    EXPECT_FALSE(parse_rate("12.5 gal/min"));
}

TEST(HarvardRate, LimitsLine) {
    auto l = parse_rate_limits("0.0366 ul/min to 26.64 ml/min");
    ASSERT_TRUE(l);
    EXPECT_DOUBLE_EQ(l->min_m3_per_s, 0.0366e-9 / 60.0);
    EXPECT_DOUBLE_EQ(l->max_m3_per_s, 26.64e-6 / 60.0);
    EXPECT_FALSE(parse_rate_limits("26.64 ml/min to 0.0366 ul/min"));
}

TEST(HarvardVolume, ParsesUnits) {
    EXPECT_DOUBLE_EQ(*parse_volume("1.234 ml"), 1.234e-6);
    EXPECT_DOUBLE_EQ(*parse_volume("12 ul"), 12e-9);
    EXPECT_FALSE(parse_volume("12"));
}

TEST(HarvardNumber, FourSignificantDigitsWithoutExponent) {
    EXPECT_EQ(*format_number(12.5), "12.50");
    EXPECT_EQ(*format_number(0.0366), "0.03660");
    EXPECT_EQ(*format_number(2664.4), "2664");
    EXPECT_EQ(*format_number(9.99996), "10.00");
    EXPECT_FALSE(format_number(0.0));
    EXPECT_FALSE(format_number(12000.0));
}

TEST(HarvardStatus, RateTimeVolumeFlags) {
    // 12.5 mL/min = 2.0833e-7 m3/s = 2.0833e11 fL/s; 1.234 mL = 1.234e12 fL.
    auto s = parse_status("208333333333 1234 1234000000000 I.....");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_NEAR(s->rate_m3_per_s, 12.5e-6 / 60.0, 1e-15);
    EXPECT_DOUBLE_EQ(s->volume_m3, 1.234e-6);
    EXPECT_TRUE(s->moving);
    EXPECT_EQ(s->direction, 'i');
    EXPECT_FALSE(s->stalled);
    auto st = parse_status("0 0 5 i.S...");
    ASSERT_TRUE(st);
    EXPECT_TRUE(st->stalled);
    EXPECT_FALSE(st->moving);
    EXPECT_FALSE(parse_status("1 2 3"));
    EXPECT_FALSE(parse_status("1 2 3 q"));
}

TEST(HarvardRate, CurrentRateLine) {
    EXPECT_DOUBLE_EQ(*parse_current_rate("Infusing at 12.5 ml/min"), 12.5e-6 / 60.0);
    EXPECT_DOUBLE_EQ(*parse_current_rate("Withdrawing at 3 ul/hr"), 3e-9 / 3600.0);
    EXPECT_FALSE(parse_current_rate("12.5 ml/min"));
}

TEST(HarvardUnits, SiRateToWireNumberInEachUnit) {
    // 0.5 mL/min = 8.333e-9 m3/s: 0.5000 m/m, 500.0 u/m, 30.00 m/h, 30000 u/h (too many digits).
    const double q = 0.5e-6 / 60.0;
    std::map<std::string, std::optional<std::string>> got;
    for (const auto& u : rate_units()) got[u.code] = format_number(q / u.m3_per_s);
    EXPECT_EQ(got.at("m/m"), "0.5000");
    EXPECT_EQ(got.at("u/m"), "500.0");
    EXPECT_EQ(got.at("m/h"), "30.00");
    EXPECT_FALSE(got.at("u/h").has_value());
}
