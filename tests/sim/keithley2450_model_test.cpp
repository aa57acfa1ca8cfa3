#include <gtest/gtest.h>

#include <cstdio>

#include "drivers/sim/keithley_model.hpp"
#include "drivers/sim/sim_host.hpp"
#include "tests/support/csv_numbers.hpp"
#include "tests/support/decimal_comma_gtest.hpp"

// Every number on the wire with a decimal point, also on a German bench (issue 11, defect 5).
EDC_ALL_TESTS_UNDER_DECIMAL_COMMA_LOCALE()

namespace edc::sim {
namespace {

class Keithley2450 : public ::testing::Test {
protected:
    static KeithleyOptions options() {
        KeithleyOptions o;
        o.model = SmuModel::keithley2450;
        return o;
    }
    Keithley2450() : cell(paper_cell_params()), smu(cell, options()) {}

    std::string send(const std::string& line) {
        std::string out;
        for (const auto& r : smu.receive(line + "\n", Instant{2.0, 2.0})) out += r.bytes;
        return out;
    }

    SimCell cell;
    KeithleyModel smu;
};

TEST_F(Keithley2450, IdentifiesAndSpeaksScpiWithNewlineTerminator) {
    EXPECT_EQ(send("*IDN?"), "KEITHLEY INSTRUMENTS,MODEL 2450,04365704,1.6.4c\n");
    EXPECT_EQ(send("*LANG?"), "SCPI\n");
}

TEST_F(Keithley2450, GalvanostatSetupLeavesNoError) {
    send(":SOUR:FUNC CURR;:SOUR:CURR:RANG 0.01;:SOUR:CURR:VLIM 10;:SOUR:CURR:LEV -0.0057");
    send(":SENS:FUNC \"VOLT:DC\";:SENS:VOLT:RSEN ON;:SENS:VOLT:NPLC 1;:OUTP:CURR:SMOD HIMP;:OUTP ON");
    EXPECT_EQ(send(":SYST:ERR?"), "0,\"No error\"\n");
    EXPECT_EQ(smu.state().off_mode, OutputOffMode::high_impedance);
    EXPECT_TRUE(smu.state().remote_sense);
    EXPECT_TRUE(smu.state().output_on);
}

TEST_F(Keithley2450, ReadWithBufferElementsAnswersVoltCurrentAndSourceStatus) {
    send(":SOUR:FUNC CURR;:SOUR:CURR:LEV -0.0057;:SENS:FUNC \"VOLT:DC\";:OUTP ON");
    const std::string r = send(":READ? \"defbuffer1\", READ, SOUR, SOURSTAT");
    const auto n = edc::test::csv_numbers(r);
    ASSERT_EQ(n.size(), 3U) << r;
    const double v = n[0], i = n[1];
    const int stat = static_cast<int>(n[2]);
    EXPECT_DOUBLE_EQ(i, -5.7e-3);
    EXPECT_LT(v, 0.0);
    EXPECT_EQ(stat, 128);  // output on, not limited
    EXPECT_EQ(r.back(), '\n');
}

TEST_F(Keithley2450, VoltageLimitSetsSourceStatus32AndTrip) {
    send(":SOUR:FUNC CURR;:SOUR:CURR:LEV -0.0057;:SOUR:CURR:VLIM 0.05;:SENS:FUNC \"VOLT:DC\";:OUTP ON");
    const std::string r = send(":READ? \"defbuffer1\", READ, SOUR, SOURSTAT");
    const auto n = edc::test::csv_numbers(r);
    ASSERT_EQ(n.size(), 3U) << r;
    const double v = n[0];
    const int stat = static_cast<int>(n[2]);
    EXPECT_EQ(stat & 32, 32);
    EXPECT_NEAR(v, -0.05, 1e-6);
    EXPECT_EQ(send(":SOUR:CURR:VLIM:TRIP?"), "1\n");
}

TEST_F(Keithley2450, ErrorTextCarriesDetailsAfterSemicolon) {
    send(":BOGUS:CMD 1");
    EXPECT_EQ(send(":SYST:ERR?"), "-113,\"Undefined header;:BOGUS:CMD\"\n");
}

TEST_F(Keithley2450, Rs232OnlyCommandsDoNotExist) {
    send(":OUTP:SMOD HIMP");  // the 2400's spelling
    EXPECT_EQ(send(":SYST:ERR?").substr(0, 5), "-113,");
}

}  // namespace
// Issue 14: the same model built from other entries of the simulator's dialect table.
class OtherLanSourceMeter : public ::testing::Test {
protected:
    explicit OtherLanSourceMeter(SmuModel model) : cell(paper_cell_params()), smu(cell, options(model)) {}
    static KeithleyOptions options(SmuModel model) {
        KeithleyOptions o;
        o.model = model;
        return o;
    }
    std::string send(const std::string& line) {
        std::string out;
        for (const auto& r : smu.receive(line + "\n", Instant{2.0, 2.0})) out += r.bytes;
        return out;
    }
    SimCell cell;
    KeithleyModel smu;
};

class Keithley2460 : public OtherLanSourceMeter {
protected:
    Keithley2460() : OtherLanSourceMeter(SmuModel::keithley2460) {}
};

class KeysightB2901A : public OtherLanSourceMeter {
protected:
    KeysightB2901A() : OtherLanSourceMeter(SmuModel::keysight_b2901a) {}
};

TEST_F(Keithley2460, IdentifiesAsA2460AndRefusesComplianceAboveItsRange) {
    EXPECT_EQ(send("*IDN?"), "KEITHLEY INSTRUMENTS,MODEL 2460,04412345,1.7.0b\n");
    EXPECT_EQ(send("*LANG?"), "SCPI\n");
    send(":SOUR:CURR:VLIM 150");
    EXPECT_EQ(send(":SYST:ERR?").substr(0, 5), "-222,");
}

TEST_F(KeysightB2901A, SpeaksB2900CommandsAndHasNoLangQuery) {
    EXPECT_EQ(send("*IDN?"), "Keysight Technologies,B2901A,MY51140123,3.4.2011.5100\n");
    send("*LANG?");
    EXPECT_EQ(send(":SYST:ERR?").substr(0, 5), "-113,");
    send(":SOUR:FUNC:MODE CURR;:SOUR:CURR:RANG 0.01;:SOUR:CURR -0.0057");
    send(":SENS:FUNC \"VOLT\";:SENS:VOLT:PROT 10;:SENS:REM ON;:OUTP:OFF:MODE HIZ");
    EXPECT_EQ(send(":SYST:ERR?"), "0,\"No error\"\n");
    EXPECT_EQ(send(":OUTP:OFF:MODE?"), "HIZ\n");
    EXPECT_EQ(smu.state().off_mode, OutputOffMode::high_impedance);
    EXPECT_TRUE(smu.state().remote_sense);
}

TEST_F(KeysightB2901A, MeasureAnswersElementsWithCurrentSourceAndComplianceBits) {
    send(":SOUR:FUNC:MODE CURR;:SOUR:CURR -0.0057;:SENS:FUNC \"VOLT\";:FORM:ELEM:SENS VOLT,CURR,TIME,STAT");
    send(":OUTP ON");
    const auto n = edc::test::csv_numbers(send(":MEAS?"));
    ASSERT_EQ(n.size(), 4U);
    EXPECT_DOUBLE_EQ(n[1], -5.7e-3);
    EXPECT_EQ(static_cast<int>(n[3]), 1);  // current source, not in compliance
    send(":SENS:VOLT:PROT 0.05");
    const auto m = edc::test::csv_numbers(send(":MEAS?"));
    ASSERT_EQ(m.size(), 4U);
    EXPECT_EQ(static_cast<int>(m[3]) & 6, 2);  // channel 1 compliance
    EXPECT_NEAR(m[0], -0.05, 1e-6);
}

}  // namespace edc::sim
