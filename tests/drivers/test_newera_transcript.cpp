// Transcripts of the New Era NE-1000 driver.
#include <gtest/gtest.h>

#include "drivers/io/framing.hpp"
#include "drivers/pump/newera_pump.hpp"
#include "tests/drivers/scripted_transport.hpp"
#include "tests/support/decimal_comma_gtest.hpp"

// Every number on the wire with a decimal point, also on a German bench (issue 11, defect 5).
EDC_ALL_TESTS_UNDER_DECIMAL_COMMA_LOCALE()

using edc::test::ScriptedTransport;

namespace {

std::string reply(std::string_view payload) {
    return "\x02" + std::string(payload) + "\x03";
}

struct Fixture {
    ScriptedTransport* t;
    edc::NewEraPump p;
    Fixture() : Fixture(std::make_unique<ScriptedTransport>()) {}
    explicit Fixture(std::unique_ptr<ScriptedTransport> s) : t(s.get()), p(std::move(s)) {}
};

constexpr double ml_per_h = 1e-6 / 3600.0;

}  // namespace

TEST(NewEraPump, IdentifyAcknowledgesResetAlarmThenReadsVersion) {
    Fixture f;
    f.t->expect("0\r", reply("00A?R")).expect("0VER\r", reply("00SNE1000V3.928"));
    auto id = f.p.identify();
    ASSERT_TRUE(id) << id.error().message;
    EXPECT_EQ(*id, "NE1000V3.928");
}

TEST(NewEraPump, DiameterInMillimetresAndContinuousVolume) {
    Fixture f;
    f.t->expect("0DIA26.59\r", reply("00S")).expect("0VOL0\r", reply("00S"));
    ASSERT_TRUE(f.p.set_diameter(26.59e-3));
    EXPECT_TRUE(f.t->unexpected.empty());
}

TEST(NewEraPump, DiameterOutOfRangeIsTyped) {
    Fixture f;
    f.t->expect("0DIA0.100\r", reply("00S?OOR"));
    auto r = f.p.set_diameter(0.1e-3);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "out_of_range");
}

TEST(NewEraPump, RateCarriesUnitsWhenStoppedAndOnlyTheNumberWhileRunning) {
    Fixture f;
    auto res = f.p.select_rate_unit(1e-6 / 60.0);  // 1 mL/min max -> mL/h
    ASSERT_TRUE(res);
    f.t->expect("0RAT30.00MH\r", reply("00S"));
    f.t->expect("0DIRINF\r", reply("00S")).expect("0RUN\r", reply("00I"));
    f.t->expect("0RAT45.12\r", reply("00I"));
    auto set = f.p.set_rate(30.0 * ml_per_h);
    ASSERT_TRUE(set) << set.error().message;
    EXPECT_DOUBLE_EQ(*set, 30.0 * ml_per_h);
    ASSERT_TRUE(f.p.start());
    auto running = f.p.set_rate(45.1234 * ml_per_h);  // rounds to 45.12 mL/h
    ASSERT_TRUE(running);
    EXPECT_NEAR(*running, 45.12 * ml_per_h, 1e-18);
    EXPECT_TRUE(f.t->unexpected.empty()) << f.t->unexpected.front();
}

TEST(NewEraPump, RateThatDoesNotFitWritesNothing) {
    Fixture f;
    ASSERT_TRUE(f.p.select_rate_unit(1e-6 / 60.0));  // mL/h
    auto big = f.p.set_rate(1e-5);                   // 36000 mL/h: five digits
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().code, "out_of_range");
    EXPECT_TRUE(f.t->written.empty());
}

TEST(NewEraPump, AlarmReplyMeansNotExecuted) {
    Fixture f;
    ASSERT_TRUE(f.p.select_rate_unit(1e-6 / 60.0));
    f.t->expect("0RAT30.00MH\r", reply("00A?S"));
    auto r = f.p.set_rate(30.0 * ml_per_h);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "pump_alarm");
    EXPECT_NE(r.error().message.find("alarm S"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("not executed"), std::string::npos);
}

TEST(NewEraPump, StatusReportsStateAndInfusedVolume) {
    Fixture f;
    f.t->expect("0DIS\r", reply("00II0.125W0.000ML"));
    auto s = f.p.status();
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->state, edc::PumpState::infusing);
    EXPECT_DOUBLE_EQ(s->dispensed_m3, 0.125e-6);
}

TEST(NewEraPump, StatusDuringAlarmReportsTheAlarmLetter) {
    Fixture f;
    f.t->expect("0DIS\r", reply("00A?T"));
    auto s = f.p.status();
    ASSERT_TRUE(s);
    EXPECT_EQ(s->state, edc::PumpState::alarm);
    EXPECT_EQ(s->alarm, "T");
}

TEST(NewEraPump, StopOnAPausedProgramStopsTwice) {
    Fixture f;
    f.t->expect("0STP\r", reply("00P")).expect("0STP\r", reply("00S"));
    ASSERT_TRUE(f.p.stop());
    EXPECT_TRUE(f.t->script_done());
}

TEST(NewEraPump, SafeStopResendsAfterAnAlarmAcknowledgement) {
    Fixture f;
    f.t->expect("0STP\r", reply("00A?S")).expect("0STP\r", reply("00S"));
    ASSERT_TRUE(f.p.safe_stop());
    EXPECT_EQ(f.t->drains, 1);
    EXPECT_TRUE(f.t->script_done());
}

TEST(NewEraPump, SafeModeSendsCrcPackets) {
    Fixture f;
    f.t->expect("0SAF10\r", reply("00S"));
    f.t->expect(edc::io::encode_newera_safe_packet("0RUN"), edc::io::encode_newera_safe_packet("00I"));
    ASSERT_TRUE(f.p.set_safe_mode(10));
    EXPECT_TRUE(f.p.safe_mode());
    auto r = f.p.command("RUN");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status, 'I');
    EXPECT_TRUE(f.t->unexpected.empty());
}

TEST(NewEraPump, UnknownCommandReplyIsTyped) {
    Fixture f;
    f.t->expect("0XYZ\r", reply("00S?"));
    EXPECT_EQ(f.p.command("XYZ").error().code, "unknown_command");
}

TEST(NewEraPump, ClearDispensedClearsBothDirections) {
    Fixture f;
    f.t->expect("0CLDINF\r", reply("00S")).expect("0CLDWDR\r", reply("00S"));
    ASSERT_TRUE(f.p.clear_dispensed());
    EXPECT_TRUE(f.t->script_done());
}
