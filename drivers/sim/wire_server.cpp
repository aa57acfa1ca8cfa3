#include "drivers/sim/wire_server.hpp"

#include <poll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>

#include "drivers/sim/port_link.hpp"

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
        pty_ = true;
        endpoint_ = pty->slave_path();
    } else {
        endpoint_ = "tcp://127.0.0.1:" + std::to_string(std::get<TcpPort>(port_).port());
    }
}

WireServer::~WireServer() {
    stop();
}

std::string WireServer::endpoint() const {
    std::lock_guard lock(endpoint_mutex_);
    return endpoint_;
}

Result<void> WireServer::link_as(std::filesystem::path link) {
    if (!pty_) {
        return fail("sim_link", name_ + " is on TCP: it has no device to link", link.string());
    }
    if (auto made = make_port_link(link, endpoint()); !made) return made;
    link_ = std::move(link);
    return {};
}

void WireServer::unplug(double until_s) noexcept {
    if (!pty_) return;
    unplug_until_s_ = until_s;
    unplug_requested_ = true;
}

// The adapter is pulled: the PTY's master closes (the slave path vanishes and the driver's
// descriptor hangs up), then its stable name goes, as udev removes it.
void WireServer::go_away() {
    const std::string old = endpoint();
    std::get<PtyPort>(port_).close();
    if (!link_.empty()) remove_port_link(link_, old);
    away_ = true;
    away_until_s_ = unplug_until_s_;
    if (port_change_) port_change_("");
}

// Plugged in again: a fresh PTY under another /dev/pts/N (held open while a second is opened
// when the kernel hands the old number back, as a real adapter comes back as ttyUSB1), then the
// stable name points at it.
void WireServer::come_back() {
    const std::string old = endpoint();
    auto fresh = PtyPort::open();
    if (fresh && fresh->slave_path() == old) {
        auto other = PtyPort::open();
        fresh = std::move(other);  // the first closes here, after the second took another number
    }
    if (!fresh) {  // the machine is out of PTYs: try again a little later, the link stays away
        std::fputs(("edc-sim: " + name_ + ": " + fresh.error().message + "\n").c_str(), stderr);
        away_until_s_ = clock_.now().sim_s + 0.1;
        return;
    }
    port_ = std::move(*fresh);
    const std::string path = std::get<PtyPort>(port_).slave_path();
    {
        std::lock_guard lock(endpoint_mutex_);
        endpoint_ = path;
    }
    if (!link_.empty()) {
        if (auto made = make_port_link(link_, path); !made)
            std::fputs(("edc-sim: " + made.error().message + "\n").c_str(), stderr);
    }
    away_ = false;
    if (port_change_) port_change_(path);
}

void WireServer::start() {
    if (thread_.joinable()) return;
    stop_ = false;
    thread_ = std::thread([this] { run(); });
}

void WireServer::stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (!link_.empty()) remove_port_link(link_, endpoint());
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
        if (unplug_requested_.exchange(false)) go_away();
        if (away_ && clock_.now().sim_s >= away_until_s_) come_back();
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
