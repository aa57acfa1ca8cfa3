#include "drivers/galvanostat/galvanostat_factory.hpp"

#include "drivers/galvanostat/methodscript_potentiostat.hpp"

#include "control/text.hpp"
#include "drivers/galvanostat/scpi_dialect.hpp"
#include "drivers/galvanostat/scpi_source_meter.hpp"
#include "drivers/io/open_transport.hpp"
#include "drivers/registry/instrument_registry.hpp"

namespace edc {
namespace {

Error unknown_model(const std::string& model, const std::string& where) {
    return Error{"unknown_model",
                 strf("galvanostat model '%s' is not supported (known: %s)", model.c_str(),
                      model_names(InstrumentKind::galvanostat).c_str()),
                 where};
}

}  // namespace

Result<std::unique_ptr<Galvanostat>> make_galvanostat(const std::string& model, const std::string& port,
                                                      const GalvanostatOptions& options, io::IoThread& io) {
    if (const auto* ms = find_methodscript_model(model); ms != nullptr) {
        // USB virtual COM port; the baud matters only behind a real UART (the Pico's).
        const unsigned baud = options.baud != 9600 ? options.baud : ms->default_baud;
        auto t = io::open_transport(port, io::TransportSettings{baud, options.connect_timeout}, io);
        if (!t) return std::unexpected(t.error());
        return make_galvanostat(model, std::move(*t), options);
    }
    const ScpiDialect* dialect = find_scpi_dialect(model);
    if (dialect == nullptr) return std::unexpected(unknown_model(model, port));
    if (dialect->lan_only && !io::is_tcp_port(port)) {
        return fail("invalid_setting",
                    strf("the %s has no RS-232: give its LAN address as tcp://host:%u, not '%s'",
                         dialect->display.c_str(), static_cast<unsigned>(dialect->lan_port), port.c_str()),
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
    if (const auto* ms = find_methodscript_model(model); ms != nullptr) {
        MethodScriptOptions o;
        o.timeout = options.timeout;
        return std::make_unique<MethodScriptPotentiostat>(*ms, std::move(transport), o);
    }
    const ScpiDialect* dialect = find_scpi_dialect(model);
    if (dialect == nullptr) return std::unexpected(unknown_model(model, transport->name()));
    ScpiSourceMeterOptions o;
    o.reply_ending = io::line_ending_from_string(options.reply_terminator);
    o.timeout = options.timeout;
    return std::make_unique<ScpiSourceMeter>(*dialect, std::move(transport), o);
}

}  // namespace edc
