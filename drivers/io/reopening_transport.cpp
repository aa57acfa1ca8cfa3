#include "drivers/io/reopening_transport.hpp"

#include <utility>

namespace edc::io {

ReopeningTransport::ReopeningTransport(std::unique_ptr<ByteTransport> first, Opener opener, std::string name)
    : inner_(std::move(first)), opener_(std::move(opener)), name_(std::move(name)) {}

Error ReopeningTransport::closed_error() const {
    return Error{"disconnected", "the link is closed (lost, waiting to reopen it)", name_};
}

Result<void> ReopeningTransport::write(std::string_view bytes, std::chrono::milliseconds timeout) {
    if (!inner_) return std::unexpected(closed_error());
    return inner_->write(bytes, timeout);
}

Result<std::string> ReopeningTransport::read_until(const Framer& framer, std::chrono::milliseconds timeout) {
    if (!inner_) return std::unexpected(closed_error());
    return inner_->read_until(framer, timeout);
}

void ReopeningTransport::drain() {
    if (inner_) inner_->drain();
}

void ReopeningTransport::close() noexcept {
    inner_.reset();
}

Result<void> ReopeningTransport::reopen() {
    close();
    auto fresh = opener_();
    if (!fresh) return std::unexpected(fresh.error());
    inner_ = std::move(*fresh);
    ++reopens_;
    return {};
}

bool is_link_loss(const Error& e) noexcept {
    return e.code == "disconnected" || e.code == "no_device" || e.code == "not_found" || e.code == "io_error";
}

bool is_port_absent(const Error& e) noexcept {
    return e.code == "no_device" || e.code == "not_found";
}

}  // namespace edc::io
