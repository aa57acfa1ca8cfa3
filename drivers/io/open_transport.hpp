#pragma once
// Opens the transport a recipe's port names: "tcp://host:port" or a serial device path.
#include <chrono>
#include <memory>

#include "drivers/io/serial_transport.hpp"
#include "drivers/io/tcp_transport.hpp"

namespace edc::io {

struct TransportSettings {
    unsigned baud = 9600;                             // serial only
    std::chrono::milliseconds connect_timeout{3000};  // TCP only
};

bool is_tcp_port(const std::string& port);
Result<std::unique_ptr<ByteTransport>> open_transport(const std::string& port,
                                                      const TransportSettings& settings, IoThread& io);

}  // namespace edc::io
