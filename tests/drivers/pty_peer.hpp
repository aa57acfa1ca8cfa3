#pragma once
// The instrument side of a pseudo-terminal for transport tests: the driver opens slave_path().
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace edc::test {

class PtyPeer {
public:
    PtyPeer() {
        master_ = ::posix_openpt(O_RDWR | O_NOCTTY);
        if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0)
            throw std::runtime_error("posix_openpt");
        slave_path_ = ::ptsname(master_);
        // A spare slave fd keeps the master readable after the driver closes its side.
        spare_ = ::open(slave_path_.c_str(), O_RDWR | O_NOCTTY);
        termios t{};
        ::tcgetattr(spare_, &t);
        ::cfmakeraw(&t);
        ::tcsetattr(spare_, TCSANOW, &t);
    }
    ~PtyPeer() { close(); }
    PtyPeer(const PtyPeer&) = delete;
    PtyPeer& operator=(const PtyPeer&) = delete;

    const std::string& slave_path() const { return slave_path_; }
    int master() const { return master_; }

    void send(const std::string& bytes) const {
        const auto n = ::write(master_, bytes.data(), bytes.size());
        if (n != static_cast<ssize_t>(bytes.size())) throw std::runtime_error("pty write");
    }
    // Reads what arrived within `wait`.
    std::string receive(std::chrono::milliseconds wait = std::chrono::milliseconds(500)) const {
        std::string out;
        const auto end = std::chrono::steady_clock::now() + wait;
        while (std::chrono::steady_clock::now() < end) {
            pollfd p{master_, POLLIN, 0};
            if (::poll(&p, 1, 20) > 0 && (p.revents & POLLIN)) {
                char buf[256];
                const auto n = ::read(master_, buf, sizeof buf);
                if (n <= 0) break;
                out.append(buf, static_cast<std::size_t>(n));
            } else if (!out.empty()) {
                break;
            }
        }
        return out;
    }
    speed_t baud() const {
        termios t{};
        ::tcgetattr(master_, &t);
        return ::cfgetospeed(&t);
    }
    void close() {
        if (spare_ >= 0) ::close(spare_);
        if (master_ >= 0) ::close(master_);
        spare_ = master_ = -1;
    }

private:
    int master_ = -1;
    int spare_ = -1;
    std::string slave_path_;
};

}  // namespace edc::test
