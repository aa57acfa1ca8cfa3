#pragma once
// New Era NE-1000 family wire format (protocols.md section 4), pure and fuzzed.
#include <optional>
#include <string>
#include <string_view>

#include "control/error.hpp"

namespace edc::newera {

enum class RateUnit { ul_per_min, ml_per_min, ul_per_h, ml_per_h };
const char* unit_code(RateUnit u);     // "UM", "MM", "UH", "MH"
double m3_per_s_per_unit(RateUnit u);  // 1 UM = 1e-9/60 m3/s, ...
std::optional<RateUnit> unit_from_code(std::string_view code);

// At most 4 digits and 3 decimals, as many decimals as fit: 0.125 -> "0.125", 12.5 -> "12.50",
// 1234.4 -> "1234". nullopt for negative, non-finite or > 9999 values.
std::optional<std::string> format_number(double v);

struct UnitChoice {
    RateUnit unit;
    double resolution_m3_per_s;  // one step of the last digit at the maximum rate
};
// The unit giving the finest resolution at `max_rate_m3_per_s`; error "out_of_range" when
// no unit can express it (rate > 9999 mL/min or not positive).
Result<UnitChoice> choose_rate_unit(double max_rate_m3_per_s);

struct Reply {
    int address = 0;
    char status = '?';  // I W S P T U X, or A for an alarm
    char alarm = 0;     // with status A: R S T E O
    bool has_error = false;
    std::string error;  // after '?': "" (unknown command), "OOR", "NA", "COM", "IGN"
    std::string data;
};
// Payload between STX and ETX (or the safe-mode packet's payload): "00S", "00S?OOR", "00A?R",
// "00S12.50UM". Error "bad_reply" otherwise.
Result<Reply> parse_reply(std::string_view payload);

// "12.50UM" -> m3/s
Result<double> parse_rate(std::string_view data);
struct Dispensed {
    double infused_m3 = 0.0;
    double withdrawn_m3 = 0.0;
};
// "I0.125W0.000ML" -> volumes
Result<Dispensed> parse_dispensed(std::string_view data);

// The bytes for one command: basic "<addr><command>\r", safe mode a CRC packet.
std::string command_bytes(int address, std::string_view command, bool safe_mode);

const char* alarm_meaning(char alarm);

}  // namespace edc::newera
