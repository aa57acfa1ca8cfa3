// The source-meter dialect table's parsers on arbitrary bytes: every entry's reading parser,
// the *IDN? -> model lookup and the command templates. No crash; a parsed reading is finite
// or an overflowed potential; a found entry is one of the table's.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drivers/galvanostat/scpi_dialect.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const auto& d : edc::scpi_dialects()) {
        if (auto r = edc::parse_source_meter_reading(text, d.read); r && !std::isfinite(r->current_a)) {
            __builtin_trap();
        }
    }
    if (const auto* d = edc::find_scpi_dialect_by_identity(text); d != nullptr) {
        if (edc::find_scpi_dialect(d->model) != d) __builtin_trap();
    }
    edc::GalvanostatSettings s;
    const auto filled = edc::fill_scpi_template(text, s, -0.0057);
    if (filled.size() > 2 * size) __builtin_trap();  // a placeholder expands to a short number
    return 0;
}
