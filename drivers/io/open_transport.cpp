#include "drivers/io/open_transport.hpp"

namespace edc::io {

bool is_tcp_port(const std::string& port) {
    return port.starts_with("tcp://");
}

Result<std::unique_ptr<ByteTransport>> open_transport(const std::string& port,
                                                      const TransportSettings& settings, IoThread& io) {
    if (is_tcp_port(port)) return open_tcp(port, settings.connect_timeout, io);
    return open_serial(port, SerialSettings{settings.baud, std::chrono::milliseconds(20)}, io);
}

}  // namespace edc::io
