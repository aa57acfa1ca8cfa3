#pragma once
// The shared implementation of ByteTransport over an Asio stream (serial_port or tcp::socket).
// Each call posts its async operation and a steady_timer to the io thread and completes only
// when both handlers have run, so no handler outlives the call that started it.
// With a HostStallCheck (serial lines), a reply timeout is checked against the host: if the
// kernel held tty input back during the wait (tty_stall_monitor.hpp), the exchange is not
// judged on time the host did not run; it gets its full timeout again once the host delivers.
#include <sys/ioctl.h>

#include <array>
#include <future>
#include <memory>
#include <optional>

#include "control/text.hpp"
#include "drivers/io/asio.hpp"
#include "drivers/io/transport.hpp"
#include "drivers/io/tty_stall_monitor.hpp"

namespace edc::io {

// Maps an Asio/OS error to a transport error naming the device.
Error transport_error(const boost::system::error_code& ec, const std::string& device, const char* during);

// The longest host stall a reply timeout waits out; beyond it the timeout stands. Kept so that
// timeout + stall + timeout stays inside the run's 8 s per-call limit for the 2 s galvanostat.
inline constexpr std::chrono::milliseconds max_host_stall{3000};

template <class Stream>
class StreamTransport : public ByteTransport {
public:
    StreamTransport(boost::asio::io_context& io, Stream stream, std::string name,
                    std::chrono::milliseconds quiet_window = std::chrono::milliseconds(20),
                    HostStallCheck* host = nullptr)
        : io_(io), stream_(std::move(stream)), timer_(io), name_(std::move(name)), quiet_(quiet_window),
          host_(host) {}

    ~StreamTransport() override {
        auto close = [this] {
            boost::system::error_code ec;
            stream_.close(ec);
        };
        if (io_.stopped()) {
            close();
        } else {
            auto done = std::make_shared<std::promise<void>>();
            boost::asio::post(io_, [close, done] {
                close();
                done->set_value();
            });
            done->get_future().wait();
        }
    }

    const std::string& name() const override { return name_; }

    Result<void> write(std::string_view bytes, std::chrono::milliseconds timeout) override {
        auto op = std::make_shared<Op>();
        op->out.assign(bytes);
        boost::asio::post(io_, [this, op, timeout] {
            start_deadline(op, timeout);
            ++op->pending;
            boost::asio::async_write(stream_, boost::asio::buffer(op->out),
                                     [this, op](const boost::system::error_code& ec, std::size_t) {
                                         if (!op->finished) {
                                             if (ec) op->error = transport_error(ec, name_, "write");
                                             finish(op);
                                         }
                                         settle(op);
                                     });
        });
        return wait(op, timeout);
    }

    Result<std::string> read_until(const Framer& framer, std::chrono::milliseconds timeout) override {
        // A frame may already be buffered from an earlier read.
        if (auto f = take_frame(framer, false)) return *f;
        const auto started = std::chrono::steady_clock::now();
        auto first = read_frame(framer, timeout);
        if (first || first.error().code != "timeout" || host_ == nullptr) return first;
        // A silent instrument, or a host whose kernel held the exchange back meanwhile (the
        // reply on its way in or, through a pseudo-terminal, the command on its way out)?
        const auto held = host_->held_since(started, max_host_stall);
        if (held && *held < TtyStallMonitor::stall) {
            // The host delivered promptly: the instrument is silent. One last look at what arrived.
            auto late = read_frame(framer, quiet_);
            return late || late.error().code != "timeout" ? late : first;
        }
        // The host held the exchange back: it gets its full timeout again on a host that runs.
        auto again = read_frame(framer, timeout);
        if (again || again.error().code != "timeout") return again;
        auto e = first.error();
        e.message += held ? strf(" (twice; the host held tty input back for %lld ms meanwhile)",
                                 static_cast<long long>(held->count()))
                          : strf(" (twice; the host held tty input back for over %lld ms meanwhile)",
                                 static_cast<long long>(max_host_stall.count()));
        return std::unexpected(std::move(e));
    }

    void drain() override {
        auto done = std::make_shared<std::promise<void>>();
        boost::asio::post(io_, [this, done] {
            int n = 0;
            while (::ioctl(stream_.native_handle(), FIONREAD, &n) == 0 && n > 0) {
                std::array<char, 512> sink{};
                boost::system::error_code ec;
                stream_.read_some(boost::asio::buffer(sink), ec);
                if (ec) break;
            }
            done->set_value();
        });
        done->get_future().wait();
        buffer_.clear();
    }

protected:
    Stream& stream() { return stream_; }

private:
    struct Op;

    Result<std::string> read_frame(const Framer& framer, std::chrono::milliseconds timeout) {
        auto op = std::make_shared<Op>();
        op->framer = &framer;
        boost::asio::post(io_, [this, op, timeout] {
            start_deadline(op, timeout);
            read_more(op);
        });
        if (auto r = wait(op, timeout); !r) return std::unexpected(r.error());
        return std::move(op->frame);
    }

    struct Op {
        int pending = 0;  // handlers not yet run; the call returns when it reaches 0
        bool finished = false;
        std::chrono::milliseconds timeout{};
        std::chrono::steady_clock::time_point deadline;
        bool quiet_wait = false;  // waiting out the quiet window of an ambiguous frame
        std::string out;
        const Framer* framer = nullptr;
        std::string frame;
        std::optional<Error> error;
        std::array<char, 512> chunk{};
        std::promise<void> done;
    };

    void start_deadline(const std::shared_ptr<Op>& op, std::chrono::milliseconds timeout) {
        op->timeout = timeout;
        op->deadline = std::chrono::steady_clock::now() + timeout;
        arm_timer(op, op->deadline);
    }

    void arm_timer(const std::shared_ptr<Op>& op, std::chrono::steady_clock::time_point at) {
        ++op->pending;
        timer_.expires_at(at);  // cancels an earlier wait: its handler only settles
        timer_.async_wait([this, op](const boost::system::error_code& ec) {
            if (!ec && !op->finished) on_deadline(op);
            settle(op);
        });
    }

    void on_deadline(const std::shared_ptr<Op>& op) {
        if (op->quiet_wait) {
            op->quiet_wait = false;
            if (auto f = take_frame(*op->framer, true)) {
                complete_with(op, std::move(*f));
                return;
            }
            if (std::chrono::steady_clock::now() < op->deadline) {  // a longer frame is arriving
                arm_timer(op, op->deadline);
                return;
            }
        }
        op->error = Error{"timeout",
                          strf("no %s within %lld ms", op->framer ? "complete reply" : "write completion",
                               static_cast<long long>(op->timeout.count())),
                          name_};
        finish(op);
    }

    void finish(const std::shared_ptr<Op>& op) {
        op->finished = true;
        boost::system::error_code ignored;
        timer_.cancel(ignored);
        stream_.cancel(ignored);
    }

    void complete_with(const std::shared_ptr<Op>& op, Result<std::string> f) {
        if (f)
            op->frame = std::move(*f);
        else
            op->error = f.error();
        finish(op);
    }

    void read_more(const std::shared_ptr<Op>& op) {
        ++op->pending;
        stream_.async_read_some(
            boost::asio::buffer(op->chunk), [this, op](const boost::system::error_code& ec, std::size_t n) {
                if (op->finished) {
                    // Read from the kernel just as the deadline passed: keep them for the next read.
                    if (!ec) buffer_.append(op->chunk.data(), n);
                } else {
                    if (ec) {
                        op->error = transport_error(ec, name_, "read");
                        finish(op);
                    } else {
                        buffer_.append(op->chunk.data(), n);
                        if (auto f = take_frame(*op->framer, false)) {
                            complete_with(op, std::move(*f));
                        } else {
                            if (ambiguous_ && !op->quiet_wait) {
                                // An ambiguous frame completes if nothing follows within the window.
                                op->quiet_wait = true;
                                arm_timer(op,
                                          std::min(op->deadline, std::chrono::steady_clock::now() + quiet_));
                            }
                            read_more(op);
                        }
                    }
                }
                settle(op);
            });
    }

    void settle(const std::shared_ptr<Op>& op) {
        if (--op->pending == 0) op->done.set_value();
    }

    Result<void> wait(const std::shared_ptr<Op>& op, std::chrono::milliseconds timeout) {
        auto fut = op->done.get_future();
        if (fut.wait_for(timeout + std::chrono::seconds(5)) != std::future_status::ready) {
            return fail("io_stalled", "the io thread did not complete the operation", name_);
        }
        if (const auto& error = op->error) return std::unexpected(*error);
        return {};
    }

    // Scans the buffer: nullopt when more bytes are needed; a frame or a framing error otherwise.
    // `accept_quiet` accepts a complete_if_quiet frame (the quiet window has passed).
    std::optional<Result<std::string>> take_frame(const Framer& framer, bool accept_quiet) {
        ambiguous_ = false;
        while (!buffer_.empty()) {
            FrameScan s = framer.scan(buffer_);
            switch (s.status) {
                case FrameStatus::complete:
                    buffer_.erase(0, s.consumed);
                    return Result<std::string>(std::move(s.payload));
                case FrameStatus::complete_if_quiet:
                    if (accept_quiet) {
                        buffer_.erase(0, s.consumed);
                        return Result<std::string>(std::move(s.payload));
                    }
                    ambiguous_ = true;
                    return std::nullopt;
                case FrameStatus::malformed:
                    buffer_.erase(0, std::max<std::size_t>(s.consumed, 1));
                    if (s.error == "crc_mismatch") {
                        return Result<std::string>(fail("crc_mismatch", "reply failed its CRC check", name_));
                    }
                    continue;  // resynchronise on the rest
                case FrameStatus::incomplete:
                    if (buffer_.size() > max_frame_bytes) {
                        buffer_.clear();
                        return Result<std::string>(
                            fail("frame_too_long",
                                 strf("more than %zu bytes without a complete reply: input dropped",
                                      max_frame_bytes),
                                 name_));
                    }
                    return std::nullopt;
            }
        }
        return std::nullopt;
    }

    boost::asio::io_context& io_;
    Stream stream_;
    boost::asio::steady_timer timer_;
    std::string name_;
    std::chrono::milliseconds quiet_;
    HostStallCheck* host_;
    std::string buffer_;
    bool ambiguous_ = false;
};

}  // namespace edc::io
