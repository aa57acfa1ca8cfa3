#include "drivers/pump/pump_link.hpp"

#include <utility>

#include "control/text.hpp"

namespace edc {

PumpLink::PumpLink(std::unique_ptr<io::ByteTransport> transport, std::unique_ptr<io::Framer> framer,
                   std::chrono::milliseconds timeout)
    : transport_(std::move(transport)), framer_(std::move(framer)), timeout_(timeout) {}

void PumpLink::set_unasked(std::function<bool(std::string_view frame)> may_be_unasked,
                           std::chrono::milliseconds quiet) {
    may_be_unasked_ = std::move(may_be_unasked);
    quiet_ = quiet;
}

Error PumpLink::annotate(Error e, std::string_view command) const {
    e.message =
        strf("%s (command %.*s)", e.message.c_str(), static_cast<int>(command.size()), command.data());
    if (e.where.empty()) e.where = transport_->name();
    return e;
}

std::unexpected<Error> PumpLink::error(std::string code, std::string message) const {
    return fail(std::move(code), std::move(message), transport_->name());
}

Result<std::string> PumpLink::exchange(std::string_view bytes, std::string_view command) {
    if (stale_) {  // a late reply to a command that timed out must not answer this one
        io::discard_late_replies(*transport_, *framer_);
        stale_ = false;
    }
    if (drain_before_write_) transport_->drain();
    if (auto w = transport_->write(bytes, timeout_); !w) return std::unexpected(annotate(w.error(), command));
    auto frame = transport_->read_until(*framer_, timeout_);
    if (!frame) {
        stale_ = frame.error().code == "timeout";
        return std::unexpected(annotate(frame.error(), command));
    }
    // A frame the instrument also sends unasked: the reply is the last frame before the line is
    // quiet. Bounded, as discard_late_replies: a line that never goes quiet is not waited out.
    for (int i = 0; i < 16 && may_be_unasked_ && may_be_unasked_(*frame); ++i) {
        auto next = transport_->read_until(*framer_, quiet_);
        if (!next) break;  // quiet (or gone: the next command says so)
        unasked_.push_back(std::exchange(*frame, std::move(*next)));
    }
    return frame;
}

}  // namespace edc
