#include "drivers/galvanostat/galvanostat_factory.hpp"

#include "control/text.hpp"
#include "drivers/galvanostat/keithley2400.hpp"
#include "drivers/galvanostat/keithley2450.hpp"
#include "drivers/io/open_transport.hpp"

namespace edc {

Result<std::unique_ptr<Galvanostat>> make_galvanostat(const std::string& model, const std::string& port,
                                                      const GalvanostatOptions& options, io::IoThread& io) {
    if (model != "keithley-2400" && model != "keithley-2450") {
        return fail(
            "unknown_model",
            strf("galvanostat model '%s' is not supported (keithley-2400, keithley-2450)", model.c_str()),
            port);
    }
    if (model == "keithley-2450" && !io::is_tcp_port(port)) {
        return fail("invalid_setting",
                    strf("the Keithley 2450 has no RS-232: give its LAN address as tcp://host:5025, not '%s'",
                         port.c_str()),
                    port);
    }
    auto transport =
        io::open_transport(port, io::TransportSettings{options.baud, options.connect_timeout}, io);
    if (!transport) return std::unexpected(transport.error());
    return make_galvanostat(model, std::move(*transport), options);
}

Result<std::unique_ptr<Galvanostat>> make_galvanostat(const std::string& model,
                                                      std::unique_ptr<io::ByteTransport> transport,
                                                      const GalvanostatOptions& options) {
    if (model == "keithley-2400") {
        return std::make_unique<Keithley2400>(
            std::move(transport),
            Keithley2400Options{io::line_ending_from_string(options.reply_terminator), options.timeout});
    }
    if (model == "keithley-2450") {
        return std::make_unique<Keithley2450>(std::move(transport), Keithley2450Options{options.timeout});
    }
    return fail("unknown_model",
                strf("galvanostat model '%s' is not supported (keithley-2400, keithley-2450)", model.c_str()),
                transport->name());
}

}  // namespace edc
