#include <gtest/gtest.h>

#include "drivers/pump/newera_protocol.hpp"
#include "tests/support/decimal_comma_gtest.hpp"

// Every number on the wire with a decimal point, also on a German bench (issue 11, defect 5).
EDC_ALL_TESTS_UNDER_DECIMAL_COMMA_LOCALE()

using namespace edc::newera;

TEST(NewEraNumber, UsesAsManyDecimalsAsFourDigitsAllow) {
    EXPECT_EQ(*format_number(0.125), "0.125");
    EXPECT_EQ(*format_number(12.5), "12.50");
    EXPECT_EQ(*format_number(123.456), "123.5");
    EXPECT_EQ(*format_number(1234.4), "1234");
    EXPECT_EQ(*format_number(9.9996), "10.00");  // rounding carries into a fifth digit at 3 decimals
    EXPECT_EQ(*format_number(0.0004), "0.000");
}

TEST(NewEraNumber, RejectsWhatFourDigitsCannotHold) {
    EXPECT_FALSE(format_number(10000.0));
    EXPECT_FALSE(format_number(9999.7));
    EXPECT_FALSE(format_number(-1.0));
}

// Hand conversions: 1 mL/min = 1e-6 m3 / 60 s; 1 uL/h = 1e-9 m3 / 3600 s.
TEST(NewEraUnits, ConvertEachUnitToSi) {
    EXPECT_DOUBLE_EQ(m3_per_s_per_unit(RateUnit::ml_per_min), 1e-6 / 60.0);
    EXPECT_DOUBLE_EQ(m3_per_s_per_unit(RateUnit::ul_per_min), 1e-9 / 60.0);
    EXPECT_DOUBLE_EQ(m3_per_s_per_unit(RateUnit::ml_per_h), 1e-6 / 3600.0);
    EXPECT_DOUBLE_EQ(m3_per_s_per_unit(RateUnit::ul_per_h), 1e-9 / 3600.0);
}

TEST(NewEraUnits, ParseRateRepliesInEveryUnit) {
    EXPECT_DOUBLE_EQ(*parse_rate("12.50UM"), 12.5e-9 / 60.0);
    EXPECT_DOUBLE_EQ(*parse_rate("1.000MM"), 1e-6 / 60.0);
    EXPECT_DOUBLE_EQ(*parse_rate("60.00MH"), 60e-6 / 3600.0);
    EXPECT_DOUBLE_EQ(*parse_rate("500.0UH"), 500e-9 / 3600.0);
    EXPECT_FALSE(parse_rate("12.50XX"));
}

TEST(NewEraUnitChoice, PicksTheFinestResolutionAtTheMaximumRate) {
    // 1 mL/min max: MH gives "60.00" (0.01 mL/h = 2.78e-12 m3/s); MM "1.000" (0.001 mL/min =
    // 1.67e-11); UM "1000" (1 uL/min = 1.67e-11); UH would need 60000 (too many digits).
    auto c = choose_rate_unit(1e-6 / 60.0);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->unit, RateUnit::ml_per_h);
    EXPECT_NEAR(c->resolution_m3_per_s, 0.01e-6 / 3600.0, 1e-20);
}

TEST(NewEraUnitChoice, SmallRatesUseMicrolitresPerHour) {
    // 10 uL/h max: UH "10.00" (0.01 uL/h) beats MH "0.010" (0.001 mL/h = 1 uL/h).
    auto c = choose_rate_unit(10e-9 / 3600.0);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->unit, RateUnit::ul_per_h);
    EXPECT_NEAR(c->resolution_m3_per_s, 0.01e-9 / 3600.0, 1e-22);
}

TEST(NewEraUnitChoice, LargeRatesFallBackToMillilitresPerMinute) {
    // 200 mL/min = 12000 mL/h (5 digits): only MM ("200.0") and UM (200000: too long) remain -> MM.
    auto c = choose_rate_unit(200e-6 / 60.0);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->unit, RateUnit::ml_per_min);
    EXPECT_FALSE(choose_rate_unit(20000e-6 / 60.0));
    EXPECT_FALSE(choose_rate_unit(0.0));
}

TEST(NewEraReply, ParsesStatusDataErrorAndAlarm) {
    auto s = parse_reply("00S12.50UM");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->status, 'S');
    EXPECT_EQ(s->data, "12.50UM");
    auto e = parse_reply("01I?OOR");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->address, 1);
    EXPECT_TRUE(e->has_error);
    EXPECT_EQ(e->error, "OOR");
    auto a = parse_reply("00A?S");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, 'A');
    EXPECT_EQ(a->alarm, 'S');
    EXPECT_FALSE(parse_reply("0S"));
    EXPECT_FALSE(parse_reply("00Q"));
    EXPECT_FALSE(parse_reply("00A"));
    EXPECT_FALSE(parse_reply(std::string("00A?\0", 5)));  // found by fuzz_newera_reply
}

TEST(NewEraReply, ParsesDispensedVolumes) {
    auto d = parse_dispensed("I0.125W0.000ML");
    ASSERT_TRUE(d);
    EXPECT_DOUBLE_EQ(d->infused_m3, 0.125e-6);
    EXPECT_DOUBLE_EQ(d->withdrawn_m3, 0.0);
    EXPECT_DOUBLE_EQ(parse_dispensed("I12.50W1.000UL")->withdrawn_m3, 1e-9);
    EXPECT_FALSE(parse_dispensed("I0.125ML"));
    EXPECT_FALSE(parse_dispensed("IW"));
}

TEST(NewEraCommand, BasicAndSafeModeBytes) {
    EXPECT_EQ(command_bytes(0, "RUN", false), "0RUN\r");
    EXPECT_EQ(command_bytes(0, "RUN", true), std::string("\x02\x08"
                                                         "0RUN\x44\x07\x03",
                                                         9));
}

TEST(NewEraUnits, SiRateToWireNumberInEachUnit) {
    // 0.5 mL/min = 8.333e-9 m3/s: 0.500 MM, 500.0 UM, 30.00 MH, 30000 UH (five digits: refused).
    const double q = 0.5e-6 / 60.0;
    EXPECT_EQ(*format_number(q / m3_per_s_per_unit(RateUnit::ml_per_min)), "0.500");
    EXPECT_EQ(*format_number(q / m3_per_s_per_unit(RateUnit::ul_per_min)), "500.0");
    EXPECT_EQ(*format_number(q / m3_per_s_per_unit(RateUnit::ml_per_h)), "30.00");
    EXPECT_FALSE(format_number(q / m3_per_s_per_unit(RateUnit::ul_per_h)));
}
