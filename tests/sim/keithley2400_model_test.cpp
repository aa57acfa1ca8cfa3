#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "drivers/sim/keithley_model.hpp"
#include "drivers/sim/sim_host.hpp"
#include "tests/support/csv_numbers.hpp"
#include "tests/support/decimal_comma_gtest.hpp"

// Every number on the wire with a decimal point, also on a German bench (issue 11, defect 5).
EDC_ALL_TESTS_UNDER_DECIMAL_COMMA_LOCALE()

namespace edc::sim {
namespace {

class Keithley2400 : public ::testing::Test {
protected:
    Keithley2400() : cell(paper_cell_params()), smu(cell, KeithleyOptions{}) {}

    // Sends one line and returns the bytes the instrument answers ("" when nothing).
    std::string send(const std::string& line, double t = 1.0) {
        std::string out;
        for (const auto& r : smu.receive(line + "\r", Instant{t, t})) out += r.bytes;
        return out;
    }
    std::string next_error() { return send(":SYST:ERR?"); }
    void configure_galvanostat(double amps) {
        send(":SOUR:FUNC CURR;:SOUR:CURR:MODE FIX;:SOUR:CURR:RANG 0.01;:SOUR:CURR:LEV " +
             edc::test::fixed6(amps));
        send(":SENS:FUNC 'VOLT';:SENS:VOLT:PROT 10;:SENS:VOLT:NPLC 1;:SYST:RSEN ON");
        send(":OUTP:SMOD HIMP;:FORM:ELEM VOLT,CURR,TIME,STAT;:OUTP ON");
    }

    SimCell cell;
    KeithleyModel smu;
};

TEST_F(Keithley2400, IdentifiesAsProtocolsSaysWithCarriageReturn) {
    EXPECT_EQ(send("*IDN?"),
              "KEITHLEY INSTRUMENTS INC.,MODEL 2400,1207317,C30   Mar 17 2006 09:29:29/A02  /K/J\r");
}

TEST_F(Keithley2400, SetCommandsAnswerNothingAndLeaveNoError) {
    EXPECT_EQ(send("*RST"), "");
    EXPECT_EQ(send(":SYST:BEEP:STAT 0"), "");
    configure_galvanostat(-5.7e-3);
    EXPECT_EQ(next_error(), "0,\"No error\"\r");
    EXPECT_TRUE(smu.state().output_on);
    EXPECT_TRUE(smu.state().remote_sense);
    EXPECT_DOUBLE_EQ(smu.state().compliance_v, 10.0);
}

TEST_F(Keithley2400, LongAndShortFormsAreTheSameCommand) {
    send(":SOURCE:CURRENT:LEVEL:IMMEDIATE:AMPLITUDE 0.002");
    EXPECT_EQ(send(":sour:curr?"), "+2.000000E-03\r");
    send("SOUR:CURR 0.003");
    EXPECT_EQ(send(":SOURce:CURRent:LEVel?"), "+3.000000E-03\r");
}

TEST_F(Keithley2400, QueriesInOneLineAreJoinedBySemicolons) {
    EXPECT_EQ(send("*OPC?;:OUTP?;:OUTP:SMOD?"), "1;0;NORM\r");
}

TEST_F(Keithley2400, OutputOffModeDefaultsToNormalAndRecordsHighImpedance) {
    EXPECT_EQ(smu.state().off_mode, OutputOffMode::normal);
    send(":OUTP:SMOD HIMP");
    EXPECT_EQ(smu.state().off_mode, OutputOffMode::high_impedance);
    EXPECT_EQ(send(":OUTP:SMOD?"), "HIMP\r");
    send("*RST");  // reset restores the default that shorts the cell
    EXPECT_EQ(smu.state().off_mode, OutputOffMode::normal);
}

TEST_F(Keithley2400, ReadFollowsFormElementsWithSignedExponentFormat) {
    configure_galvanostat(-5.7e-3);
    const std::string r = send(":READ?", 12.5);
    ASSERT_FALSE(r.empty());
    EXPECT_EQ(r.back(), '\r');
    const auto n = edc::test::csv_numbers(r);
    ASSERT_EQ(n.size(), 4U) << r;
    const double v = n[0], i = n[1], t = n[2], stat = n[3];
    EXPECT_EQ(r.substr(14, 14), "-5.700000E-03,");
    EXPECT_DOUBLE_EQ(i, -5.7e-3);
    EXPECT_DOUBLE_EQ(t, 12.5);  // no *RST sent in this fixture: timestamps since power-up
    EXPECT_EQ(stat, 0.0);
    // Hand calculation: E_eq of a 50/50 mM bath (x = 0.5) plus asinh Tafel (0.12 V/dec,
    // i0 = 1 A/m2 on 1 cm2) plus I * 10 ohm.
    const double rt3f = 8.314462618 * 298.15 / (3 * 96485.332);
    const double e_eq = 0.5 * (0.32 - 0.197) + 0.5 * (0.21 - 0.197) + rt3f * std::log(0.05);
    const double expected =
        e_eq + 0.12 / std::log(10.0) * std::asinh(-5.7e-3 / (2 * 1.0 * 1e-4)) - 5.7e-3 * 10.0;
    EXPECT_NEAR(v, expected, 1e-6);
    EXPECT_TRUE(r[0] == '+' || r[0] == '-');
}

TEST_F(Keithley2400, UnmeasuredElementsRead991e37) {
    send(":SOUR:FUNC CURR;:SOUR:CURR:LEV -0.001;:OUTP ON");  // VOLT not switched on
    EXPECT_EQ(send(":READ?").substr(0, 41), "+9.910000E+37,-1.000000E-03,+9.910000E+37");
}

TEST_F(Keithley2400, ReadWithOutputOffFailsWith803AndNoReply) {
    EXPECT_EQ(send(":READ?"), "");
    EXPECT_EQ(next_error(), "803,\"Not permitted with OUTPUT off\"\r");
}

TEST_F(Keithley2400, BinaryFormatIsRefusedOverRs232) {
    send(":FORM:DATA REAL,32");
    EXPECT_EQ(next_error(), "701,\"ASCII only with RS-232\"\r");
}

TEST_F(Keithley2400, CommandErrorsUseTheStandardCodes) {
    send(":SOUR:CURR:LEVX 1");
    EXPECT_EQ(next_error(), "-113,\"Undefined header\"\r");
    send(":SOUR:CURR:LEV");
    EXPECT_EQ(next_error(), "-109,\"Missing parameter\"\r");
    send(":SOUR:CURR:LEV abc");
    EXPECT_EQ(next_error(), "-104,\"Data type error\"\r");
    send(":SOUR:CURR:LEV 5");
    EXPECT_EQ(next_error(), "-222,\"Parameter data out of range\"\r");
    send(":OUTP:SMOD SOMETIMES");
    EXPECT_EQ(next_error(), "-224,\"Illegal parameter value\"\r");
    send(":OUTP ON,OFF");
    EXPECT_EQ(next_error(), "-108,\"Parameter not allowed\"\r");
    send(":SOUR:FUNC CURR;:OUTP ON;:SOUR:FUNC VOLT");
    EXPECT_EQ(next_error(), "-221,\"Settings conflict\"\r");
    send(":OUTP# ON");
    EXPECT_EQ(next_error(), "-102,\"Syntax error; bad header\"\r");
    EXPECT_EQ(next_error(), "0,\"No error\"\r");
}

TEST_F(Keithley2400, LevelBeyondAFixedRangeIsOutOfRange) {
    send(":SOUR:CURR:RANG 0.001;:SOUR:CURR:LEV 0.002");
    EXPECT_EQ(next_error(), "-222,\"Parameter data out of range\"\r");
    send(":SOUR:CURR:LEV 0.001");
    EXPECT_EQ(next_error(), "0,\"No error\"\r");
}

TEST_F(Keithley2400, ErrorQueueHoldsTenAndTheLastBecomesOverflow) {
    for (int i = 0; i < 14; ++i) send(":NOPE");
    for (int i = 0; i < 9; ++i) EXPECT_EQ(next_error(), "-113,\"Undefined header\"\r") << i;
    EXPECT_EQ(next_error(), "-350,\"Queue overflow\"\r");
    EXPECT_EQ(next_error(), "0,\"No error\"\r");
}

TEST_F(Keithley2400, ResetKeepsTheErrorQueueAndClsClearsIt) {
    send(":NOPE");
    send("*RST");
    EXPECT_EQ(send("*STB?"), "36\r");  // error available (4) + standard event summary (32)
    EXPECT_EQ(next_error(), "-113,\"Undefined header\"\r");
    send(":NOPE");
    send("*CLS");
    EXPECT_EQ(send("*STB?"), "0\r");
    EXPECT_EQ(next_error(), "0,\"No error\"\r");
}

TEST_F(Keithley2400, ComplianceLimitsTheCurrentAndSetsStatusBit3) {
    configure_galvanostat(-5.7e-3);
    send(":SENS:VOLT:PROT 0.1");
    const std::string r = send(":READ?");
    const auto n = edc::test::csv_numbers(r);
    ASSERT_EQ(n.size(), 4U) << r;
    const double v = n[0], i = n[1], stat = n[3];
    EXPECT_NEAR(v, -0.1, 1e-6);  // the sensed voltage sits on the compliance
    EXPECT_LT(std::abs(i), 5.7e-3);
    EXPECT_GT(std::abs(i), 0.0);
    EXPECT_EQ(static_cast<long>(stat) & 8, 8);
    EXPECT_EQ(send(":SENS:VOLT:PROT:TRIP?"), "1\r");
}

TEST_F(Keithley2400, ReadTakesNplcAtTheLineFrequencyPlusOverhead) {
    configure_galvanostat(-1e-3);
    send(":SENS:VOLT:NPLC 5");
    const auto replies = smu.receive(":READ?\r", Instant{1.0, 1.0});
    ASSERT_EQ(replies.size(), 1U);
    EXPECT_NEAR(replies[0].processing_s, 5.0 / 50.0 + 0.003 + 0.001, 1e-12);
}

TEST_F(Keithley2400, CtrlXDiscardsAPartialCommand) {
    (void)smu.receive(":OUTP O", Instant{});
    (void)smu.receive("\x18", Instant{});
    EXPECT_EQ(send("*IDN?").substr(0, 9), "KEITHLEY ");
    EXPECT_EQ(next_error(), "0,\"No error\"\r");
}

TEST_F(Keithley2400, OverTemperatureFaultQueues810AndSwitchesTheOutputOff) {
    configure_galvanostat(-1e-3);
    smu.inject_error(810, "OUTPUT blocked by over temperature");
    EXPECT_FALSE(smu.state().output_on);
    EXPECT_EQ(next_error(), "810,\"OUTPUT blocked by over temperature\"\r");
}

}  // namespace
}  // namespace edc::sim
