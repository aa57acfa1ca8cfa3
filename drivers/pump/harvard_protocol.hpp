#pragma once
// Harvard Apparatus Pump 11 Elite wire format (protocols.md section 5), pure and fuzzed.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/error.hpp"

namespace edc::harvard {

enum class Prompt { idle, infusing, withdrawing, stalled, target_reached };
const char* to_string(Prompt p);

struct Reply {
    std::optional<int> address;
    Prompt prompt = Prompt::idle;
    std::vector<std::string> lines;  // text lines without "\n", "nn:" and "\r"
    std::string error_kind;          // "Command error" / "Argument error", empty when none
    std::string error_text;          // the line after it ("Out of range"), else the rest of its own line
};
// A whole reply as HarvardPromptFramer delivers it. Error "bad_reply" otherwise.
Result<Reply> parse_reply(std::string_view frame);

// Rate units the driver uses: code on the wire, and its size in m3/s.
struct RateUnit {
    const char* code;  // "m/m" mL/min, "u/m" uL/min, "m/h" mL/h, "u/h" uL/h
    double m3_per_s;
};
const std::vector<RateUnit>& rate_units();

// 4 significant digits without exponent: 12.5 -> "12.50", 0.0366 -> "0.03660", 2664.4 -> "2664".
// nullopt for negative, non-finite, zero or >= 10000 values.
std::optional<std::string> format_number(double v);

// "12.5 ml/min", "0.0366 ul/min", "3 nl/hr", "1.5 ml/s" -> m3/s
Result<double> parse_rate(std::string_view text);
// "1.234 ml", "12 ul", "5 nl", "0 pl" -> m3
Result<double> parse_volume(std::string_view text);

// crate: "Infusing at 12.5 ml/min" / "Withdrawing at 3 ul/hr" -> m3/s
Result<double> parse_current_rate(std::string_view text);

struct RateLimits {
    double min_m3_per_s = 0.0;
    double max_m3_per_s = 0.0;
};
// "0.0366 ul/min to 26.64 ml/min"
Result<RateLimits> parse_rate_limits(std::string_view text);

struct StatusWord {
    double rate_m3_per_s = 0.0;
    double time = 0.0;  // pump's run time field, unit as the pump reports it
    double volume_m3 = 0.0;
    char direction = 'i';  // i/w; upper case while moving
    bool moving = false;
    bool stalled = false;
    bool target_reached = false;
};
// "<rate fL/s> <time> <volume fL> <flags>", e.g. "12500000000 1234 1234000000000 I....."
Result<StatusWord> parse_status(std::string_view text);

}  // namespace edc::harvard
