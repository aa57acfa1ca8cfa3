#include "app/doctor/driver_probe.hpp"

#include <memory>

#include "drivers/io/io_thread.hpp"
#include "drivers/io/open_transport.hpp"
#include "drivers/registry/instrument_probe.hpp"

namespace edc::doctor {
namespace {

// A galvanostat not on a device path is on the network: "host" or "host:port" as in recipes
// becomes tcp://host:port (the model's LAN port, 5025 for a serial model's LAN sibling).
std::string instrument_address(const ProbeRequest& r, const InstrumentModel& m) {
    if (m.kind != InstrumentKind::galvanostat || r.port.starts_with("/") || r.port.starts_with("tcp://")) {
        return r.port;
    }
    const unsigned port = m.default_tcp_port != 0 ? m.default_tcp_port : 5025U;
    return r.port.find(':') == std::string::npos ? "tcp://" + r.port + ":" + std::to_string(port)
                                                 : "tcp://" + r.port;
}

std::string described(const Identity& id, const std::string& asked) {
    if (id.model.empty()) return id.identity + " (" + id.note + ")";
    std::string text = id.identity;
    if (id.model != asked) text += " (a " + id.model + ", not " + asked + ")";
    if (!id.note.empty()) text += " [" + id.note + "]";
    return text;
}

// The registry's probe for the configured model (identity queries only: the doctor changes
// nothing); when a pump does not answer its model's query, every family at its own baud, so a bench whose
// instrument is not the expected one hears which one answered.
Result<std::string> ask(const ProbeRequest& r, const DriverProbeOptions& o, io::IoThread& io) {
    const auto kind = r.role == "pump" ? InstrumentKind::pump : InstrumentKind::galvanostat;
    auto m = lookup_instrument(r.model, kind, r.port);
    if (!m) return std::unexpected(m.error());
    ProbeOptions options;
    options.baud = kind == InstrumentKind::pump ? o.pump_baud : o.galvanostat_baud;
    options.timeout = o.timeout;
    const std::string address = instrument_address(r, **m);
    if (io::is_tcp_port(address) && (*m)->transport != LinkKind::tcp) {
        // The recipe's model has no LAN port: whoever answers *IDN? there is named.
        const ProbeAnyResult any = probe_any(address, options, io);
        if (any.identity) return described(*any.identity, r.model);
        if (any.tried.empty()) return fail("unknown_model", "no LAN model to ask", address);
        return std::unexpected(any.tried.back().error);
    }
    auto first = probe(r.model, address, options, io);
    if (first) return described(*first, r.model);
    if (kind != InstrumentKind::pump || o.pump_baud != 0) return std::unexpected(first.error());
    ProbeAnyFilter others;
    others.kind = InstrumentKind::pump;
    others.skip = *m;
    const ProbeAnyResult any = probe_any(address, options, io, others);
    if (any.identity) return described(*any.identity, r.model);
    return std::unexpected(first.error());
}

}  // namespace

Prober make_driver_prober(DriverProbeOptions options) {
    auto io = std::make_shared<std::unique_ptr<io::IoThread>>();
    return [options, io](const ProbeRequest& r) -> Result<std::string> {
        if (!*io) *io = std::make_unique<io::IoThread>();
        return ask(r, options, **io);
    };
}

}  // namespace edc::doctor
