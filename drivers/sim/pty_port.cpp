#include "drivers/sim/pty_port.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace edc::sim {

std::optional<unsigned> baud_from_speed(unsigned speed) noexcept {
    switch (speed) {
        case B300:
            return 300U;
        case B600:
            return 600U;
        case B1200:
            return 1200U;
        case B2400:
            return 2400U;
        case B4800:
            return 4800U;
        case B9600:
            return 9600U;
        case B19200:
            return 19200U;
        case B38400:
            return 38400U;
        case B57600:
            return 57600U;
        case B115200:
            return 115200U;
        case B230400:
            return 230400U;
        case B460800:
            return 460800U;
        case B921600:
            return 921600U;
        default:
            return std::nullopt;
    }
}

Result<PtyPort> PtyPort::open() {
    auto sys_error = [](const char* what) {
        return fail("pty_open", std::string(what) + " failed: " + std::strerror(errno), "pseudo-terminal");
    };
    PtyPort p;
    p.master_ = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (p.master_ < 0) return sys_error("posix_openpt");
    if (::grantpt(p.master_) != 0) return sys_error("grantpt");
    if (::unlockpt(p.master_) != 0) return sys_error("unlockpt");
    const char* name = ::ptsname(p.master_);
    if (name == nullptr) return sys_error("ptsname");
    p.path_ = name;
    p.spare_slave_ = ::open(name, O_RDWR | O_NOCTTY);
    if (p.spare_slave_ < 0) return sys_error("open slave");
    termios t{};
    if (::tcgetattr(p.spare_slave_, &t) != 0) return sys_error("tcgetattr");
    ::cfmakeraw(&t);
    if (::tcsetattr(p.spare_slave_, TCSANOW, &t) != 0) return sys_error("tcsetattr");
    const int flags = ::fcntl(p.master_, F_GETFL);
    if (flags < 0 || ::fcntl(p.master_, F_SETFL, flags | O_NONBLOCK) != 0)
        return sys_error("fcntl O_NONBLOCK");
    return p;
}

PtyPort::PtyPort(PtyPort&& other) noexcept
    : master_(std::exchange(other.master_, -1)),
      spare_slave_(std::exchange(other.spare_slave_, -1)),
      path_(std::move(other.path_)) {}

PtyPort& PtyPort::operator=(PtyPort&& other) noexcept {
    if (this != &other) {
        close();
        master_ = std::exchange(other.master_, -1);
        spare_slave_ = std::exchange(other.spare_slave_, -1);
        path_ = std::move(other.path_);
    }
    return *this;
}

PtyPort::~PtyPort() {
    close();
}

std::optional<unsigned> PtyPort::line_baud() const noexcept {
    termios t{};
    if (master_ < 0 || ::tcgetattr(master_, &t) != 0) return std::nullopt;
    return baud_from_speed(static_cast<unsigned>(::cfgetospeed(&t)));
}

void PtyPort::close() noexcept {
    if (spare_slave_ >= 0) ::close(spare_slave_);
    if (master_ >= 0) ::close(master_);
    spare_slave_ = -1;
    master_ = -1;
}

}  // namespace edc::sim
