// SCPI reply parsers and the line framer on arbitrary bytes: no crash, no unbounded growth.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drivers/galvanostat/scpi_dialect.hpp"
#include "drivers/io/framing.hpp"
#include "drivers/scpi/scpi_reply.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)edc::scpi::parse_number(text);
    (void)edc::scpi::parse_number_list(text, 0);
    (void)edc::scpi::parse_bool(text);
    if (auto e = edc::scpi::parse_error_entry(text); e && e->message.size() > size) __builtin_trap();
    for (const auto& d : edc::scpi_dialects()) (void)edc::parse_source_meter_reading(text, d.read);
    for (auto ending : {edc::io::LineEnding::cr, edc::io::LineEnding::lf, edc::io::LineEnding::crlf,
                        edc::io::LineEnding::any}) {
        const edc::io::LineFramer f(ending);
        std::string_view rest = text;
        while (!rest.empty()) {
            const auto s = f.scan(rest);
            if (s.status == edc::io::FrameStatus::incomplete) break;
            if (s.consumed == 0 || s.consumed > rest.size()) __builtin_trap();
            rest.remove_prefix(s.consumed);
        }
    }
    return 0;
}
