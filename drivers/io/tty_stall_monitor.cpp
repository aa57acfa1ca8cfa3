#include "drivers/io/tty_stall_monitor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>

namespace edc::io {
namespace {

constexpr std::size_t max_remembered = 64;

}  // namespace

TtyStallMonitor& TtyStallMonitor::shared() {
    // Never destroyed: its thread runs until the process ends, with no join at exit (nor in a
    // forked child, where that thread does not exist).
    static auto* monitor = new TtyStallMonitor;
    return *monitor;
}

TtyStallMonitor::TtyStallMonitor() {
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) return;
    const char* name = (::grantpt(master) == 0 && ::unlockpt(master) == 0) ? ::ptsname(master) : nullptr;
    const int slave = name != nullptr ? ::open(name, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC) : -1;
    termios t{};
    bool ok = slave >= 0 && ::tcgetattr(slave, &t) == 0;
    if (ok) {
        ::cfmakeraw(&t);  // no echo back into the master; every byte readable at once
        ok = ::tcsetattr(slave, TCSANOW, &t) == 0;
    }
    const int stop = ok ? ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK) : -1;
    if (stop < 0) {
        if (slave >= 0) ::close(slave);
        ::close(master);
        return;
    }
    master_ = master;
    slave_ = slave;
    stop_fd_ = stop;
    thread_ = std::thread([this] { run(); });
}

TtyStallMonitor::~TtyStallMonitor() {
    {
        const std::lock_guard lock(mutex_);
        quit_ = true;
    }
    if (stop_fd_ >= 0) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto n = ::write(stop_fd_, &one, sizeof one);
    }
    arrived_.notify_all();
    if (thread_.joinable()) thread_.join();
    for (int fd : {slave_, master_, stop_fd_}) {
        if (fd >= 0) ::close(fd);
    }
}

// Blocks until the probe byte `mark` is read or the monitor stops. poll() on a tty waits inside
// the kernel for the very worker being measured, which is what this thread is for.
bool TtyStallMonitor::wait_for_mark(unsigned char mark) {
    for (;;) {
        std::array<pollfd, 2> fds{{{slave_, POLLIN, 0}, {stop_fd_, POLLIN, 0}}};
        if (::poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) return false;
        if (fds[1].revents != 0) return false;
        std::array<unsigned char, 64> buf{};
        const ssize_t n = ::read(slave_, buf.data(), buf.size());
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
        const auto end = buf.begin() + std::max<ssize_t>(n, 0);
        if (std::find(buf.begin(), end, mark) != end) return true;
    }
}

void TtyStallMonitor::run() {
    unsigned char mark = 0;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            if (quit_) return;
            outstanding_ = true;
            sent_ = Clock::now();
        }
        ++mark;  // a byte that arrives late cannot answer a later probe
        if (::write(master_, &mark, 1) != 1 || !wait_for_mark(mark)) {
            const std::lock_guard lock(mutex_);
            outstanding_ = false;
            arrived_.notify_all();
            return;
        }
        {
            const std::lock_guard lock(mutex_);
            const auto now = Clock::now();
            outstanding_ = false;
            if (now - sent_ >= stall) {
                stalls_.push_back({sent_, now});
                if (stalls_.size() > max_remembered) stalls_.pop_front();
            }
        }
        arrived_.notify_all();
        std::array<pollfd, 1> stop{{{stop_fd_, POLLIN, 0}}};
        if (::poll(stop.data(), stop.size(), static_cast<int>(period.count())) > 0) return;
    }
}

std::optional<std::chrono::milliseconds> TtyStallMonitor::held_since(Clock::time_point since,
                                                                     std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    if (!thread_.joinable()) return std::chrono::milliseconds(0);
    const auto give_up = Clock::now() + limit;
    Clock::duration longest{};
    // A probe out longer than a stall is one going on now: wait for the kernel to deliver it.
    if (outstanding_ && Clock::now() - sent_ >= stall) {
        const auto probe = sent_;
        if (!arrived_.wait_until(lock, give_up, [&] { return quit_ || !outstanding_ || sent_ != probe; })) {
            return std::nullopt;
        }
    }
    for (const auto& h : stalls_) {
        if (h.arrived >= since) longest = std::max(longest, h.arrived - h.sent);
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(longest);
}

}  // namespace edc::io
