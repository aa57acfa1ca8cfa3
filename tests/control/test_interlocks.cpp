#include "control/run/interlocks.hpp"

#include <gtest/gtest.h>

#include <limits>

using namespace edc::run;

namespace {
InterlockLimits limits() { return {2.0, 6e-3, 60e-6, 150e-6}; }
InterlockInputs nominal() { return {-0.4, 5.7e-3, false, 10e-6, 50e-6}; }
}  // namespace

TEST(Interlocks, NominalMeasurementsPass) { EXPECT_FALSE(check_interlocks(limits(), nominal())); }

TEST(Interlocks, EachLimitTripsWithItsValueAndLimit) {
    auto in = nominal();
    in.potential_v = -2.5;
    auto r = check_interlocks(limits(), in);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->trip, InterlockTrip::potential_limit);
    EXPECT_DOUBLE_EQ(r->value, -2.5);
    EXPECT_DOUBLE_EQ(r->limit, 2.0);

    in = nominal();
    in.in_compliance = true;
    EXPECT_EQ(check_interlocks(limits(), in)->trip, InterlockTrip::compliance);

    in = nominal();
    in.current_a = -7e-3;
    EXPECT_EQ(check_interlocks(limits(), in)->trip, InterlockTrip::overcurrent);

    in = nominal();
    in.dispensed_m3 = 61e-6;
    EXPECT_EQ(check_interlocks(limits(), in)->trip, InterlockTrip::syringe_empty);

    in = nominal();
    in.cell_volume_m3 = 151e-6;
    EXPECT_EQ(check_interlocks(limits(), in)->trip, InterlockTrip::cell_overflow);
}

TEST(Interlocks, NonFiniteReadingsTrip) {
    auto in = nominal();
    in.potential_v = std::numeric_limits<double>::quiet_NaN();
    EXPECT_EQ(check_interlocks(limits(), in)->trip, InterlockTrip::potential_limit);
    in = nominal();
    in.current_a = std::numeric_limits<double>::infinity();
    EXPECT_EQ(check_interlocks(limits(), in)->trip, InterlockTrip::overcurrent);
}

TEST(Interlocks, ZeroLimitsAreUnchecked) {
    InterlockLimits l{10.0, 0.0, 0.0, 0.0};
    InterlockInputs in{1.0, 1.0, false, 1.0, 1.0};
    EXPECT_FALSE(check_interlocks(l, in));
}

TEST(Watchdog, ExpiresOnlyWhenArmedAndLate) {
    Watchdog w(0.5);
    EXPECT_FALSE(w.expired(100.0));
    w.kick(10.0);
    EXPECT_FALSE(w.expired(10.4));
    EXPECT_TRUE(w.expired(10.6));
    w.kick(10.6);
    EXPECT_FALSE(w.expired(11.0));
    w.disarm();
    EXPECT_FALSE(w.expired(1000.0));
}
