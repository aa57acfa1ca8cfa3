#pragma once
// The loopback TCP listener of the simulated Keithley 2450 (raw SCPI socket, like port 5025).
// Port 0 lets the kernel choose; port() reports the choice. One client at a time: a new
// connection replaces the old one, as the instrument's single remote session does.
#include <cstdint>

#include "control/error.hpp"

namespace edc::sim {

class TcpPort {
public:
    [[nodiscard]] static Result<TcpPort> listen_loopback(std::uint16_t port = 0);

    TcpPort(TcpPort&& other) noexcept;
    TcpPort& operator=(TcpPort&& other) noexcept;
    TcpPort(const TcpPort&) = delete;
    TcpPort& operator=(const TcpPort&) = delete;
    ~TcpPort();

    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
    [[nodiscard]] int listen_fd() const noexcept { return listen_; }
    [[nodiscard]] int client_fd() const noexcept { return client_; }
    // Accepts a pending connection (non-blocking); true when a new client is attached.
    bool accept_client() noexcept;
    void close_client() noexcept;
    // Closes everything: the client sees EOF / connection reset, new connections are refused.
    void close() noexcept;

private:
    TcpPort() = default;
    int listen_ = -1;
    int client_ = -1;
    std::uint16_t port_ = 0;
};

}  // namespace edc::sim
