#include "drivers/sim/tcp_port.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace edc::sim {

Result<TcpPort> TcpPort::listen_loopback(std::uint16_t port) {
    auto sys_error = [port](const char* what) {
        return fail("tcp_listen", std::string(what) + " failed: " + std::strerror(errno),
                    "tcp://127.0.0.1:" + std::to_string(port));
    };
    TcpPort p;
    p.listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (p.listen_ < 0) return sys_error("socket");
    const int one = 1;
    ::setsockopt(p.listen_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (::bind(p.listen_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return sys_error("bind");
    if (::listen(p.listen_, 4) != 0) return sys_error("listen");
    socklen_t len = sizeof addr;
    if (::getsockname(p.listen_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        return sys_error("getsockname");
    p.port_ = ntohs(addr.sin_port);
    return p;
}

TcpPort::TcpPort(TcpPort&& other) noexcept
    : listen_(std::exchange(other.listen_, -1)),
      client_(std::exchange(other.client_, -1)),
      port_(other.port_) {}

TcpPort& TcpPort::operator=(TcpPort&& other) noexcept {
    if (this != &other) {
        close();
        listen_ = std::exchange(other.listen_, -1);
        client_ = std::exchange(other.client_, -1);
        port_ = other.port_;
    }
    return *this;
}

TcpPort::~TcpPort() {
    close();
}

bool TcpPort::accept_client() noexcept {
    if (listen_ < 0) return false;
    const int fd = ::accept4(listen_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return false;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    close_client();
    client_ = fd;
    return true;
}

void TcpPort::close_client() noexcept {
    if (client_ >= 0) ::close(client_);
    client_ = -1;
}

void TcpPort::close() noexcept {
    close_client();
    if (listen_ >= 0) ::close(listen_);
    listen_ = -1;
}

}  // namespace edc::sim
