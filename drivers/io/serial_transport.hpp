#pragma once
// A serial line (real tty, USB adapter or pseudo-terminal) through boost::asio::serial_port:
// termios underneath, raw mode, 8N1, no flow control. Udev symlinks are resolved first so
// messages name both the stable name and the kernel device.
#include <chrono>
#include <memory>

#include "drivers/io/io_thread.hpp"
#include "drivers/io/transport.hpp"

namespace edc::io {

struct SerialSettings {
    unsigned baud = 9600;
    // How long an ambiguous frame (Harvard "\n01:") must stay alone before it counts as complete.
    std::chrono::milliseconds quiet_window{20};
};

// Errors: "not_found", "permission_denied" (hint: join group dialout), "bad_baud", "io_error".
Result<std::unique_ptr<ByteTransport>> open_serial(const std::string& device, const SerialSettings& settings,
                                                   IoThread& io);

}  // namespace edc::io
