// Unit conversions against hand arithmetic, and the exact text of every quantity error.
#include <gtest/gtest.h>

#include "recipes/format/quantity.hpp"

using edc::recipes::Dimension;
using edc::recipes::parse_quantity;
using edc::recipes::parse_quantity_as;

namespace {

double si(const char* text, Dimension d) {
    auto v = parse_quantity_as(text, d);
    EXPECT_TRUE(v.has_value()) << text << ": " << (v ? "" : v.error().message);
    return v.value_or(-1.0);
}

std::string error_of(const char* text, Dimension d) {
    auto v = parse_quantity_as(text, d);
    EXPECT_FALSE(v.has_value()) << text;
    return v ? std::string() : v.error().message;
}

}  // namespace

TEST(Quantity, ConcentrationsConvertToMolPerCubicMetre) {
    // 1 mM = 1 mmol/L = 1e-3 mol / 1e-3 m3 = 1 mol/m3
    EXPECT_DOUBLE_EQ(si("50 mM", Dimension::concentration), 50.0);
    EXPECT_DOUBLE_EQ(si("0.05 M", Dimension::concentration), 50.0);
    EXPECT_DOUBLE_EQ(si("0.05 mol/L", Dimension::concentration), 50.0);
    EXPECT_DOUBLE_EQ(si("25 mmol/L", Dimension::concentration), 25.0);
    EXPECT_DOUBLE_EQ(si("500 uM", Dimension::concentration), 0.5);
    EXPECT_DOUBLE_EQ(si("0 mM", Dimension::concentration), 0.0);
}

TEST(Quantity, VolumesConvertToCubicMetres) {
    EXPECT_DOUBLE_EQ(si("20 mL", Dimension::volume), 20e-6);
    EXPECT_DOUBLE_EQ(si("60 mL", Dimension::volume), 60e-6);
    EXPECT_DOUBLE_EQ(si("150 uL", Dimension::volume), 150e-9);
    EXPECT_DOUBLE_EQ(si("0.15 L", Dimension::volume), 150e-6);
    EXPECT_DOUBLE_EQ(si("20 ml", Dimension::volume), 20e-6);
}

TEST(Quantity, VolumeRatesConvertToCubicMetresPerSecond) {
    // 100 mL/min = 100e-6 m3 / 60 s
    EXPECT_DOUBLE_EQ(si("100 mL/min", Dimension::volume_rate), 100e-6 / 60.0);
    EXPECT_DOUBLE_EQ(si("12.5 uL/min", Dimension::volume_rate), 12.5e-9 / 60.0);
    EXPECT_DOUBLE_EQ(si("36 mL/h", Dimension::volume_rate), 36e-6 / 3600.0);
    EXPECT_DOUBLE_EQ(si("3600 uL/h", Dimension::volume_rate), 1e-9);
    EXPECT_DOUBLE_EQ(si("1 mL/s", Dimension::volume_rate), 1e-6);
    EXPECT_DOUBLE_EQ(si("100 ml/min", Dimension::volume_rate), 100e-6 / 60.0);
}

TEST(Quantity, CurrentsAndCurrentDensitiesConvertToSi) {
    // 5.7 mA/cm2 = 5.7e-3 A / 1e-4 m2 = 57 A/m2
    EXPECT_DOUBLE_EQ(si("5.7 mA/cm2", Dimension::current_density), 57.0);
    EXPECT_DOUBLE_EQ(si("57 A/m2", Dimension::current_density), 57.0);
    EXPECT_DOUBLE_EQ(si("570 uA/cm2", Dimension::current_density), 5.7);
    EXPECT_DOUBLE_EQ(si("5.7 mA", Dimension::current), 5.7e-3);
    EXPECT_DOUBLE_EQ(si("1 A", Dimension::current), 1.0);
    EXPECT_DOUBLE_EQ(si("10 uA", Dimension::current), 1e-5);
}

TEST(Quantity, TimesConvertToSeconds) {
    EXPECT_DOUBLE_EQ(si("200 s", Dimension::time), 200.0);
    EXPECT_DOUBLE_EQ(si("3 s", Dimension::time), 3.0);
    EXPECT_DOUBLE_EQ(si("2.5 min", Dimension::time), 150.0);
    EXPECT_DOUBLE_EQ(si("1.5 h", Dimension::time), 5400.0);
    EXPECT_DOUBLE_EQ(si("250 ms", Dimension::time), 0.25);
}

TEST(Quantity, LengthsAreasVoltagesConvertToSi) {
    EXPECT_DOUBLE_EQ(si("29.2 mm", Dimension::length), 0.0292);
    EXPECT_DOUBLE_EQ(si("630 nm", Dimension::length), 630e-9);
    EXPECT_DOUBLE_EQ(si("50 um", Dimension::length), 50e-6);
    EXPECT_DOUBLE_EQ(si("1 cm2", Dimension::area), 1e-4);
    EXPECT_DOUBLE_EQ(si("25 mm2", Dimension::area), 25e-6);
    EXPECT_DOUBLE_EQ(si("10 V", Dimension::voltage), 10.0);
    EXPECT_DOUBLE_EQ(si("500 mV", Dimension::voltage), 0.5);
}

TEST(Quantity, ChargeMassAndDiffusivityConvertToSi) {
    // 1.14 C/cm2 = 1.14 C / 1e-4 m2 = 11400 C/m2
    EXPECT_DOUBLE_EQ(si("1.14 C/cm2", Dimension::charge_density), 11400.0);
    EXPECT_DOUBLE_EQ(si("1140 mC/cm2", Dimension::charge_density), 11400.0);
    // 0.43 mg/cm2 = 0.43e-6 kg / 1e-4 m2 = 4.3e-3 kg/m2
    EXPECT_DOUBLE_EQ(si("0.43 mg/cm2", Dimension::areal_mass), 4.3e-3);
    EXPECT_DOUBLE_EQ(si("1e-5 cm2/s", Dimension::diffusivity), 1e-9);
    EXPECT_DOUBLE_EQ(si("1e-9 m2/s", Dimension::diffusivity), 1e-9);
}

TEST(Quantity, AcceptsSpacingSignsExponentsAndTheMicroSign) {
    EXPECT_DOUBLE_EQ(si("50mM", Dimension::concentration), 50.0);
    EXPECT_DOUBLE_EQ(si("  20   mL ", Dimension::volume), 20e-6);
    EXPECT_DOUBLE_EQ(si("+3 s", Dimension::time), 3.0);
    EXPECT_DOUBLE_EQ(si("-2 V", Dimension::voltage), -2.0);
    EXPECT_DOUBLE_EQ(si(".5 mL", Dimension::volume), 0.5e-6);
    EXPECT_DOUBLE_EQ(si("6.3e2 nm", Dimension::length), 630e-9);
    EXPECT_DOUBLE_EQ(si("50 \xC2\xB5m", Dimension::length), 50e-6);     // U+00B5 micro sign
    EXPECT_DOUBLE_EQ(si("12 \xCE\xBCL/min", Dimension::volume_rate), 12e-9 / 60.0);  // U+03BC mu
}

TEST(Quantity, ParseQuantityReportsTheDimension) {
    auto q = parse_quantity("100 mL/min");
    ASSERT_TRUE(q.has_value());
    EXPECT_EQ(q->dimension, Dimension::volume_rate);
    EXPECT_DOUBLE_EQ(q->si, 100e-6 / 60.0);
}

TEST(Quantity, VolumeWhereRateExpectedSaysWhatWasExpected) {
    EXPECT_EQ(error_of("20 mL", Dimension::volume_rate),
              "\"20 mL\" is a volume; expected a volume rate in mL/min, uL/min, mL/h, uL/h, mL/s, uL/s, m3/s, "
              "such as \"100 mL/min\"");
    EXPECT_EQ(parse_quantity_as("20 mL", Dimension::volume_rate).error().code, "wrong_dimension");
}

TEST(Quantity, MillimetreIsNotMillimolar) {
    EXPECT_EQ(error_of("50 mm", Dimension::concentration),
              "\"50 mm\" is a length; expected a concentration in M, mM, uM, mol/L, mmol/L, mol/m3, such as \"50 mM\"");
}

TEST(Quantity, UnknownUnitIsQuoted) {
    EXPECT_EQ(error_of("50 mX", Dimension::concentration),
              "\"50 mX\": unknown unit \"mX\"; expected a concentration in M, mM, uM, mol/L, mmol/L, mol/m3, "
              "such as \"50 mM\"");
    EXPECT_EQ(parse_quantity("50 mX").error().code, "invalid_quantity");
}

TEST(Quantity, TrailingJunkIsAnUnknownUnit) {
    EXPECT_EQ(error_of("200 s later", Dimension::time),
              "\"200 s later\": unknown unit \"s later\"; expected a time in s, ms, min, h, such as \"200 s\"");
    EXPECT_EQ(error_of("20 mL 5", Dimension::volume),
              "\"20 mL 5\": unknown unit \"mL 5\"; expected a volume in L, mL, uL, m3, such as \"20 mL\"");
}

TEST(Quantity, MissingUnitIsRefused) {
    EXPECT_EQ(error_of("200", Dimension::time),
              "\"200\" has no unit; expected a time in s, ms, min, h, such as \"200 s\"");
}

TEST(Quantity, EmptyAndNonNumbersAreRefused) {
    EXPECT_EQ(error_of("", Dimension::time), "empty quantity; expected a time in s, ms, min, h, such as \"200 s\"");
    EXPECT_EQ(error_of("   ", Dimension::time), "empty quantity; expected a time in s, ms, min, h, such as \"200 s\"");
    EXPECT_EQ(error_of("mL", Dimension::volume),
              "\"mL\" is not a quantity; expected a volume in L, mL, uL, m3, such as \"20 mL\"");
    EXPECT_EQ(parse_quantity("abc").error().message,
              "\"abc\" is not a quantity; expected a number followed by a unit, such as \"20 mL\"");
    EXPECT_FALSE(parse_quantity("+-5 s").has_value());
    EXPECT_FALSE(parse_quantity("--5 s").has_value());
}

TEST(Quantity, NanAndInfinityAreRefused) {
    EXPECT_EQ(error_of("nan mL", Dimension::volume),
              "\"nan mL\" is not a quantity; expected a volume in L, mL, uL, m3, such as \"20 mL\"");
    EXPECT_EQ(error_of("inf mL", Dimension::volume),
              "\"inf mL\" is not a quantity; expected a volume in L, mL, uL, m3, such as \"20 mL\"");
    EXPECT_EQ(error_of("-inf mL", Dimension::volume),
              "\"-inf mL\": the number is not finite; expected a volume in L, mL, uL, m3, such as \"20 mL\"");
    EXPECT_EQ(error_of("1e999 mL", Dimension::volume),
              "\"1e999 mL\": the number is not finite; expected a volume in L, mL, uL, m3, such as \"20 mL\"");
}

TEST(Quantity, ControlCharactersAreEscapedInMessages) {
    EXPECT_EQ(parse_quantity("5 m\x01").error().message,
              "\"5 m\\x01\": unknown unit \"m\\x01\"; expected a number followed by a unit, such as \"20 mL\"");
}

TEST(Quantity, UnitsAreCaseSensitive) {
    EXPECT_FALSE(parse_quantity_as("20 ML", Dimension::volume).has_value());
    EXPECT_FALSE(parse_quantity_as("5 S", Dimension::time).has_value());
}

TEST(Quantity, ValueThatOverflowsInSiIsRefused) {
    // 1e307 M = 1e310 mol/m3: beyond double, found by fuzzing
    EXPECT_EQ(error_of("1e307 M", Dimension::concentration),
              "\"1e307 M\": the number is too large for its unit; expected a concentration in M, mM, uM, mol/L, "
              "mmol/L, mol/m3, such as \"50 mM\"");
}
