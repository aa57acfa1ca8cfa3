// New Era framers (basic, safe, auto) and reply parsers on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drivers/io/framing.hpp"
#include "drivers/pump/newera_protocol.hpp"

namespace {

void frame_all(const edc::io::Framer& f, std::string_view rest) {
    while (!rest.empty()) {
        const auto s = f.scan(rest);
        if (s.status == edc::io::FrameStatus::incomplete) return;
        if (s.consumed == 0 || s.consumed > rest.size()) __builtin_trap();
        if (s.status == edc::io::FrameStatus::complete) {
            (void)edc::newera::parse_reply(s.payload);
            if (s.payload.size() >= s.consumed) __builtin_trap();
        }
        rest.remove_prefix(s.consumed);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    frame_all(edc::io::NewEraBasicFramer(), text);
    frame_all(edc::io::NewEraSafeFramer(), text);
    frame_all(edc::io::NewEraAutoFramer(), text);
    if (auto r = edc::newera::parse_reply(text); r && r->status == 'A' && r->alarm == 0) __builtin_trap();
    (void)edc::newera::parse_rate(text);
    (void)edc::newera::parse_dispensed(text);
    // Round trip: a safe packet of the input decodes to the input.
    if (size <= 200) {
        const auto packet = edc::io::encode_newera_safe_packet(text);
        const auto s = edc::io::NewEraSafeFramer().scan(packet);
        if (s.status != edc::io::FrameStatus::complete || s.payload != text) __builtin_trap();
    }
    return 0;
}
