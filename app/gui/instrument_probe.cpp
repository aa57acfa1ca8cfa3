#include "app/gui/instrument_probe.hpp"

#include <memory>

#include "app/runtime/instrument_ports.hpp"
#include "drivers/galvanostat/galvanostat_factory.hpp"
#include "drivers/io/io_thread.hpp"
#include "drivers/pump/pump_factory.hpp"

namespace edc::gui {

Result<std::vector<io::PortInfo>> scan_ports() {
    return io::list_serial_ports();
}

std::vector<InstrumentIdentity> identify_instruments(const recipes::Recipe& recipe) {
    std::vector<InstrumentIdentity> out;
    io::IoThread io;  // declared first: destroyed after the drivers that use it
    {
        InstrumentIdentity g{"galvanostat", std::string(recipes::to_string(recipe.galvanostat.model)),
                             app::galvanostat_port(recipe.galvanostat)};
        GalvanostatOptions options;
        if (recipe.galvanostat.baud > 0) options.baud = static_cast<unsigned>(recipe.galvanostat.baud);
        auto galvanostat = make_galvanostat(g.model, g.port, options, io);
        if (galvanostat)
            g.identity = (*galvanostat)->identify();
        else
            g.identity = std::unexpected(galvanostat.error());
        out.push_back(std::move(g));
    }
    if (recipe.pump) {
        InstrumentIdentity p{"pump", std::string(recipes::to_string(recipe.pump->model)), recipe.pump->port};
        PumpOptions options;
        options.baud = recipe.pump->baud > 0 ? static_cast<unsigned>(recipe.pump->baud) : 0U;
        auto pump = make_syringe_pump(p.model, p.port, options, io);
        if (pump)
            p.identity = (*pump)->identify();
        else
            p.identity = std::unexpected(pump.error());
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace edc::gui
