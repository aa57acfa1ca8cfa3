#pragma once
// TCP for SCPI instruments on the LAN (raw socket, port 5025): "tcp://host:port".
#include <chrono>
#include <memory>

#include "drivers/io/io_thread.hpp"
#include "drivers/io/transport.hpp"

namespace edc::io {

struct TcpEndpoint {
    std::string host;
    unsigned short port = 0;
};
// "tcp://192.168.1.20:5025" -> {host, port}; error "bad_port" otherwise.
Result<TcpEndpoint> parse_tcp_url(const std::string& url);

// Errors: "bad_port", "not_found" (name does not resolve), "connection_refused", "timeout", "io_error".
Result<std::unique_ptr<ByteTransport>> open_tcp(const std::string& url,
                                                std::chrono::milliseconds connect_timeout, IoThread& io);

}  // namespace edc::io
