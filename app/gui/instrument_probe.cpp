#include "app/gui/instrument_probe.hpp"

#include <chrono>
#include <memory>

#include "app/runtime/instrument_ports.hpp"
#include "drivers/io/io_thread.hpp"
#include "drivers/registry/instrument_probe.hpp"

namespace edc::gui {

Result<std::vector<io::PortInfo>> scan_ports() {
    return io::list_serial_ports();
}

namespace {

// The registry's probe (identity queries only: no `NVRAM off`, no safe mode, nothing configured).
Result<std::string> ask(const std::string& model, const std::string& port, unsigned baud, io::IoThread& io) {
    ProbeOptions options;
    options.baud = baud;
    options.timeout = std::chrono::milliseconds(1000);
    auto id = probe(model, port, options, io);
    if (!id) return std::unexpected(id.error());
    std::string text = id->identity;
    if (id->model != model)
        text += " (" + (id->model.empty() ? std::string("not a known model") : "a " + id->model) + ", not " +
                model + ")";
    if (!id->note.empty()) text += " [" + id->note + "]";
    return text;
}

}  // namespace

std::vector<InstrumentIdentity> identify_instruments(const recipes::Recipe& recipe) {
    std::vector<InstrumentIdentity> out;
    io::IoThread io;
    {
        InstrumentIdentity g{"galvanostat", std::string(recipes::to_string(recipe.galvanostat.model)),
                             app::galvanostat_port(recipe.galvanostat)};
        g.identity =
            ask(g.model, g.port,
                recipe.galvanostat.baud > 0 ? static_cast<unsigned>(recipe.galvanostat.baud) : 0U, io);
        out.push_back(std::move(g));
    }
    if (recipe.pump) {
        InstrumentIdentity p{"pump", std::string(recipes::to_string(recipe.pump->model)), recipe.pump->port};
        p.identity =
            ask(p.model, p.port, recipe.pump->baud > 0 ? static_cast<unsigned>(recipe.pump->baud) : 0U, io);
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace edc::gui
