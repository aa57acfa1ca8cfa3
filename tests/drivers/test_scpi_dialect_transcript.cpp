// Transcripts of ScpiSourceMeter on the dialect-table entries added for issue 14: the Keithley
// 2460 (the 2450's native SCPI, its own limits) and the Keysight B2901A (B2900 SCPI Command
// Reference). The bytes are written out here from the manuals, not from the table.
#include <gtest/gtest.h>

#include "drivers/galvanostat/scpi_dialect.hpp"
#include "drivers/galvanostat/scpi_source_meter.hpp"
#include "tests/drivers/scripted_transport.hpp"
#include "tests/support/decimal_comma_gtest.hpp"

EDC_ALL_TESTS_UNDER_DECIMAL_COMMA_LOCALE()

using edc::test::ScriptedTransport;

namespace {

constexpr const char* no_error = "0,\"No error\"\n";
constexpr const char* b2900_no_error = "+0,\"No error\"\n";

struct Fixture {
    ScriptedTransport* t;
    edc::ScpiSourceMeter k;
    explicit Fixture(const char* model) : Fixture(model, std::make_unique<ScriptedTransport>()) {}
    Fixture(const char* model, std::unique_ptr<ScriptedTransport> p)
        : t(p.get()), k(*edc::find_scpi_dialect(model), std::move(p)) {}
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

void expect_2460_configuration(ScriptedTransport& t) {
    t.expect("*LANG?\n", "SCPI\n");
    t.expect("*CLS\n").expect(":SYST:ERR?\n", no_error);
    t.expect("*RST\n")
        .expect(":SOUR:FUNC CURR\n")
        .expect(":SOUR:CURR:RANG 0.01\n")
        .expect(":SOUR:CURR:LEV 0\n")
        .expect(":SOUR:CURR:VLIM 10\n")
        .expect(":SYST:ERR?\n", no_error);
    t.expect(":SENS:FUNC \"VOLT:DC\"\n")
        .expect(":SENS:VOLT:RSEN ON\n")
        .expect(":SENS:VOLT:NPLC 1\n")
        .expect(":SYST:ERR?\n", no_error);
    t.expect(":OUTP:CURR:SMOD HIMP\n").expect(":SYST:ERR?\n", no_error);
}

void expect_b2901a_configuration(ScriptedTransport& t) {
    t.expect("*CLS\n").expect(":SYST:ERR?\n", b2900_no_error);
    t.expect("*RST\n")
        .expect(":SOUR:FUNC:MODE CURR\n")
        .expect(":SOUR:CURR:RANG 0.01\n")
        .expect(":SOUR:CURR 0\n")
        .expect(":SYST:ERR?\n", b2900_no_error);
    t.expect(":SENS:FUNC \"VOLT\"\n")
        .expect(":SENS:VOLT:PROT 10\n")
        .expect(":SENS:VOLT:RANG:AUTO ON\n")
        .expect(":SENS:VOLT:NPLC 1\n")
        .expect(":SENS:REM ON\n")
        .expect(":SYST:ERR?\n", b2900_no_error);
    t.expect(":OUTP:OFF:MODE HIZ\n").expect(":FORM:ELEM:SENS VOLT,CURR,TIME,STAT\n");
    t.expect(":SYST:ERR?\n", b2900_no_error);
}

}  // namespace

TEST(Keithley2460, ConfigureChecksLanguageThenSendsThe2450CommandSet) {
    Fixture f("keithley-2460");
    expect_2460_configuration(*f.t);
    auto r = f.k.configure(settings());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(f.t->unexpected.empty()) << f.t->unexpected.front();
    EXPECT_TRUE(f.t->script_done());
}

TEST(Keithley2460, Scpi2400LanguageIsRefusedNamingThe2460) {
    Fixture f("keithley-2460");
    f.t->expect("*LANG?\n", "SCPI2400\n");
    auto r = f.k.configure(settings());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "wrong_language");
    EXPECT_NE(r.error().message.find("Keithley 2460"), std::string::npos) << r.error().message;
    EXPECT_EQ(f.t->written.size(), 1U);
}

TEST(Keithley2460, ComplianceAboveItsHundredVoltsWritesNothing) {
    Fixture f("keithley-2460");
    auto s = settings();
    s.compliance_v = 150.0;  // fine on a 2450, beyond the 2460's 105 V
    EXPECT_EQ(f.k.configure(s).error().code, "invalid_setting");
    EXPECT_TRUE(f.t->written.empty());
}

TEST(Keithley2460, ReadUsesDefbufferAndSourstatLimitBit) {
    Fixture f("keithley-2460");
    expect_2460_configuration(*f.t);
    ASSERT_TRUE(f.k.configure(settings()));
    f.t->expect(":READ? \"defbuffer1\", READ, SOUR, SOURSTAT\n", "-2.5E-01,-5.7E-03,160\n");
    auto a = f.k.read();
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_DOUBLE_EQ(a->potential_v, -0.25);
    EXPECT_DOUBLE_EQ(a->current_a, -5.7e-3);
    EXPECT_TRUE(a->in_compliance);
}

TEST(KeysightB2901A, ConfigureSendsTheB2900CommandsWithoutALanguageCheck) {
    Fixture f("keysight-b2901a");
    expect_b2901a_configuration(*f.t);
    auto r = f.k.configure(settings());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(f.t->unexpected.empty()) << f.t->unexpected.front();
    EXPECT_TRUE(f.t->script_done());
}

TEST(KeysightB2901A, SetCurrentUsesTheShortLevelForm) {
    Fixture f("keysight-b2901a");
    expect_b2901a_configuration(*f.t);
    ASSERT_TRUE(f.k.configure(settings()));
    f.t->expect(":SOUR:CURR -0.0057\n");
    ASSERT_TRUE(f.k.set_current(-0.0057));
    EXPECT_TRUE(f.t->unexpected.empty());
}

TEST(KeysightB2901A, MeasureParsesElementsAndComplianceBits) {
    Fixture f("keysight-b2901a");
    expect_b2901a_configuration(*f.t);
    ASSERT_TRUE(f.k.configure(settings()));
    // Status 1 = current source; 3 = current source + compliance (bit 1).
    f.t->expect(":MEAS?\n", "-2.500000E-01,-5.700000E-03,+1.234000E+01,+1.000000E+00\n");
    f.t->expect(":MEAS?\n", "-2.500000E-01,-5.700000E-03,+1.250000E+01,+3.000000E+00\n");
    auto a = f.k.read();
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_DOUBLE_EQ(a->potential_v, -0.25);
    EXPECT_DOUBLE_EQ(a->current_a, -5.7e-3);
    EXPECT_DOUBLE_EQ(a->instrument_time_s, 12.34);
    EXPECT_FALSE(a->in_compliance);
    auto b = f.k.read();
    ASSERT_TRUE(b);
    EXPECT_TRUE(b->in_compliance);
}

TEST(KeysightB2901A, SafeOffOpensIntoHighImpedanceThenSwitchesOff) {
    Fixture f("keysight-b2901a");
    f.t->expect(":SOUR:CURR 0\n").expect(":OUTP:OFF:MODE HIZ\n").expect(":OUTP OFF\n");
    f.t->expect(":SYST:ERR?\n", b2900_no_error);
    ASSERT_TRUE(f.k.safe_off());
    EXPECT_TRUE(f.t->unexpected.empty());
}

TEST(ScpiDialectTable, IdentityNamesTheEntry) {
    auto model_of = [](const char* idn) {
        const auto* d = edc::find_scpi_dialect_by_identity(idn);
        return d == nullptr ? std::string("none") : d->model;
    };
    EXPECT_EQ(model_of("KEITHLEY INSTRUMENTS INC.,MODEL 2400,1207317,C30"), "keithley-2400");
    EXPECT_EQ(model_of("KEITHLEY INSTRUMENTS INC.,MODEL 2410,1207317,C30"), "keithley-2400");
    EXPECT_EQ(model_of("KEITHLEY INSTRUMENTS,MODEL 2450,04365704,1.6.4c"), "keithley-2450");
    EXPECT_EQ(model_of("KEITHLEY INSTRUMENTS,MODEL 2461,01234567,1.7.0b"), "keithley-2461");
    EXPECT_EQ(model_of("Keysight Technologies,B2902A,MY51140456,3.4.2011.5100"), "keysight-b2902a");
    EXPECT_EQ(model_of("Keithley Instruments Inc., Model 2602B, 1234567, 3.0.0"), "none");
}
