#include "drivers/sim/scpi_parser.hpp"

#include <gtest/gtest.h>

#include "tests/support/decimal_comma_gtest.hpp"

// Every number on the wire with a decimal point, also on a German bench (issue 11, defect 5).
EDC_ALL_TESTS_UNDER_DECIMAL_COMMA_LOCALE()

namespace edc::sim {
namespace {

using Header = std::vector<std::string>;

TEST(ScpiParser, SplitsChainedCommandsAndContinuesAtTheParentNode) {
    const auto c = parse_scpi_message(":SOUR:CURR:LEV 0.001;RANG 0.01");
    ASSERT_EQ(c.size(), 2U);
    EXPECT_EQ(c[0].header, (Header{"SOUR", "CURR", "LEV"}));
    ASSERT_EQ(c[0].params.size(), 1U);
    EXPECT_EQ(c[0].params[0].text, "0.001");
    EXPECT_EQ(c[1].header, (Header{"SOUR", "CURR", "RANG"}));
}

TEST(ScpiParser, LeadingColonRestartsAtTheRoot) {
    const auto c = parse_scpi_message(":SOUR:CURR:LEV 0;:OUTP OFF");
    ASSERT_EQ(c.size(), 2U);
    EXPECT_EQ(c[1].header, (Header{"OUTP"}));
    EXPECT_EQ(c[1].params[0].text, "OFF");
}

TEST(ScpiParser, CommonCommandsDoNotChangeThePath) {
    const auto c = parse_scpi_message(":SENS:VOLT:NPLC 1;*OPC?;PROT 5");
    ASSERT_EQ(c.size(), 3U);
    EXPECT_TRUE(c[1].common);
    EXPECT_TRUE(c[1].query);
    EXPECT_EQ(c[1].header, (Header{"*OPC"}));
    EXPECT_EQ(c[2].header, (Header{"SENS", "VOLT", "PROT"}));
}

TEST(ScpiParser, HeadersAreCaseInsensitive) {
    const auto c = parse_scpi_message(":sour:Curr:lev? ");
    ASSERT_EQ(c.size(), 1U);
    EXPECT_EQ(c[0].header, (Header{"SOUR", "CURR", "LEV"}));
    EXPECT_TRUE(c[0].query);
}

TEST(ScpiParser, SemicolonInsideQuotesDoesNotSplit) {
    const auto c = parse_scpi_message(R"(:READ? "def;buf", READ, SOUR)");
    ASSERT_EQ(c.size(), 1U);
    ASSERT_EQ(c[0].params.size(), 3U);
    EXPECT_TRUE(c[0].params[0].quoted);
    EXPECT_EQ(c[0].params[0].text, "def;buf");
    EXPECT_EQ(c[0].params[2].text, "SOUR");
}

TEST(ScpiParser, UnterminatedStringIsASyntaxErrorAfterTheGoodUnits) {
    const auto c = parse_scpi_message(":OUTP ON;:SENS:FUNC 'VOLT");
    ASSERT_EQ(c.size(), 2U);
    EXPECT_EQ(c[0].error_code, 0);
    EXPECT_EQ(c[1].error_code, -102);
}

TEST(ScpiParser, NumericSuffixOneIsDroppedOthersAreOutOfRange) {
    auto c = parse_scpi_message(":OUTP1:STAT ON");
    ASSERT_EQ(c.size(), 1U);
    EXPECT_EQ(c[0].header, (Header{"OUTP", "STAT"}));
    c = parse_scpi_message(":OUTP2 ON");
    ASSERT_EQ(c.size(), 1U);
    EXPECT_EQ(c[0].error_code, -114);
}

TEST(ScpiParser, BadHeaderCharactersAreSyntaxErrors) {
    EXPECT_EQ(parse_scpi_message(":SO#UR 1")[0].error_code, -102);
    EXPECT_EQ(parse_scpi_message(":SOUR::CURR 1")[0].error_code, -102);
    EXPECT_EQ(parse_scpi_message(":OUTP 1,,2")[0].error_code, -102);
}

TEST(ScpiPattern, MatchesShortAndLongFormsAndSkipsOptionalNodes) {
    const ScpiPattern p("[SOURce]:CURRent[:LEVel][:IMMediate][:AMPLitude]");
    EXPECT_TRUE(p.matches({"SOUR", "CURR", "LEV"}));
    EXPECT_TRUE(p.matches({"SOURCE", "CURRENT", "LEVEL", "IMMEDIATE", "AMPLITUDE"}));
    EXPECT_TRUE(p.matches({"CURR"}));
    EXPECT_TRUE(p.matches({"SOUR", "CURR", "AMPL"}));
    EXPECT_FALSE(p.matches({"SOUR", "CURRE", "LEV"}));  // neither short nor long form
    EXPECT_FALSE(p.matches({"SOUR", "CURR", "RANG"}));
}

TEST(ScpiNumber, ParsesDecimalsExponentsAndKeywords) {
    EXPECT_DOUBLE_EQ(parse_scpi_number("-5.7E-3").value, -5.7e-3);
    EXPECT_EQ(parse_scpi_number("max").kind, ScpiNumberKind::maximum);
    EXPECT_EQ(parse_scpi_number("DEF").kind, ScpiNumberKind::def);
    EXPECT_EQ(parse_scpi_number("1.2.3").kind, ScpiNumberKind::invalid);
    EXPECT_EQ(parse_scpi_number("ON").kind, ScpiNumberKind::invalid);
    EXPECT_EQ(parse_scpi_bool("on"), 1);
    EXPECT_EQ(parse_scpi_bool("0"), 0);
    EXPECT_EQ(parse_scpi_bool("maybe"), -1);
}

}  // namespace
}  // namespace edc::sim
