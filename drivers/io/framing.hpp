#pragma once
// Framers cut a byte stream into protocol frames. They are pure: given everything buffered so
// far they say how many bytes form the next frame (and its payload), that more bytes are
// needed, or that the input is malformed. Transports own the buffer and the bound.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace edc::io {

inline constexpr std::size_t max_frame_bytes = 4096;

enum class FrameStatus {
    incomplete,         // need more bytes
    complete,           // `consumed` bytes form a frame, `payload` is its content
    complete_if_quiet,  // a frame if nothing follows within the quiet window (ambiguous prompt)
    malformed,          // `consumed` bytes are garbage to drop; `error` says why
};

struct FrameScan {
    FrameStatus status = FrameStatus::incomplete;
    std::size_t consumed = 0;
    std::string payload;
    std::string error;  // for malformed: "bad_frame", "crc_mismatch"
};

class Framer {
public:
    virtual ~Framer() = default;
    virtual FrameScan scan(std::string_view buffered) const = 0;
};

// Text lines. `any` ends a line at CR or LF and skips empty lines, so a reply terminated by CR,
// LF, CR+LF or LF+CR all frame the same (the 2400's reply terminator is a front-panel choice).
enum class LineEnding { cr, lf, crlf, any };
LineEnding line_ending_from_string(std::string_view s);  // "\r", "\n", "\r\n", "any"; else any

class LineFramer final : public Framer {
public:
    explicit LineFramer(LineEnding ending) : ending_(ending) {}
    FrameScan scan(std::string_view buffered) const override;

private:
    LineEnding ending_;
};

// New Era basic mode: STX <addr 2 digits> <status> [data] ETX; payload without STX/ETX.
// Bytes before STX are dropped as malformed.
class NewEraBasicFramer final : public Framer {
public:
    FrameScan scan(std::string_view buffered) const override;
};

// New Era safe mode: STX <len> <payload> <crc hi> <crc lo> ETX, len = payload + 4, framed by the
// length byte (CRC bytes may equal ETX) and checked with CRC-16/XMODEM over the payload.
class NewEraSafeFramer final : public Framer {
public:
    FrameScan scan(std::string_view buffered) const override;
};

// Either New Era format, told apart by the byte after STX: basic replies start with the
// address digits, safe packets with a length byte (< '0' for every packet shorter than 44 bytes).
class NewEraAutoFramer final : public Framer {
public:
    FrameScan scan(std::string_view buffered) const override;
};

// Harvard Pump 11 Elite: reply lines "\n[nn:]text\r", then "\n[nn]<prompt>" with no CR;
// prompts ":" idle, ">" infusing, "<" withdrawing, "*" stalled, "T*" target reached.
// The payload is the whole reply including the final prompt. "\n<digits>:" at the end of the
// buffer is either the idle prompt of an addressed pump or the start of an addressed text line:
// it is reported complete_if_quiet. The KDS Legato speaks the same format; in its poll mode an
// XON (0x11) follows each prompt: it closes the frame and is in no payload.
class HarvardPromptFramer final : public Framer {
public:
    FrameScan scan(std::string_view buffered) const override;
};

std::uint16_t crc16_xmodem(std::string_view bytes);
std::string encode_newera_safe_packet(std::string_view payload);

}  // namespace edc::io
