#pragma once
// Blocking byte transport with a deadline on every call. Implementations run Asio async
// operations on the shared IoThread and the caller waits on a future, so a silent or vanished
// device costs at most the call's timeout. Not for use from the io thread itself.
//
// Error codes: "timeout" (no complete frame / write not finished in time), "disconnected"
// (EOF, EIO, ECONNRESET, ENXIO: the device or peer is gone), "frame_too_long" (more than
// io::max_frame_bytes without a frame: the buffered input is dropped), "bad_frame" /
// "crc_mismatch" (malformed frame, discarded), "io_error" (anything else). Each error's
// `where` names the device or port.
#include <chrono>
#include <string>
#include <string_view>

#include "control/error.hpp"
#include "drivers/io/framing.hpp"

namespace edc::io {

class ByteTransport {
public:
    virtual ~ByteTransport() = default;
    virtual Result<void> write(std::string_view bytes, std::chrono::milliseconds timeout) = 0;
    virtual Result<std::string> read_until(const Framer& framer, std::chrono::milliseconds timeout) = 0;
    virtual void drain() = 0;  // discard buffered and pending input
    virtual const std::string& name() const = 0;
};

// After a reply timed out it may still arrive and would answer the next command: drop what is
// buffered, then every frame that arrives until the line has been quiet for `quiet`.
inline void discard_late_replies(ByteTransport& t, const Framer& framer,
                                 std::chrono::milliseconds quiet = std::chrono::milliseconds(50)) {
    t.drain();
    for (int i = 0; i < 16; ++i) {
        auto late = t.read_until(framer, quiet);
        if (!late && late.error().code == "timeout") return;
        if (!late && late.error().code == "disconnected") return;
    }
}

}  // namespace edc::io
