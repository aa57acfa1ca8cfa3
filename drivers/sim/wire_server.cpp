#include "drivers/sim/wire_server.hpp"

#include <poll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>

namespace edc::sim {
namespace {

void sleep_s(double s) {
    if (s > 0.0) std::this_thread::sleep_for(std::chrono::duration<double>(s));
}

// Writes everything or gives up after ~1 s of a peer that does not read.
void write_all(int fd, std::string_view bytes) {
    int idle_ms = 0;
    while (!bytes.empty() && idle_ms < 1000) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return;
        pollfd p{fd, POLLOUT, 0};
        ::poll(&p, 1, 10);
        idle_ms += 10;
    }
}

}  // namespace

std::string garble(std::string_view reply, unsigned& seed) {
    std::string out;
    const std::size_t n = reply.empty() ? 8 : reply.size();
    for (std::size_t i = 0; i + 1 < n; ++i) {
        seed = seed * 1103515245U + 12345U;
        char c = static_cast<char>(0x80U | ((seed >> 16) & 0x7FU));
        out.push_back(c);
    }
    out.push_back(reply.empty() ? '\r' : reply.back());
    return out;
}

WireServer::WireServer(std::string name, Port port, const LinkTiming& timing, WireHandlers handlers,
                       const SimClock& clock)
    : name_(std::move(name)),
      port_(std::move(port)),
      timing_(timing),
      handlers_(std::move(handlers)),
      clock_(clock) {
    if (const auto* pty = std::get_if<PtyPort>(&port_)) {
        endpoint_ = pty->slave_path();
    } else {
        endpoint_ = "tcp://127.0.0.1:" + std::to_string(std::get<TcpPort>(port_).port());
    }
}

WireServer::~WireServer() {
    stop();
}

std::string WireServer::endpoint() const {
    return endpoint_;
}

void WireServer::start() {
    if (thread_.joinable()) return;
    stop_ = false;
    thread_ = std::thread([this] { run(); });
}

void WireServer::stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
}

bool WireServer::baud_ok() const {
    const auto* pty = std::get_if<PtyPort>(&port_);
    if (pty == nullptr || timing_.baud == 0) return true;
    const auto baud = pty->line_baud();
    return baud && *baud == timing_.baud;
}

void WireServer::run() {
    std::array<char, 512> buf{};
    while (!stop_) {
        if (close_requested_) {
            std::visit([](auto& p) { p.close(); }, port_);
            close_requested_ = false;
        }
        std::array<pollfd, 2> fds{};
        nfds_t count = 0;
        int io_fd = -1;
        if (auto* pty = std::get_if<PtyPort>(&port_)) {
            io_fd = pty->master_fd();
            if (io_fd >= 0) fds[count++] = {io_fd, POLLIN, 0};
        } else {
            auto& tcp = std::get<TcpPort>(port_);
            if (tcp.listen_fd() >= 0) fds[count++] = {tcp.listen_fd(), POLLIN, 0};
            io_fd = tcp.client_fd();
            if (io_fd >= 0) fds[count++] = {io_fd, POLLIN, 0};
        }
        if (count == 0) {  // closed by a fault: nothing left to serve, but the instrument's
            // own timers (the NE-1000's safe-mode watchdog) keep running; its packets go nowhere
            if (handlers_.poll) (void)handlers_.poll(clock_.now());
            sleep_s(0.005);
            continue;
        }
        ::poll(fds.data(), count, 2);
        if (auto* tcp = std::get_if<TcpPort>(&port_)) {
            if (tcp->accept_client()) continue;
        }
        if (io_fd >= 0) {
            const ssize_t n = ::read(io_fd, buf.data(), buf.size());
            if (n > 0) {
                bytes_received_ += n;
                handle_input(std::string_view(buf.data(), static_cast<std::size_t>(n)), io_fd);
            } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                if (auto* tcp = std::get_if<TcpPort>(&port_))
                    tcp->close_client();
                else
                    sleep_s(0.002);  // PTY without a reader: EIO until the driver opens it
            }
        }
        // A silent link (timeout fault: the cable is cut) neither delivers nor answers, but the
        // instrument behind it runs on: send() drops what it would say.
        if (handlers_.poll && io_fd >= 0) {
            const auto unsolicited = handlers_.poll(clock_.now());
            if (!unsolicited.empty()) send(io_fd, unsolicited, 0);
        }
    }
}

void WireServer::handle_input(std::string_view bytes, int fd) {
    if (silent_) return;
    if (!baud_ok()) {  // a real UART at the wrong baud sees framing errors, not commands
        wrong_baud_bytes_ += static_cast<long>(bytes.size());
        return;
    }
    // The command's last byte reached the instrument this long after the host wrote it.
    sleep_s(timing_.wire_s(bytes.size()));
    const auto replies = handlers_.receive(bytes, clock_.now());
    send(fd, replies, bytes.size());
}

void WireServer::send(int fd, const std::vector<WireReply>& replies, std::size_t /*input_bytes*/) {
    for (const auto& r : replies) {
        sleep_s(timing_.reply_delay_s(r.processing_s, r.bytes.size()));
        if (r.bytes.empty() || silent_) continue;
        if (garbage_)
            write_all(fd, garble(r.bytes, junk_seed_));
        else
            write_all(fd, r.bytes);
    }
}

}  // namespace edc::sim
