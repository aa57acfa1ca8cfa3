#pragma once
// PalmSens MethodSCRIPT (EmStat4, EmStat Pico) as edc uses it: pure functions, no port. The
// facts and their sources are in docs/protocols/methodscript.md.
//
// The host uploads a script ("e\n", one command a line, a blank line ends it and starts it);
// the instrument echoes "e\n", streams one package line per measurement ("P" then variables
// separated by ';'), ends with a blank line, and answers a failed command with "!XXXX" (four
// hex digits, optionally ": text").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "control/error.hpp"

namespace edc::methodscript {

// A chronopotentiometry run at a constant current (instrument sign, A).
struct CpScript {
    double current_a = 0.0;
    double interval_s = 0.1;         // one package per interval
    double duration_s = 3600.0;      // the script ends by itself after this (the host restarts it)
    double potential_limit_v = 5.0;  // the script leaves its loop, and the cell off, beyond +-this
    double current_range_a = 0.01;   // set_range db: the applied-current range
    int pgstat_mode = 6;             // set_pgstat_mode: galvanostatic
};

// The script, from "e\n" to the blank line that starts it. Errors: "invalid_setting" for a
// value that is not finite or out of its domain.
[[nodiscard]] Result<std::string> build_cp_script(const CpScript& s);
// The script that switches the cell off and nothing else.
[[nodiscard]] std::string cell_off_script();

// A number as a MethodSCRIPT literal: an integer and an SI prefix ("-5700u", "100m", "2").
[[nodiscard]] Result<std::string> si_literal(double v);

// One streamed measurement, SI units, instrument sign.
struct Package {
    std::optional<double> time_s;       // eb
    std::optional<double> potential_v;  // ab (WE vs RE)
    std::optional<double> current_a;    // ba (WE current)
    std::uint8_t status = 0;            // OR of every variable's status metadata
};
inline constexpr std::uint8_t status_timing_error = 0x1;
inline constexpr std::uint8_t status_overload = 0x2;  // the set current is not being delivered
inline constexpr std::uint8_t status_underload = 0x4;
inline constexpr std::uint8_t status_overload_warning = 0x8;

// "P" line without its line ending. Errors: "bad_package" naming the column and what was wrong.
[[nodiscard]] Result<Package> parse_package(std::string_view line);
// One variable's value: 7 hex digits offset by 0x8000000, then an SI prefix character.
[[nodiscard]] Result<double> decode_value(std::string_view eight_chars);

// An error reply: "!XXXX" or "!XXXX: text", possibly after an echoed command ("Z!0006").
struct ErrorReply {
    unsigned code = 0;
    std::string text;
};
[[nodiscard]] std::optional<ErrorReply> parse_error(std::string_view line);
[[nodiscard]] std::string describe_error(unsigned code);  // the codes the driver meets

// The firmware-version reply to "t": two lines, "t<firmware>" and "<build>*".
struct Identity {
    std::string firmware;  // "es4_lr1.4 #2024-05-10*" without the 't' and '*'
    std::string device;    // "EmStat4 LR", "EmStat4 HR", "EmStat Pico"; empty: not one we know
};
[[nodiscard]] Result<Identity> parse_identity(std::string_view line1, std::string_view line2);

}  // namespace edc::methodscript
