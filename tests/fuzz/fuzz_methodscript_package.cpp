// MethodSCRIPT replies (packages, errors, version lines) through the LF framer and the
// MethodSCRIPT parsers on arbitrary bytes: nothing may crash, and what parses is consistent.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "drivers/galvanostat/methodscript_protocol.hpp"
#include "drivers/io/framing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace ms = edc::methodscript;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const edc::io::LineFramer f(edc::io::LineEnding::lf);
    std::string_view rest = text;
    std::string previous;
    while (!rest.empty()) {
        const auto s = f.scan(rest);
        if (s.status == edc::io::FrameStatus::incomplete) break;
        if (s.consumed == 0 || s.consumed > rest.size()) __builtin_trap();
        const std::string line(s.payload);
        if (auto p = ms::parse_package(line)) {
            if (line.empty() || line.front() != 'P') __builtin_trap();
            // A decoded value is a 28-bit signed mantissa times a prefix factor (at most 1e18).
            for (const auto& v : {p->time_s, p->potential_v, p->current_a}) {
                if (v && std::isfinite(*v) && std::fabs(*v) > 1.35e8 * 1e18) __builtin_trap();
            }
        }
        if (auto e = ms::parse_error(line); e && e->code > 0xFFFF) __builtin_trap();
        (void)ms::parse_identity(previous, line);
        if (line.size() >= 8) (void)ms::decode_value(std::string_view(line).substr(0, 8));
        previous = line;
        rest.remove_prefix(s.consumed);
    }
    (void)ms::parse_package(text);
    return 0;
}
