#pragma once
// Every test of a GoogleTest executable under de_DE.UTF-8 (see decimal_comma_locale.hpp). In the
// test file, at namespace scope:
//   EDC_ALL_TESTS_UNDER_DECIMAL_COMMA_LOCALE();
// It registers a global environment and one test that fails when the locale is installed but not
// in effect, and skips (visibly) on a machine without it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>

#include "tests/support/decimal_comma_locale.hpp"

namespace edc::test_support {

class DecimalCommaEnvironment : public ::testing::Environment {
public:
    void SetUp() override { locale_ = std::make_unique<DecimalCommaLocale>(); }
    void TearDown() override { locale_.reset(); }

private:
    std::unique_ptr<DecimalCommaLocale> locale_;
};

}  // namespace edc::test_support

#define EDC_ALL_TESTS_UNDER_DECIMAL_COMMA_LOCALE()                                           \
    [[maybe_unused]] const ::testing::Environment* const edc_decimal_comma_environment =     \
        ::testing::AddGlobalTestEnvironment(new edc::test_support::DecimalCommaEnvironment); \
    TEST(DecimalCommaLocale, EveryTestHereRunsWithADecimalComma) {                           \
        if (!edc::test_support::decimal_comma_locale_installed())                            \
            GTEST_SKIP() << edc::test_support::decimal_comma_locale_name                     \
                         << " is not installed (run .ci/setup)";                             \
        EXPECT_EQ(std::strtod("1,5", nullptr), 1.5);                                         \
    }
