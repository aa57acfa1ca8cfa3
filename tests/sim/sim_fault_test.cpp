#include "drivers/sim/sim_fault.hpp"

#include <gtest/gtest.h>

#include "tests/support/decimal_comma_gtest.hpp"

// Every number on the wire with a decimal point, also on a German bench (issue 11, defect 5).
EDC_ALL_TESTS_UNDER_DECIMAL_COMMA_LOCALE()

namespace edc::sim {
namespace {

TEST(ParseFault, ReadsKindAndSimulatedSeconds) {
    const auto f = parse_fault("pump-stall@12.5");
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(f->kind, FaultKind::pump_stall);
    EXPECT_DOUBLE_EQ(f->at_sim_s, 12.5);
}

TEST(ParseFault, EveryKindRoundTripsThroughItsName) {
    for (const char* name : {"galvanostat-timeout", "galvanostat-disconnect", "galvanostat-garbage",
                             "galvanostat-scpi-error", "compliance-trip", "pump-timeout", "pump-disconnect",
                             "pump-stall", "pump-alarm", "syringe-empty", "galvanostat-reenumerate",
                             "pump-reenumerate"}) {
        const auto f = parse_fault(std::string(name) + "@0");
        ASSERT_TRUE(f) << name;
        EXPECT_STREQ(to_string(f->kind), name);
    }
}

TEST(ParseFault, RejectsMalformedTextWithSpecificErrors) {
    EXPECT_EQ(parse_fault("pump-stall").error().code, "fault_syntax");
    const auto unknown = parse_fault("pump-explodes@3");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, "fault_kind");
    EXPECT_NE(unknown.error().message.find("pump-explodes"), std::string::npos);
    EXPECT_NE(unknown.error().message.find("syringe-empty"), std::string::npos);  // lists the known kinds
    EXPECT_EQ(parse_fault("pump-stall@").error().code, "fault_time");
    EXPECT_EQ(parse_fault("pump-stall@soon").error().code, "fault_time");
    EXPECT_EQ(parse_fault("pump-stall@-1").error().code, "fault_time");
    EXPECT_EQ(parse_fault("pump-stall@nan").error().code, "fault_time");
    EXPECT_EQ(parse_fault("pump-stall@nan").error().where, "--fault pump-stall@nan");
}

TEST(ParseFault, ReenumerateKindsTakeHowLongThePortIsAway) {
    const auto dflt = parse_fault("pump-reenumerate@60");
    ASSERT_TRUE(dflt) << dflt.error().message;
    EXPECT_EQ(dflt->kind, FaultKind::pump_reenumerate);
    EXPECT_DOUBLE_EQ(dflt->at_sim_s, 60.0);
    EXPECT_DOUBLE_EQ(dflt->away_s, 3.0);  // issue 13: "a few seconds"
    const auto away = parse_fault("galvanostat-reenumerate@60+8.5");
    ASSERT_TRUE(away) << away.error().message;
    EXPECT_EQ(away->kind, FaultKind::galvanostat_reenumerate);
    EXPECT_DOUBLE_EQ(away->at_sim_s, 60.0);
    EXPECT_DOUBLE_EQ(away->away_s, 8.5);
    EXPECT_EQ(parse_fault("pump-stall@60+8").error().code, "fault_syntax");  // only re-enumerations are away
    EXPECT_EQ(parse_fault("pump-reenumerate@60+0").error().code, "fault_time");
    EXPECT_EQ(parse_fault("pump-reenumerate@60+soon").error().code, "fault_time");
}

TEST(ParseFault, ReadsTheSafeStateTriggerOfACompoundFault) {
    const auto f = parse_fault("pump-stall@safe-state");
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(f->kind, FaultKind::pump_stall);
    EXPECT_EQ(f->trigger, FaultTrigger::at_safe_state);
    EXPECT_EQ(parse_fault("pump-stall@12").value().trigger, FaultTrigger::at_time);
    EXPECT_EQ(parse_fault("pump-stall@safe").error().code, "fault_time");
}

TEST(FaultSchedule, LeavesSafeStateFaultsToTheRun) {
    FaultSchedule s({{FaultKind::pump_alarm, 0.0, FaultTrigger::at_safe_state}, {FaultKind::pump_stall, 1.0}});
    EXPECT_EQ(s.pending(), 1U);
    const auto due = s.due(100.0);
    ASSERT_EQ(due.size(), 1U);
    EXPECT_EQ(due[0].kind, FaultKind::pump_stall);
}

TEST(FaultSchedule, FiresEachFaultOnceInTimeOrder) {
    FaultSchedule s({{FaultKind::pump_alarm, 5.0}, {FaultKind::galvanostat_timeout, 1.0}});
    EXPECT_TRUE(s.due(0.5).empty());
    auto first = s.due(1.0);
    ASSERT_EQ(first.size(), 1U);
    EXPECT_EQ(first[0].kind, FaultKind::galvanostat_timeout);
    EXPECT_TRUE(s.due(4.9).empty());
    EXPECT_EQ(s.due(100.0).size(), 1U);
    EXPECT_TRUE(s.due(200.0).empty());
    EXPECT_EQ(s.pending(), 0U);
}

}  // namespace
}  // namespace edc::sim
