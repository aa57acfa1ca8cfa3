// Transcripts of the KD Scientific Legato driver and its protocol file. The replies are the
// bytes a Legato 100 (firmware v3.0.6) sent in a public recording (docs/protocols/legato.md):
// "\n" + lines ending "\r\n" + prompt, and in poll mode an XON (0x11) after the prompt.
#include <gtest/gtest.h>

#include "drivers/io/framing.hpp"
#include "drivers/pump/legato_protocol.hpp"
#include "drivers/pump/legato_pump.hpp"
#include "drivers/pump/pump_factory.hpp"
#include "tests/drivers/scripted_transport.hpp"
#include "tests/support/decimal_comma_gtest.hpp"

// Every number on the wire with a decimal point, also on a German bench (issue 11, defect 5).
EDC_ALL_TESTS_UNDER_DECIMAL_COMMA_LOCALE()

using edc::test::ScriptedTransport;

namespace {

struct Fixture {
    ScriptedTransport* t;
    edc::LegatoPump p;
    explicit Fixture(const std::string& model = "kds-legato-100")
        : Fixture(std::make_unique<ScriptedTransport>(), model) {}
    Fixture(std::unique_ptr<ScriptedTransport> s, const std::string& model)
        : t(s.get()), p(std::move(s), options(model)) {}
    static edc::LegatoOptions options(const std::string& model) {
        edc::LegatoOptions o;
        o.model = model;
        return o;
    }
};

constexpr double ml_per_min = 1e-6 / 60.0;

}  // namespace

TEST(LegatoProtocol, VerNamesTheModelAndFirmware) {
    auto id = edc::legato::parse_ver("Legato 100 3.0.6");
    ASSERT_TRUE(id) << id.error().message;
    EXPECT_EQ(id->model, "Legato 100");
    EXPECT_EQ(id->firmware, "3.0.6");
    ASSERT_NE(edc::legato::model_of_ver("Legato 180 3.0.6"), nullptr);
    EXPECT_EQ(edc::legato::model_of_ver("Legato 180 3.0.6")->recipe_name, "kds-legato-180");
}

TEST(LegatoProtocol, AnEliteOrJunkIsNotALegato) {
    EXPECT_FALSE(edc::legato::parse_ver(" 11 Elite 3.0.4"));
    EXPECT_FALSE(edc::legato::parse_ver("Legato"));
    EXPECT_FALSE(edc::legato::parse_ver("Legato100"));
    EXPECT_EQ(edc::legato::model_of_ver("Legato 110 3.0.6"), nullptr);  // a Legato edc has no entry for
}

TEST(LegatoProtocol, VersionBlockGivesFirmwareAddressAndSerial) {
    auto v =
        edc::legato::parse_version({"Firmware:      v3.0.6", "Pump address:  0", "Serial number: D101754"});
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(v->firmware, "v3.0.6");
    EXPECT_EQ(v->address, 0);
    EXPECT_EQ(v->serial, "D101754");
    EXPECT_FALSE(edc::legato::parse_version({"Pump address:  0"}));
    EXPECT_FALSE(edc::legato::parse_version({"Firmware: v3.0.6", "Pump address: 100"}));
}

TEST(LegatoProtocol, PollModeXonIsNotPartOfTheReply) {
    auto r = edc::legato::parse_reply("\n199.49 ul/min\r\n:\x11");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->prompt, edc::harvard::Prompt::idle);
    ASSERT_EQ(r->lines.size(), 1U);
    EXPECT_EQ(r->lines[0], "199.49 ul/min");
    auto addressed = edc::legato::parse_reply("\x11\nPump address set to 2\r\n02:\x11");
    ASSERT_TRUE(addressed) << addressed.error().message;
    EXPECT_EQ(addressed->address, 2);
}

TEST(LegatoFraming, XonAfterThePromptClosesTheFrame) {
    const edc::io::HarvardPromptFramer f;
    const auto s = f.scan("\n02:\x11");  // without XON an addressed idle prompt waits for quiet
    EXPECT_EQ(s.status, edc::io::FrameStatus::complete);
    EXPECT_EQ(s.consumed, 5U);
    EXPECT_EQ(s.payload, "\n02:");
}

TEST(LegatoFraming, XonLeftFromThePreviousReplyIsSkipped) {
    const edc::io::HarvardPromptFramer f;
    const auto s = f.scan("\x11\n1.234 ml\r\n>\x11");
    EXPECT_EQ(s.status, edc::io::FrameStatus::complete);
    EXPECT_EQ(s.consumed, 14U);
    EXPECT_EQ(s.payload, "\n1.234 ml\r\n>");
    EXPECT_EQ(f.scan("\x11").status, edc::io::FrameStatus::incomplete);
}

TEST(LegatoPump, IdentifySendsOnlyVer) {
    Fixture f;
    f.t->expect("ver\r", "\nLegato 100 3.0.6\r\n:");
    auto id = f.p.identify();
    ASSERT_TRUE(id) << id.error().message;
    EXPECT_EQ(*id, "Legato 100 3.0.6");
    EXPECT_EQ(f.t->written, std::vector<std::string>{"ver\r"});
}

TEST(LegatoPump, AnotherLegatoThanTheRecipeNamesIsRefused) {
    Fixture f("kds-legato-180");
    f.t->expect("ver\r", "\nLegato 100 3.0.6\r\n:");
    auto id = f.p.identify();
    ASSERT_FALSE(id);
    EXPECT_EQ(id.error().code, "wrong_model");
}

TEST(LegatoPump, AnEliteAnsweringIsABadReply) {
    Fixture f;
    f.t->expect("ver\r", "\n 11 Elite 3.0.4\r\n:");
    auto id = f.p.identify();
    ASSERT_FALSE(id);
    EXPECT_EQ(id.error().code, "bad_reply");
}

TEST(LegatoPump, DiameterRateRunAndRunningRateChangeInPollMode) {
    Fixture f;
    f.t->expect("diameter 38.40\r", "\n:\x11")
        .expect("irate lim\r", "\n1.186 nl/min to 220.6 ml/min\r\n:\x11")
        .expect("irate 12.50 m/m\r", "\n:\x11")
        .expect("irun\r", "\n>\x11")
        .expect("@irate 20.00 m/m\r", "\n>\x11")
        .expect("stop\r", "\n:\x11");
    ASSERT_TRUE(f.p.set_diameter(38.4e-3));
    auto unit = f.p.select_rate_unit(77.45 * ml_per_min);
    ASSERT_TRUE(unit) << unit.error().message;
    auto a = f.p.set_rate(12.5 * ml_per_min);
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_NEAR(*a, 12.5 * ml_per_min, 1e-15);
    ASSERT_TRUE(f.p.start());
    auto b = f.p.set_rate(20.0 * ml_per_min);
    ASSERT_TRUE(b) << b.error().message;
    ASSERT_TRUE(f.p.safe_stop());
    EXPECT_TRUE(f.t->unexpected.empty()) << f.t->unexpected.front();
    EXPECT_TRUE(f.t->script_done());
}

TEST(LegatoPump, StatusGivesVolumeStallAndTarget) {
    Fixture f;
    f.t->expect("status\r", "\n208333333333 1234 1234000000000 I.....\r\n>");
    f.t->expect("status\r", "\n0 1234 1234000000000 i.S...\r\n*");
    f.t->expect("status\r", "\n0 1234 2000000000000 i....T\r\nT*");
    auto s = f.p.status();
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->state, edc::PumpState::infusing);
    EXPECT_NEAR(s->dispensed_m3, 1.234e-6, 1e-15);
    s = f.p.status();
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->state, edc::PumpState::alarm);
    EXPECT_EQ(s->alarm, "stall");
    s = f.p.status();
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->state, edc::PumpState::stopped);
    EXPECT_EQ(s->alarm, "target volume reached");
}

TEST(LegatoPump, TargetVolumeIsTheWatchdogAndArgumentErrorsAreTyped) {
    Fixture f;
    f.t->expect("tvolume 89.29 ml\r", "\n:")
        .expect("diameter 60.00\r", "\nArgument error: 60.00\r\n   Out of range\r\n:");
    auto t = f.p.set_target_volume(89.25e-6);  // rounded up, never down
    ASSERT_TRUE(t) << t.error().message;
    EXPECT_TRUE(*t);
    auto d = f.p.set_diameter(60e-3);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, "out_of_range");
}

TEST(LegatoPump, FactorySwitchesNvramOffAndNothingElse) {
    auto s = std::make_unique<ScriptedTransport>();
    auto* t = s.get();
    t->expect("nvram none\r", "\n:");
    edc::PumpOptions o;
    auto pump = edc::make_syringe_pump("kds-legato-200", std::move(s), o);
    ASSERT_TRUE(pump) << pump.error().message;
    EXPECT_EQ(t->written, std::vector<std::string>{"nvram none\r"});
}
