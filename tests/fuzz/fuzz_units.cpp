// The quantity parser on arbitrary bytes: a finite SI value of a known dimension, or an error
// that quotes the input; never a crash.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "recipes/format/quantity.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto q = edc::recipes::parse_quantity(text);
    if (q) {
        if (!std::isfinite(q->si)) std::abort();
        auto same = edc::recipes::parse_quantity_as(text, q->dimension);
        if (!same || *same != q->si) std::abort();
    } else if (q.error().message.empty()) {
        std::abort();
    }
    (void)edc::recipes::parse_quantity_as(text, edc::recipes::Dimension::volume_rate);
    return 0;
}
