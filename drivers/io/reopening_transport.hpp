#pragma once
// A link that can be dropped and opened again by its stable name (issue 13 item 3): a USB
// serial adapter that re-enumerates comes back under the same udev name, and the instrument
// behind it never lost its state, so the driver keeps its own and only the wire is replaced.
// The driver talks to this transport; its owner (the instrument's channel) calls close() when
// the link is lost and reopen() to retry. While closed, every call fails "disconnected".
//
// Thread: one, the driver's (an instrument channel's worker thread).
#include <functional>
#include <memory>
#include <string>

#include "drivers/io/transport.hpp"

namespace edc::io {

class ReopeningTransport final : public ByteTransport {
public:
    using Opener = std::function<Result<std::unique_ptr<ByteTransport>>()>;

    // `first`: the link open now; `opener` opens it again by its stable name; `name`: that name.
    ReopeningTransport(std::unique_ptr<ByteTransport> first, Opener opener, std::string name);

    Result<void> write(std::string_view bytes, std::chrono::milliseconds timeout) override;
    Result<std::string> read_until(const Framer& framer, std::chrono::milliseconds timeout) override;
    void drain() override;
    const std::string& name() const override { return name_; }

    // Drops the open link (its descriptor and its I/O registrations) now.
    void close() noexcept;
    // close(), then opens a fresh link; on failure the transport stays closed.
    [[nodiscard]] Result<void> reopen();
    [[nodiscard]] bool is_open() const noexcept { return inner_ != nullptr; }
    [[nodiscard]] long reopens() const noexcept { return reopens_; }  // successful ones

private:
    [[nodiscard]] Error closed_error() const;

    std::unique_ptr<ByteTransport> inner_;
    Opener opener_;
    std::string name_;
    long reopens_ = 0;
};

// A link error as an unplugged adapter gives it: the device is gone (EIO/ENODEV/EOF) or
// cannot be opened. A timeout is not one: a silent instrument is a fault of its own.
[[nodiscard]] bool is_link_loss(const Error& e) noexcept;
// An open refused because the device is not there (its node is gone): it may come back.
[[nodiscard]] bool is_port_absent(const Error& e) noexcept;

}  // namespace edc::io
