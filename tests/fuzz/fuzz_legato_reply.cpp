// KD Scientific Legato replies (poll-mode XON included) through the prompt framer and the
// Legato protocol parsers on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/io/framing.hpp"
#include "drivers/pump/legato_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const edc::io::HarvardPromptFramer f;
    std::string_view rest = text;
    while (!rest.empty()) {
        const auto s = f.scan(rest);
        if (s.status == edc::io::FrameStatus::incomplete) break;
        if (s.consumed == 0 || s.consumed > rest.size()) __builtin_trap();
        // An XON closing a frame or left from the previous one is not payload.
        if (!s.payload.empty() && (s.payload.front() == '\x11' || s.payload.back() == '\x11'))
            __builtin_trap();
        if (s.status != edc::io::FrameStatus::malformed) {
            auto r = edc::legato::parse_reply(s.payload);
            if (!r) __builtin_trap();
            if (!r->lines.empty()) {
                (void)edc::legato::parse_ver(r->lines.front());
                (void)edc::legato::model_of_ver(r->lines.front());
                (void)edc::legato::parse_version(r->lines);
            }
        }
        rest.remove_prefix(s.consumed);
    }
    (void)edc::legato::parse_reply(text);
    (void)edc::legato::parse_ver(text);
    std::vector<std::string> lines;
    std::string_view t = text;
    while (!t.empty()) {
        const auto nl = t.find('\n');
        lines.emplace_back(t.substr(0, nl));
        t = nl == std::string_view::npos ? std::string_view{} : t.substr(nl + 1);
    }
    (void)edc::legato::parse_version(lines);
    return 0;
}
