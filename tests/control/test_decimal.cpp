// Wire numbers (control/decimal.hpp) and messages (strf) keep a decimal point under de_DE.UTF-8,
// and the strict parser takes whole numbers only. Expected texts written by hand.
#include <gtest/gtest.h>

#include "control/decimal.hpp"
#include "control/text.hpp"
#include "tests/support/decimal_comma_gtest.hpp"

EDC_ALL_TESTS_UNDER_DECIMAL_COMMA_LOCALE()

namespace edc {
namespace {

TEST(Decimal, FormatsLikePrintfInTheCLocale) {
    EXPECT_EQ(decimal::fixed(26.59, 2), "26.59");
    EXPECT_EQ(decimal::fixed(0.125, 3), "0.125");
    EXPECT_EQ(decimal::fixed(9.9996, 3), "10.000");
    EXPECT_EQ(decimal::scientific(-5.7e-3, 6), "-5.700000E-03");
    EXPECT_EQ(decimal::scientific(12.5, 6, true), "+1.250000E+01");
    EXPECT_EQ(decimal::general(-0.0057, 6), "-0.0057");
    EXPECT_EQ(decimal::general(1.05e-6, 6), "1.05E-06");
    EXPECT_EQ(decimal::shortest(0.1), "0.1");
}

TEST(Decimal, ParsesWholeNumbersOnly) {
    EXPECT_EQ(decimal::parse("1.5"), 1.5);
    EXPECT_EQ(decimal::parse("+4"), 4.0);
    EXPECT_EQ(decimal::parse("-2E-3"), -2e-3);
    EXPECT_FALSE(decimal::parse("1,5"));
    EXPECT_FALSE(decimal::parse(" 1.5"));
    EXPECT_FALSE(decimal::parse("1.5 "));
    EXPECT_FALSE(decimal::parse("++1"));
    EXPECT_FALSE(decimal::parse(""));
    EXPECT_FALSE(decimal::parse("nan"));
    EXPECT_FALSE(decimal::parse("inf"));
}

TEST(Strf, MessagesKeepADecimalPointUnderAnyLocale) {
    EXPECT_EQ(strf("%.2f mL at %g A", 84.94, -5.7e-3), "84.94 mL at -0.0057 A");
}

}  // namespace
}  // namespace edc
