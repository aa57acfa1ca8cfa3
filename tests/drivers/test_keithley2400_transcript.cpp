// Transcripts of the Keithley 2400 driver: the exact bytes of protocols.md section 1.
#include <gtest/gtest.h>

#include "drivers/galvanostat/scpi_source_meter.hpp"
#include "tests/drivers/scripted_transport.hpp"
#include "tests/support/decimal_comma_gtest.hpp"

// Every number on the wire with a decimal point, also on a German bench (issue 11, defect 5).
EDC_ALL_TESTS_UNDER_DECIMAL_COMMA_LOCALE()

using edc::test::ScriptedTransport;

namespace {

constexpr const char* no_error = "0,\"No error\"\r";

struct Fixture {
    ScriptedTransport* t;
    edc::ScpiSourceMeter k;
    Fixture() : Fixture(std::make_unique<ScriptedTransport>()) {}
    explicit Fixture(std::unique_ptr<ScriptedTransport> p) : t(p.get()), k(*edc::find_scpi_dialect("keithley-2400"), std::move(p)) {}
};

edc::GalvanostatSettings settings() {
    edc::GalvanostatSettings s;
    s.current_range_a = 0.01;
    s.compliance_v = 10.0;
    s.four_wire = true;
    s.nplc = 1.0;
    s.potential_limit_v = 3.0;
    return s;
}

void expect_configuration(ScriptedTransport& t) {
    t.expect("*CLS\r").expect(":SYST:ERR?\r", no_error);
    t.expect("*RST\r")
        .expect(":SYST:BEEP:STAT 0\r")
        .expect(":SOUR:FUNC CURR\r")
        .expect(":SOUR:CURR:MODE FIX\r")
        .expect(":SOUR:CURR:RANG 0.01\r")
        .expect(":SOUR:CURR:LEV 0\r")
        .expect(":SYST:ERR?\r", no_error);
    t.expect(":SENS:FUNC 'VOLT'\r")
        .expect(":SENS:VOLT:PROT 10\r")
        .expect(":SENS:VOLT:RANG:AUTO 1\r")
        .expect(":SENS:VOLT:NPLC 1\r")
        .expect(":SYST:RSEN ON\r")
        .expect(":SYST:ERR?\r", no_error);
    t.expect(":OUTP:SMOD HIMP\r").expect(":FORM:ELEM VOLT,CURR,TIME,STAT\r").expect(":SYST:ERR?\r", no_error);
}

}  // namespace

TEST(Keithley2400, IdentifySendsIdnQuery) {
    Fixture f;
    f.t->expect("*IDN?\r", "KEITHLEY INSTRUMENTS INC.,MODEL 2400,1207317,C30\r");
    auto id = f.k.identify();
    ASSERT_TRUE(id) << id.error().message;
    EXPECT_EQ(*id, "KEITHLEY INSTRUMENTS INC.,MODEL 2400,1207317,C30");
}

TEST(Keithley2400, ConfigureSendsTheManualsSequenceAndDrainsErrorsPerGroup) {
    Fixture f;
    expect_configuration(*f.t);
    auto r = f.k.configure(settings());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(f.t->unexpected.empty()) << f.t->unexpected.front();
    EXPECT_TRUE(f.t->script_done());
}

TEST(Keithley2400, OutOfRangeComplianceWritesNothing) {
    Fixture f;
    auto s = settings();
    s.compliance_v = 500.0;
    auto r = f.k.configure(s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "invalid_setting");
    EXPECT_TRUE(f.t->written.empty());
}

TEST(Keithley2400, OutOfRangeCurrentRangeWritesNothing) {
    Fixture f;
    auto s = settings();
    s.current_range_a = 2.0;
    EXPECT_FALSE(f.k.configure(s));
    EXPECT_TRUE(f.t->written.empty());
}

TEST(Keithley2400, QueuedErrorAfterAGroupIsATypedErrorWithNumberAndText) {
    Fixture f;
    f.t->expect("*CLS\r").expect(":SYST:ERR?\r", no_error);
    f.t->expect("*RST\r")
        .expect(":SYST:BEEP:STAT 0\r")
        .expect(":SOUR:FUNC CURR\r")
        .expect(":SOUR:CURR:MODE FIX\r")
        .expect(":SOUR:CURR:RANG 0.01\r")
        .expect(":SOUR:CURR:LEV 0\r")
        .expect(":SYST:ERR?\r", "-113,\"Undefined header\"\r")
        .expect(":SYST:ERR?\r", no_error);
    auto r = f.k.configure(settings());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "scpi_error");
    EXPECT_NE(r.error().message.find("-113 Undefined header"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("source setup"), std::string::npos);
}

TEST(Keithley2400, SetCurrentWritesTheLevelWithoutWaiting) {
    Fixture f;
    expect_configuration(*f.t);
    ASSERT_TRUE(f.k.configure(settings()));
    f.t->expect(":SOUR:CURR:LEV -0.0057\r");
    ASSERT_TRUE(f.k.set_current(-0.0057));
    EXPECT_TRUE(f.t->unexpected.empty());
}

TEST(Keithley2400, CurrentBeyondTheRangeWritesNothing) {
    Fixture f;
    expect_configuration(*f.t);
    ASSERT_TRUE(f.k.configure(settings()));
    const auto before = f.t->written.size();
    auto r = f.k.set_current(-0.02);  // range 10 mA, 5 % over-range allowed
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "invalid_setting");
    EXPECT_EQ(f.t->written.size(), before);
}

TEST(Keithley2400, ReadParsesVoltageCurrentTimeAndComplianceBit) {
    Fixture f;
    expect_configuration(*f.t);
    ASSERT_TRUE(f.k.configure(settings()));
    // status 48132 = 0b1011110000000100: bit 3 clear; 48140 = 48132 + 8: bit 3 set.
    f.t->expect(":READ?\r", "+1.234500E-01,-5.700000E-03,+1.234567E+02,+4.813200E+04\r");
    f.t->expect(":READ?\r", "+1.234500E-01,-5.700000E-03,+1.234600E+02,+4.814000E+04\r");
    auto a = f.k.read();
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_DOUBLE_EQ(a->potential_v, 0.12345);
    EXPECT_DOUBLE_EQ(a->current_a, -0.0057);
    EXPECT_DOUBLE_EQ(a->instrument_time_s, 123.4567);
    EXPECT_FALSE(a->in_compliance);
    auto b = f.k.read();
    ASSERT_TRUE(b);
    EXPECT_TRUE(b->in_compliance);
}

TEST(Keithley2400, PotentialBeyondSoftwareLimitSwitchesOffAndFails) {
    Fixture f;
    expect_configuration(*f.t);
    ASSERT_TRUE(f.k.configure(settings()));
    f.t->expect(":READ?\r", "-3.500000E+00,-5.700000E-03,+1.0E+00,+0.0E+00\r");
    f.t->expect(":SOUR:CURR:LEV 0\r")
        .expect(":OUTP:SMOD HIMP\r")
        .expect(":OUTP OFF\r")
        .expect(":SYST:ERR?\r", no_error);
    auto r = f.k.read();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "potential_limit");
    EXPECT_TRUE(f.t->script_done());
    EXPECT_TRUE(f.t->unexpected.empty());
}

TEST(Keithley2400, OverflowedPotentialCountsAsBeyondTheLimit) {
    Fixture f;
    expect_configuration(*f.t);
    ASSERT_TRUE(f.k.configure(settings()));
    f.t->expect(":READ?\r", "+9.900000E+37,-5.700000E-03,+1.0E+00,+8.0E+00\r");
    auto r = f.k.read();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "potential_limit");
}

TEST(Keithley2400, SafeOffSetsZeroThenHighImpedanceThenOutputOff) {
    Fixture f;
    f.t->expect(":SOUR:CURR:LEV 0\r")
        .expect(":OUTP:SMOD HIMP\r")
        .expect(":OUTP OFF\r")
        .expect(":SYST:ERR?\r", no_error);
    ASSERT_TRUE(f.k.safe_off());
    EXPECT_TRUE(f.t->unexpected.empty());
    EXPECT_EQ(f.t->drains, 1);
}

TEST(Keithley2400, SafeOffStopsAtALostLinkInsteadOfWaitingOutEveryTimeout) {
    Fixture f;
    f.t->disconnected = true;
    auto r = f.k.safe_off();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "disconnected");
    EXPECT_EQ(f.t->written.size(), 1U);  // the first command found the link gone: verdict now
}

TEST(Keithley2400, GarbageReadingIsABadReply) {
    Fixture f;
    expect_configuration(*f.t);
    ASSERT_TRUE(f.k.configure(settings()));
    f.t->expect(":READ?\r", "\x7f\x12garbage\r");
    auto r = f.k.read();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "bad_reply");
}

TEST(Keithley2400, ReadBeforeConfigureIsRefusedWithoutWriting) {
    Fixture f;
    EXPECT_EQ(f.k.read().error().code, "not_configured");
    EXPECT_TRUE(f.t->written.empty());
}

TEST(GalvanostatSign, CathodicMagnitudeIsNegativeInstrumentCurrent) {
    EXPECT_DOUBLE_EQ(edc::instrument_current_from_cathodic(0.0057), -0.0057);
    EXPECT_DOUBLE_EQ(edc::cathodic_current_from_instrument(-0.0057), 0.0057);
}

TEST(Keithley2400, UnansweredReadWithQueuedErrorReportsTheError) {
    Fixture f;
    expect_configuration(*f.t);
    ASSERT_TRUE(f.k.configure(settings()));
    // The instrument answers nothing to :READ? with the output off and queues +803.
    f.t->expect(":READ?\r");
    f.t->expect(":SYST:ERR?\r", "+803,\"Not permitted with OUTPUT off\"\r").expect(":SYST:ERR?\r", no_error);
    auto r = f.k.read();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "scpi_error");
    EXPECT_NE(r.error().message.find("803 Not permitted with OUTPUT off"), std::string::npos)
        << r.error().message;
}

TEST(Keithley2400, SilentInstrumentIsATimeout) {
    Fixture f;
    expect_configuration(*f.t);
    ASSERT_TRUE(f.k.configure(settings()));
    f.t->expect(":READ?\r");
    auto r = f.k.read();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "timeout");
}
