#pragma once
// The real link's delays, which a PTY (~20 us round trip) or loopback TCP does not have:
// 10 bits per byte at the configured baud (start + 8 data + stop), the instrument's
// processing time (from the model), and an FTDI-style latency timer holding short replies.
#include <cstddef>

namespace edc::sim {

struct LinkTiming {
    unsigned baud = 0;            // 0: not a serial line (TCP)
    bool delays = true;           // false: answer as fast as possible (unit tests, fast CI)
    double ftdi_latency_s = 0.0;  // 0.016 for an FTDI adapter's default latency timer
    double bits_per_byte = 10.0;

    [[nodiscard]] double wire_s(std::size_t bytes) const noexcept {
        if (!delays || baud == 0) return 0.0;
        return static_cast<double>(bytes) * bits_per_byte / static_cast<double>(baud);
    }
    // Time from the last byte of a command to the last byte of its reply at the host.
    [[nodiscard]] double reply_delay_s(double processing_s, std::size_t reply_bytes) const noexcept {
        if (!delays) return 0.0;
        return processing_s + wire_s(reply_bytes) + (reply_bytes > 0 ? ftdi_latency_s : 0.0);
    }
};

}  // namespace edc::sim
