#include "drivers/sim/in_process_link.hpp"

#include <algorithm>
#include <utility>

namespace edc::sim {

namespace {

// The host's quiet window for an ambiguous frame (a Harvard prompt), as the stream transport's.
constexpr double quiet_real_s = 0.020;

class InProcessTransport final : public io::ByteTransport {
public:
    InProcessTransport(std::shared_ptr<InProcessLink> link, unsigned epoch)
        : link_(std::move(link)), name_(link_->endpoint()), epoch_(epoch) {}
    Result<void> write(std::string_view bytes, std::chrono::milliseconds timeout) override {
        return link_->host_write(bytes, timeout, epoch_);
    }
    Result<std::string> read_until(const io::Framer& framer, std::chrono::milliseconds timeout) override {
        return link_->host_read(framer, timeout, epoch_);
    }
    void drain() override { link_->host_drain(); }
    const std::string& name() const override { return name_; }

private:
    std::shared_ptr<InProcessLink> link_;
    std::string name_;
    unsigned epoch_;
};

}  // namespace

InProcessLink::InProcessLink(std::string name, const LinkTiming& timing, WireHandlers handlers,
                             SimClock clock)
    : name_(std::move(name)), timing_(timing), handlers_(std::move(handlers)), clock_(std::move(clock)) {}

Result<std::unique_ptr<io::ByteTransport>> InProcessLink::connect() {
    const double now = clock_.clock().now_s();
    std::lock_guard lock(mutex_);
    if (now < unplugged_until_s_) {
        return fail("no_device", "cannot open: no such device (the USB adapter is gone)", endpoint());
    }
    return std::unique_ptr<io::ByteTransport>(std::make_unique<InProcessTransport>(shared_from_this(), epoch_));
}

Error InProcessLink::gone_error() const {
    return Error{"disconnected", "no such device (the USB adapter is gone: ENODEV/EIO)", endpoint()};
}

void InProcessLink::unplug(double until_s) {
    {
        std::lock_guard lock(mutex_);
        ++epoch_;
        unplugged_until_s_ = until_s;
        arriving_.clear();
        buffer_.clear();
    }
    clock_.clock().notify();  // a host waiting for a reply sees the link gone now
}

void InProcessLink::set_silent(bool on) {
    std::lock_guard lock(mutex_);
    silent_ = on;
}

void InProcessLink::set_garbage(bool on) {
    std::lock_guard lock(mutex_);
    garbage_ = on;
}

void InProcessLink::request_close() {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        arriving_.clear();
    }
    clock_.clock().notify();  // a host waiting for a reply sees the link gone now
}

void InProcessLink::poll() {
    if (!handlers_.poll) return;
    const auto now = clock_.now();
    const auto unsolicited = handlers_.poll(now);
    if (unsolicited.empty()) return;
    {
        std::lock_guard lock(mutex_);
        queue(unsolicited, now.sim_s);
    }
    clock_.clock().notify();
}

void InProcessLink::queue(const std::vector<WireReply>& replies, double from_s) {
    if (closed_ || from_s < unplugged_until_s_) return;
    auto& clock = clock_.clock();
    double at = from_s;
    for (const auto& r : replies) {
        at += clock.real_to_clock(timing_.reply_delay_s(r.processing_s, r.bytes.size()));
        if (r.bytes.empty() || silent_) continue;
        arriving_.push_back({at, garbage_ ? garble(r.bytes, junk_seed_) : r.bytes});
    }
}

void InProcessLink::take_arrived(double now_s) {
    while (!arriving_.empty() && arriving_.front().at_s <= now_s) {
        buffer_ += arriving_.front().bytes;
        arriving_.pop_front();
    }
}

Result<void> InProcessLink::host_write(std::string_view bytes, std::chrono::milliseconds /*timeout*/,
                                       unsigned epoch) {
    auto& clock = clock_.clock();
    {
        std::lock_guard lock(mutex_);
        if (gone(epoch)) return std::unexpected(gone_error());
        if (closed_) return fail("disconnected", "the simulated instrument closed the link", endpoint());
        if (silent_) return {};  // the cable is cut: the bytes go nowhere
    }
    // The command's last byte reaches the instrument after its time on the wire.
    clock.sleep_for(clock.real_to_clock(timing_.wire_s(bytes.size())));
    const auto now = clock_.now();
    {
        std::lock_guard lock(mutex_);
        if (gone(epoch)) return std::unexpected(gone_error());  // unplugged on the way
    }
    const auto replies = handlers_.receive(bytes, now);  // the model's own lock, not ours
    {
        std::lock_guard lock(mutex_);
        if (silent_ || closed_ || gone(epoch)) return {};
        queue(replies, now.sim_s);
    }
    return {};
}

Result<std::string> InProcessLink::host_read(const io::Framer& framer, std::chrono::milliseconds timeout,
                                             unsigned epoch) {
    auto& clock = clock_.clock();
    const double deadline = clock.now_s() + clock.real_to_clock(timeout);
    for (;;) {
        const auto gen = clock.generation();
        const double now = clock.now_s();
        double wake = deadline;
        {
            std::lock_guard lock(mutex_);
            if (gone(epoch)) return std::unexpected(gone_error());
            take_arrived(now);
            const bool more_soon =
                !arriving_.empty() && arriving_.front().at_s <= now + clock.real_to_clock(quiet_real_s);
            if (auto frame = take_frame(framer, !more_soon)) return std::move(*frame);
            if (closed_) return fail("disconnected", "the simulated instrument closed the link", endpoint());
            if (!arriving_.empty()) wake = std::min(wake, arriving_.front().at_s);
        }
        if (now >= deadline) {
            return fail("timeout", "no complete reply within " + std::to_string(timeout.count()) + " ms",
                        endpoint());
        }
        clock.wait_change(gen, wake);
    }
}

void InProcessLink::host_drain() {
    std::lock_guard lock(mutex_);
    take_arrived(clock_.clock().now_s());
    buffer_.clear();
}

std::optional<Result<std::string>> InProcessLink::take_frame(const io::Framer& framer, bool accept_quiet) {
    while (!buffer_.empty()) {
        io::FrameScan s = framer.scan(buffer_);
        switch (s.status) {
            case io::FrameStatus::complete:
                buffer_.erase(0, s.consumed);
                return Result<std::string>(std::move(s.payload));
            case io::FrameStatus::complete_if_quiet:
                if (!accept_quiet) return std::nullopt;
                buffer_.erase(0, s.consumed);
                return Result<std::string>(std::move(s.payload));
            case io::FrameStatus::malformed:
                buffer_.erase(0, std::max<std::size_t>(s.consumed, 1));
                if (s.error == "crc_mismatch") {
                    return Result<std::string>(
                        fail("crc_mismatch", "reply failed its CRC check", endpoint()));
                }
                continue;  // resynchronise on the rest
            case io::FrameStatus::incomplete:
                if (buffer_.size() > io::max_frame_bytes) {
                    buffer_.clear();
                    return Result<std::string>(
                        fail("frame_too_long", "more than 4096 bytes without a complete reply: input dropped",
                             endpoint()));
                }
                return std::nullopt;
        }
    }
    return std::nullopt;
}

}  // namespace edc::sim
