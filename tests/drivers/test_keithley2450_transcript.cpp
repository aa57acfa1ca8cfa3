// Transcripts of the Keithley 2450 driver (native SCPI, LF-terminated over TCP).
#include <gtest/gtest.h>

#include "drivers/galvanostat/scpi_source_meter.hpp"
#include "tests/drivers/scripted_transport.hpp"
#include "tests/support/decimal_comma_gtest.hpp"

// Every number on the wire with a decimal point, also on a German bench (issue 11, defect 5).
EDC_ALL_TESTS_UNDER_DECIMAL_COMMA_LOCALE()

using edc::test::ScriptedTransport;

namespace {

constexpr const char* no_error = "0,\"No error\"\n";

struct Fixture {
    ScriptedTransport* t;
    edc::ScpiSourceMeter k;
    Fixture() : Fixture(std::make_unique<ScriptedTransport>()) {}
    explicit Fixture(std::unique_ptr<ScriptedTransport> p) : t(p.get()), k(*edc::find_scpi_dialect("keithley-2450"), std::move(p)) {}
};

edc::GalvanostatSettings settings() {
    edc::GalvanostatSettings s;
    s.current_range_a = 0.001;
    s.compliance_v = 20.0;
    s.four_wire = false;
    s.nplc = 0.5;
    s.potential_limit_v = 2.0;
    return s;
}

void expect_configuration(ScriptedTransport& t) {
    t.expect("*LANG?\n", "SCPI\n");
    t.expect("*CLS\n").expect(":SYST:ERR?\n", no_error);
    t.expect("*RST\n")
        .expect(":SOUR:FUNC CURR\n")
        .expect(":SOUR:CURR:RANG 0.001\n")
        .expect(":SOUR:CURR:LEV 0\n")
        .expect(":SOUR:CURR:VLIM 20\n")
        .expect(":SYST:ERR?\n", no_error);
    t.expect(":SENS:FUNC \"VOLT:DC\"\n")
        .expect(":SENS:VOLT:RSEN OFF\n")
        .expect(":SENS:VOLT:NPLC 0.5\n")
        .expect(":SYST:ERR?\n", no_error);
    t.expect(":OUTP:CURR:SMOD HIMP\n").expect(":SYST:ERR?\n", no_error);
}

}  // namespace

TEST(Keithley2450, ConfigureChecksLanguageThenSendsNativeCommands) {
    Fixture f;
    expect_configuration(*f.t);
    auto r = f.k.configure(settings());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(f.t->unexpected.empty()) << f.t->unexpected.front();
    EXPECT_TRUE(f.t->script_done());
}

TEST(Keithley2450, TspLanguageIsRefusedBeforeConfiguring) {
    Fixture f;
    f.t->expect("*LANG?\n", "TSP\n");
    auto r = f.k.configure(settings());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "wrong_language");
    EXPECT_EQ(f.t->written.size(), 1U);
}

TEST(Keithley2450, NplcOutsideTheModelsRangeWritesNothing) {
    Fixture f;
    auto s = settings();
    s.nplc = 20;
    EXPECT_EQ(f.k.configure(s).error().code, "invalid_setting");
    EXPECT_TRUE(f.t->written.empty());
}

TEST(Keithley2450, ReadUsesDefbufferAndSourstatLimitBit) {
    Fixture f;
    expect_configuration(*f.t);
    ASSERT_TRUE(f.k.configure(settings()));
    // SOURSTAT 128 = output on only; 160 = output on + source limited (32).
    f.t->expect(":READ? \"defbuffer1\", READ, SOUR, SOURSTAT\n", "-1.5E-01,-5.0E-04,128\n");
    f.t->expect(":READ? \"defbuffer1\", READ, SOUR, SOURSTAT\n", "-1.5E-01,-5.0E-04,160\n");
    auto a = f.k.read();
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_DOUBLE_EQ(a->potential_v, -0.15);
    EXPECT_DOUBLE_EQ(a->current_a, -5.0e-4);
    EXPECT_FALSE(a->in_compliance);
    auto b = f.k.read();
    ASSERT_TRUE(b);
    EXPECT_TRUE(b->in_compliance);
}

TEST(Keithley2450, OutputOnReportsQueuedError) {
    Fixture f;
    expect_configuration(*f.t);
    ASSERT_TRUE(f.k.configure(settings()));
    f.t->expect(":OUTP ON\n").expect(":SYST:ERR?\n", "5074, \"Output interlock asserted;details\"\n");
    f.t->expect(":SYST:ERR?\n", no_error);
    auto r = f.k.output(true);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "scpi_error");
    EXPECT_NE(r.error().message.find("5074 Output interlock asserted"), std::string::npos)
        << r.error().message;
    EXPECT_EQ(r.error().message.find("details"), std::string::npos);
}

TEST(Keithley2450, SafeOffUsesCurrentSourceOffMode) {
    Fixture f;
    f.t->expect(":SOUR:CURR:LEV 0\n").expect(":OUTP:CURR:SMOD HIMP\n").expect(":OUTP OFF\n");
    f.t->expect(":SYST:ERR?\n", no_error);
    ASSERT_TRUE(f.k.safe_off());
    EXPECT_TRUE(f.t->unexpected.empty());
}
