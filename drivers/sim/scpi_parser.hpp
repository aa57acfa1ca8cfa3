#pragma once
// The instrument side of SCPI program messages: splits one line into commands at `;`
// (outside quotes), resolves the compound path (a header without a leading `:` continues at
// the previous header's parent node), and matches headers against command patterns written
// as in the manuals ("SOURce:CURRent[:LEVel][:IMMediate][:AMPLitude]": upper case is the
// short form, brackets are optional nodes). Independent of the drivers' SCPI client.
#include <string>
#include <string_view>
#include <vector>

namespace edc::sim {

struct ScpiParam {
    std::string text;  // without quotes for strings
    bool quoted = false;
};

struct ScpiCommand {
    std::vector<std::string> header;  // mnemonics in upper case; "*IDN" for common commands
    bool common = false;
    bool query = false;
    std::vector<ScpiParam> params;
    int error_code = 0;  // nonzero: this unit could not be parsed
    std::string error_text;
};

// One program message (without its terminator) into commands, in order. A unit that fails
// to parse carries error_code (-102 syntax error, -114 header suffix out of range).
[[nodiscard]] std::vector<ScpiCommand> parse_scpi_message(std::string_view line);

// A header pattern: nodes with a short and a long form, some optional.
class ScpiPattern {
public:
    explicit ScpiPattern(std::string_view pattern);
    [[nodiscard]] bool matches(const std::vector<std::string>& header) const;

private:
    struct Node {
        std::string short_form;
        std::string long_form;
        bool optional = false;
    };
    [[nodiscard]] bool match_from(const std::vector<std::string>& header, std::size_t h, std::size_t n) const;
    std::vector<Node> nodes_;
};

// Numeric parameter: SCPI decimal (sign, point, exponent) or MINimum/MAXimum/DEFault.
enum class ScpiNumberKind { value, minimum, maximum, def, invalid };
struct ScpiNumber {
    ScpiNumberKind kind = ScpiNumberKind::invalid;
    double value = 0.0;
};
[[nodiscard]] ScpiNumber parse_scpi_number(std::string_view text);
// Boolean: ON/OFF/1/0 (any non-zero number is true). Empty optional: not a boolean.
[[nodiscard]] int parse_scpi_bool(std::string_view text);  // 1, 0, or -1 when invalid

[[nodiscard]] std::string scpi_upper(std::string_view s);

}  // namespace edc::sim
