#pragma once
// Test-side serial and TCP access with plain POSIX calls (not the drivers' transports), so the
// simulator's wire side is checked on its own.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

namespace edc::sim::wire_test {

using Clock = std::chrono::steady_clock;

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    [[nodiscard]] int get() const { return fd_; }

private:
    int fd_;
};

inline int open_serial(const std::string& path, speed_t baud) {
    const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY);
    if (fd < 0) return fd;
    termios t{};
    ::tcgetattr(fd, &t);
    ::cfmakeraw(&t);
    ::cfsetispeed(&t, baud);
    ::cfsetospeed(&t, baud);
    ::tcsetattr(fd, TCSANOW, &t);
    return fd;
}

inline int connect_tcp(const std::string& endpoint) {
    const auto colon = endpoint.rfind(':');
    const int port = std::stoi(endpoint.substr(colon + 1));
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

struct ReadResult {
    std::string bytes;
    bool eof_or_error = false;
};

// Reads until `last` arrives, the peer hangs up, or `timeout_ms` passes.
inline ReadResult read_until(int fd, char last, int timeout_ms) {
    ReadResult r;
    const auto end = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < end) {
        pollfd p{fd, POLLIN, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
        if (::poll(&p, 1, static_cast<int>(std::max<long>(left, 1))) <= 0) continue;
        char buf[256];
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) {
            r.eof_or_error = true;
            return r;
        }
        r.bytes.append(buf, static_cast<std::size_t>(n));
        if (r.bytes.back() == last) return r;
    }
    return r;
}

inline void write_str(int fd, const std::string& s) {
    ASSERT_EQ(::write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size()));
}

}  // namespace edc::sim::wire_test
