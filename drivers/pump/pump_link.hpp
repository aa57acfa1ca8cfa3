#pragma once
// One pump's command/reply exchange over a byte transport, shared by the New Era, Harvard and
// Legato drivers: a late reply to a command that timed out is discarded before the next command
// (it would answer it), the command is written, one reply is framed, and every error names the
// command and the port. What the bytes mean is the driver's (its protocol file parses them).
//
// Frames an instrument also sends unasked (the NE-1000's safe-mode alarm packets are byte for
// byte the reply it gives to a command while the alarm is pending) cannot be told from a reply
// by their content, only by what follows: when such a frame arrives, the link reads on until the
// line is quiet. Every frame followed by another was sent unasked: it is set aside for the
// driver (take_unasked) and the last one is the reply. Otherwise the reply still on the wire
// behind an unasked packet would answer the next command.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "control/error.hpp"
#include "drivers/io/framing.hpp"
#include "drivers/io/transport.hpp"

namespace edc {

class PumpLink {
public:
    PumpLink(std::unique_ptr<io::ByteTransport> transport, std::unique_ptr<io::Framer> framer,
             std::chrono::milliseconds timeout);

    // Writes `bytes` (the wire form of `command`) and returns the reply's frame.
    Result<std::string> exchange(std::string_view bytes, std::string_view command);

    // Drop buffered input before each write (what the instrument said unasked since the last reply).
    void set_drain_before_write(bool on) { drain_before_write_ = on; }
    // Frames the instrument may also send unasked, and how long the line must stay quiet after one
    // before it is taken as the reply. An empty predicate: every frame is a reply.
    void set_unasked(std::function<bool(std::string_view frame)> may_be_unasked,
                     std::chrono::milliseconds quiet);
    // The frames set aside as unasked since the last call, oldest first.
    std::vector<std::string> take_unasked() { return std::exchange(unasked_, {}); }

    // `e` with the command appended to its message and the port as `where` when it has none.
    [[nodiscard]] Error annotate(Error e, std::string_view command) const;
    // An error at this pump's port.
    [[nodiscard]] std::unexpected<Error> error(std::string code, std::string message) const;
    void drain() { transport_->drain(); }
    [[nodiscard]] const std::string& name() const { return transport_->name(); }

private:
    std::unique_ptr<io::ByteTransport> transport_;
    std::unique_ptr<io::Framer> framer_;
    std::chrono::milliseconds timeout_;
    bool stale_ = false;
    bool drain_before_write_ = false;
    std::function<bool(std::string_view)> may_be_unasked_;
    std::chrono::milliseconds quiet_{100};
    std::vector<std::string> unasked_;
};

}  // namespace edc
