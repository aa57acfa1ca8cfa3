#pragma once
// Pure parsers for SCPI replies (no I/O; fuzzed): numbers with the Keithley markers, reading
// lists, error-queue entries.
#include <string>
#include <string_view>
#include <vector>

#include "control/error.hpp"

namespace edc::scpi {

enum class ValueKind {
    value,
    not_measured,  // 9.91e37: the element was not measured
    overflow,      // 9.9e37 (either sign): the measurement overflowed its range
};

struct Number {
    double value = 0.0;
    ValueKind kind = ValueKind::value;
};

// "+1.234500E-01", " 5 ", "-5.7e-3". Error "bad_reply" for anything else (incl. inf/nan text).
Result<Number> parse_number(std::string_view text);
// Comma-separated numbers; `expected` elements exactly (0 = any count >= 1).
Result<std::vector<Number>> parse_number_list(std::string_view text, std::size_t expected = 0);
// "1"/"0"/"ON"/"OFF"
Result<bool> parse_bool(std::string_view text);

struct ErrorEntry {
    int code = 0;
    std::string message;  // without quotes, cut at ';' (the 2450 appends details after it)
    bool is_no_error() const { return code == 0; }
};
// -222,"Data out of range" or -222, "Data out of range;..." ; error "bad_reply" otherwise.
Result<ErrorEntry> parse_error_entry(std::string_view text);

std::string_view trim(std::string_view s);

}  // namespace edc::scpi
