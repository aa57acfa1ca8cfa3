#include <gtest/gtest.h>

#include "drivers/scpi/scpi_reply.hpp"
#include "tests/support/decimal_comma_gtest.hpp"

// Every number on the wire with a decimal point, also on a German bench (issue 11, defect 5).
EDC_ALL_TESTS_UNDER_DECIMAL_COMMA_LOCALE()

using namespace edc::scpi;

TEST(ScpiNumber, ParsesSignedExponentForm) {
    auto n = parse_number("+1.234500E-01");
    ASSERT_TRUE(n);
    EXPECT_DOUBLE_EQ(n->value, 0.12345);
    EXPECT_EQ(n->kind, ValueKind::value);
    EXPECT_DOUBLE_EQ(parse_number(" -5.7e-3 ")->value, -0.0057);
}

TEST(ScpiNumber, RecognisesNotMeasuredAndOverflowMarkers) {
    EXPECT_EQ(parse_number("+9.910000E+37")->kind, ValueKind::not_measured);
    EXPECT_EQ(parse_number("+9.900000E+37")->kind, ValueKind::overflow);
    EXPECT_EQ(parse_number("-9.900000E+37")->kind, ValueKind::overflow);
    EXPECT_EQ(parse_number("9.8E37")->kind, ValueKind::value);
}

TEST(ScpiNumber, RejectsTextInfinityAndTrailingGarbage) {
    EXPECT_FALSE(parse_number("inf"));
    EXPECT_FALSE(parse_number("nan"));
    EXPECT_FALSE(parse_number("1.0V"));
    EXPECT_FALSE(parse_number(""));
    EXPECT_EQ(parse_number("x").error().code, "bad_reply");
}

TEST(ScpiNumberList, ParsesA2400Reading) {
    auto v = parse_number_list("+1.234500E-01,-5.700000E-03,+1.234567E+02,+4.813200E+04", 4);
    ASSERT_TRUE(v);
    EXPECT_DOUBLE_EQ((*v)[1].value, -0.0057);
    EXPECT_DOUBLE_EQ((*v)[3].value, 48132.0);
}

TEST(ScpiNumberList, WrongElementCountIsAnError) {
    EXPECT_FALSE(parse_number_list("1,2,3", 4));
    EXPECT_FALSE(parse_number_list("1,2,3,4,5", 4));
    EXPECT_FALSE(parse_number_list("1,,3", 0));
}

TEST(ScpiErrorEntry, ParsesCodeAndQuotedMessage) {
    auto e = parse_error_entry("-222,\"Data out of range\"");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, -222);
    EXPECT_EQ(e->message, "Data out of range");
}

TEST(ScpiErrorEntry, ToleratesSpaceAfterCommaAndCutsDetailsAtSemicolon) {
    auto e = parse_error_entry("+803, \"Not permitted with OUTPUT off;:READ?\"");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 803);
    EXPECT_EQ(e->message, "Not permitted with OUTPUT off");
}

TEST(ScpiErrorEntry, NoErrorIsCodeZero) {
    auto e = parse_error_entry("0,\"No error\"");
    ASSERT_TRUE(e);
    EXPECT_TRUE(e->is_no_error());
}

TEST(ScpiErrorEntry, RejectsEntriesWithoutCode) {
    EXPECT_FALSE(parse_error_entry("\"No error\""));
    EXPECT_FALSE(parse_error_entry("abc,\"x\""));
}

TEST(ScpiBool, AcceptsDigitsAndWords) {
    EXPECT_TRUE(*parse_bool("1"));
    EXPECT_FALSE(*parse_bool("OFF"));
    EXPECT_FALSE(parse_bool("2"));
}
