#include "drivers/io/serial_transport.hpp"

#include <climits>
#include <cstdlib>

#include "drivers/io/stream_transport.hpp"

namespace edc::io {

Result<std::unique_ptr<ByteTransport>> open_serial(const std::string& device, const SerialSettings& settings,
                                                   IoThread& io) {
    char resolved[PATH_MAX];
    if (::realpath(device.c_str(), resolved) == nullptr) {
        const int err = errno;
        if (err == EACCES) {
            return fail("permission_denied", strf("cannot resolve %s: permission denied", device.c_str()),
                        device);
        }
        return fail("not_found",
                    strf("serial port %s does not exist (is the adapter plugged in?)", device.c_str()),
                    device);
    }
    const std::string real(resolved);
    const std::string name = real == device ? device : device + " (" + real + ")";

    boost::asio::serial_port port(io.context());
    boost::system::error_code ec;
    port.open(real, ec);
    if (ec) {
        if (ec == boost::system::errc::permission_denied) {
            return fail(
                "permission_denied",
                strf("no permission to open %s: add the user to group dialout "
                     "(sudo usermod -aG dialout $USER, then log in again) or install udev/99-edc.rules",
                     name.c_str()),
                name);
        }
        if (ec == boost::system::errc::no_such_file_or_directory ||
            ec == boost::system::errc::no_such_device) {
            return fail("not_found", strf("serial port %s vanished before it could be opened", name.c_str()),
                        name);
        }
        return fail("io_error", strf("cannot open %s: %s", name.c_str(), ec.message().c_str()), name);
    }
    using sp = boost::asio::serial_port;
    port.set_option(sp::baud_rate(settings.baud), ec);
    if (ec) {
        return fail("bad_baud",
                    strf("cannot set %u baud on %s: %s", settings.baud, name.c_str(), ec.message().c_str()),
                    name);
    }
    port.set_option(sp::character_size(8), ec);
    if (!ec) port.set_option(sp::parity(sp::parity::none), ec);
    if (!ec) port.set_option(sp::stop_bits(sp::stop_bits::one), ec);
    if (!ec) port.set_option(sp::flow_control(sp::flow_control::none), ec);
    if (ec)
        return fail("io_error", strf("cannot set 8N1 on %s: %s", name.c_str(), ec.message().c_str()), name);

    return std::make_unique<StreamTransport<sp>>(io.context(), std::move(port), name, settings.quiet_window,
                                                 &TtyStallMonitor::shared());
}

}  // namespace edc::io
