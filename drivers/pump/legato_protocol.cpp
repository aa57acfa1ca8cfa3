#include "drivers/pump/legato_protocol.hpp"

#include <charconv>

#include "control/text.hpp"
#include "drivers/io/printable.hpp"

namespace edc::legato {
namespace {

std::string_view trim(std::string_view s) {
    const auto a = s.find_first_not_of(" \t\r\n");
    if (a == std::string_view::npos) return {};
    return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace

const std::vector<Model>& models() {
    // KD Scientific's catalogue names; whether a model withdraws only decides `wrun`, which edc
    // never sends.
    static const std::vector<Model> m{
        {"kds-legato-100", "Legato 100", false},
        {"kds-legato-180", "Legato 180", true},
        {"kds-legato-200", "Legato 200", false},
    };
    return m;
}

const Model* find_model(std::string_view recipe_name) {
    for (const auto& m : models())
        if (m.recipe_name == recipe_name) return &m;
    return nullptr;
}

Result<harvard::Reply> parse_reply(std::string_view frame) {
    while (!frame.empty() && frame.front() == xon) frame.remove_prefix(1);
    while (!frame.empty() && frame.back() == xon) frame.remove_suffix(1);
    return harvard::parse_reply(frame);
}

Result<Identity> parse_ver(std::string_view line) {
    const auto t = trim(line);
    constexpr std::string_view prefix = "Legato ";
    std::size_t digits = 0;
    while (prefix.size() + digits < t.size() && is_digit(t[prefix.size() + digits])) ++digits;
    const std::size_t end = prefix.size() + digits;
    if (!t.starts_with(prefix) || digits == 0 || (end < t.size() && t[end] != ' ')) {
        return fail("bad_reply",
                    strf("ver answered '%s', not 'Legato <model> <firmware>'", io::printable(line).c_str()));
    }
    Identity id;
    id.model = std::string(t.substr(0, end));
    id.firmware = std::string(trim(t.substr(end)));
    return id;
}

const Model* model_of_ver(std::string_view line) {
    const auto id = parse_ver(line);
    if (!id) return nullptr;
    for (const auto& m : models())
        if (m.ver_name == id->model) return &m;
    return nullptr;
}

Result<VersionBlock> parse_version(const std::vector<std::string>& lines) {
    VersionBlock v;
    bool firmware = false;
    for (const auto& raw : lines) {
        const std::string_view l(raw);
        const auto colon = l.find(':');
        if (colon == std::string_view::npos) continue;
        const auto key = trim(l.substr(0, colon));
        const auto value = trim(l.substr(colon + 1));
        if (key == "Firmware") {
            v.firmware = std::string(value);
            firmware = !value.empty();
        } else if (key == "Pump address") {
            int a = -1;
            const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), a);
            if (ec != std::errc{} || p != value.data() + value.size() || a < 0 || a > 99) {
                return fail("bad_reply",
                            strf("version: pump address '%s' is not 0..99", io::printable(value).c_str()));
            }
            v.address = a;
        } else if (key == "Serial number") {
            v.serial = std::string(value);
        }
    }
    if (!firmware) return fail("bad_reply", "version answered no 'Firmware:' line");
    return v;
}

}  // namespace edc::legato
