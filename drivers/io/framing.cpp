#include "drivers/io/framing.hpp"

#include <cctype>

namespace edc::io {
namespace {

constexpr char stx = '\x02';
constexpr char etx = '\x03';

FrameScan complete(std::size_t consumed, std::string_view payload) {
    return FrameScan{FrameStatus::complete, consumed, std::string(payload), {}};
}
FrameScan malformed(std::size_t consumed, std::string error) {
    return FrameScan{FrameStatus::malformed, consumed, {}, std::move(error)};
}
// Garbage before the first STX (or everything, if there is none) is dropped.
std::size_t leading_garbage(std::string_view b) {
    const auto p = b.find(stx);
    return p == std::string_view::npos ? b.size() : p;
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace

LineEnding line_ending_from_string(std::string_view s) {
    if (s == "\r" || s == "cr" || s == "CR") return LineEnding::cr;
    if (s == "\n" || s == "lf" || s == "LF") return LineEnding::lf;
    if (s == "\r\n" || s == "crlf" || s == "CRLF") return LineEnding::crlf;
    return LineEnding::any;
}

FrameScan LineFramer::scan(std::string_view b) const {
    switch (ending_) {
        case LineEnding::cr:
        case LineEnding::lf: {
            const auto p = b.find(ending_ == LineEnding::cr ? '\r' : '\n');
            if (p == std::string_view::npos) return {};
            return complete(p + 1, b.substr(0, p));
        }
        case LineEnding::crlf: {
            const auto p = b.find("\r\n");
            if (p == std::string_view::npos) return {};
            return complete(p + 2, b.substr(0, p));
        }
        case LineEnding::any: {
            std::size_t start = 0;
            while (start < b.size() && (b[start] == '\r' || b[start] == '\n')) ++start;
            const auto p = b.find_first_of("\r\n", start);
            if (p == std::string_view::npos) {
                if (start > 0) return malformed(start, "empty_line");  // drop separators only
                return {};
            }
            return complete(p + 1, b.substr(start, p - start));
        }
    }
    return {};
}

FrameScan NewEraBasicFramer::scan(std::string_view b) const {
    if (const auto g = leading_garbage(b); g > 0) return malformed(g, "bad_frame");
    const auto end = b.find(etx, 1);
    if (end == std::string_view::npos) return {};
    return complete(end + 1, b.substr(1, end - 1));
}

FrameScan NewEraSafeFramer::scan(std::string_view b) const {
    if (const auto g = leading_garbage(b); g > 0) return malformed(g, "bad_frame");
    if (b.size() < 2) return {};
    const auto len = static_cast<unsigned char>(b[1]);
    if (len < 4) return malformed(1, "bad_frame");  // drop the STX, resynchronise on the next
    const std::size_t total = 1U + len;
    if (b.size() < total) return {};
    if (b[total - 1] != etx) return malformed(1, "bad_frame");
    const auto payload = b.substr(2, len - 4U);
    const auto hi = static_cast<unsigned char>(b[total - 3]);
    const auto lo = static_cast<unsigned char>(b[total - 2]);
    if (crc16_xmodem(payload) != static_cast<std::uint16_t>((hi << 8) | lo)) {
        return malformed(total, "crc_mismatch");
    }
    return complete(total, payload);
}

FrameScan NewEraAutoFramer::scan(std::string_view b) const {
    if (const auto g = leading_garbage(b); g > 0) return malformed(g, "bad_frame");
    if (b.size() < 2) return {};
    if (is_digit(b[1])) return NewEraBasicFramer{}.scan(b);
    return NewEraSafeFramer{}.scan(b);
}

namespace {
// Length of a prompt token at the start of `t` ("T*", ":", ">", "<", "*"), or 0.
std::size_t prompt_length(std::string_view t) {
    if (t.starts_with("T*")) return 2;
    if (!t.empty() && (t[0] == ':' || t[0] == '>' || t[0] == '<' || t[0] == '*')) return 1;
    return 0;
}
}  // namespace

FrameScan HarvardPromptFramer::scan(std::string_view b) const {
    // Poll mode (KDS Legato `poll on`): an XON follows every prompt. One right after a prompt
    // closes the frame; one left in front (the prompt was framed before its XON arrived) is
    // consumed with the next frame. Neither is part of a payload.
    constexpr char xon = 0x11;
    std::size_t skip = 0;
    while (skip < b.size() && b[skip] == xon) ++skip;
    // Walk line starts: a '\n' followed by [digits] prompt with nothing after it is the end.
    std::size_t pos = skip;
    while (true) {
        const auto nl = b.find('\n', pos);
        if (nl == std::string_view::npos) return {};
        std::size_t i = nl + 1;
        while (i < b.size() && is_digit(b[i])) ++i;
        const auto tail = b.substr(i);
        const auto plen = prompt_length(tail);
        if (plen > 0) {
            const std::size_t end = i + plen;
            const auto payload = b.substr(skip, end - skip);
            const bool ends_buffer = end == b.size();
            // "\nT" may still become "\nT*"; "\n00:" may be the start of "\n00:text\r".
            if (ends_buffer) {
                const bool addressed_idle = tail[0] == ':' && i > nl + 1;
                return FrameScan{addressed_idle ? FrameStatus::complete_if_quiet : FrameStatus::complete,
                                 end,
                                 std::string(payload),
                                 {}};
            }
            if (b[end] == xon) return complete(end + 1, payload);  // poll mode
            if (b[end] == '\n') return complete(end, payload);    // prompt then next reply
            // otherwise it is a text line that starts like a prompt: keep scanning
        }
        if (tail.empty() || (tail == "T")) return {};
        pos = nl + 1;
    }
}

std::uint16_t crc16_xmodem(std::string_view bytes) {
    std::uint16_t crc = 0;
    for (const char ch : bytes) {
        crc = static_cast<std::uint16_t>(crc ^
                                         (static_cast<std::uint16_t>(static_cast<unsigned char>(ch)) << 8));
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc & 0x8000U) != 0 ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021U)
                                       : static_cast<std::uint16_t>(crc << 1);
        }
    }
    return crc;
}

std::string encode_newera_safe_packet(std::string_view payload) {
    const auto crc = crc16_xmodem(payload);
    std::string out;
    out.reserve(payload.size() + 5);
    out.push_back(stx);
    out.push_back(static_cast<char>(payload.size() + 4));
    out.append(payload);
    out.push_back(static_cast<char>(crc >> 8));
    out.push_back(static_cast<char>(crc & 0xFFU));
    out.push_back(etx);
    return out;
}

}  // namespace edc::io
