#include "drivers/pump/pump_factory.hpp"

#include "drivers/io/serial_transport.hpp"
#include "drivers/registry/instrument_registry.hpp"

namespace edc {

// The model's driver and its start-up settings are the registry entry's (instrument_registry.cpp).
Result<std::unique_ptr<SyringePump>> make_syringe_pump(const std::string& model, const std::string& port,
                                                       const PumpOptions& options, io::IoThread& io) {
    auto m = lookup_instrument(model, InstrumentKind::pump, port);
    if (!m) return std::unexpected(m.error());
    auto transport = io::open_serial(port, io::SerialSettings{serial_baud(**m, options.baud)}, io);
    if (!transport) return std::unexpected(transport.error());
    return (*m)->make_pump(**m, std::move(*transport), options);
}

Result<std::unique_ptr<SyringePump>> make_syringe_pump(const std::string& model,
                                                       std::unique_ptr<io::ByteTransport> transport,
                                                       const PumpOptions& options) {
    return make_instrument_pump(model, std::move(transport), options);
}

}  // namespace edc
