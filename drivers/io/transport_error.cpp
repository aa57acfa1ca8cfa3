#include <cerrno>

#include "drivers/io/stream_transport.hpp"

namespace edc::io {

Error transport_error(const boost::system::error_code& ec, const std::string& device, const char* during) {
    const bool vanished = ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset ||
                          ec == boost::asio::error::broken_pipe ||
                          ec == boost::asio::error::connection_aborted ||
                          ec == boost::asio::error::bad_descriptor ||
                          (ec.category() == boost::system::system_category() &&
                           (ec.value() == EIO || ec.value() == ENXIO || ec.value() == ENODEV ||
                            ec.value() == EPIPE || ec.value() == ECONNRESET));
    if (vanished) {
        return Error{
            "disconnected",
            strf("%s disconnected during %s (%s): cable unplugged, instrument off or connection closed",
                 device.c_str(), during, ec.message().c_str()),
            device};
    }
    if (ec == boost::asio::error::operation_aborted) {
        return Error{"timeout", strf("%s: %s cancelled", device.c_str(), during), device};
    }
    return Error{"io_error", strf("%s: %s failed: %s", device.c_str(), during, ec.message().c_str()), device};
}

}  // namespace edc::io
