// Harvard Elite prompt framer and reply parsers on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drivers/io/framing.hpp"
#include "drivers/pump/harvard_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const edc::io::HarvardPromptFramer f;
    std::string_view rest = text;
    while (!rest.empty()) {
        const auto s = f.scan(rest);
        if (s.status == edc::io::FrameStatus::incomplete) break;
        if (s.consumed == 0 || s.consumed > rest.size()) __builtin_trap();
        if (s.status != edc::io::FrameStatus::malformed && !edc::harvard::parse_reply(s.payload))
            __builtin_trap();
        rest.remove_prefix(s.consumed);
    }
    (void)edc::harvard::parse_reply(text);
    (void)edc::harvard::parse_rate(text);
    (void)edc::harvard::parse_volume(text);
    (void)edc::harvard::parse_rate_limits(text);
    (void)edc::harvard::parse_status(text);
    return 0;
}
