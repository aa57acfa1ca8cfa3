#include "drivers/registry/instrument_probe.hpp"

#include <utility>

#include "control/text.hpp"
#include "drivers/galvanostat/methodscript_potentiostat.hpp"
#include "drivers/galvanostat/methodscript_protocol.hpp"
#include "drivers/galvanostat/scpi_dialect.hpp"
#include "drivers/io/framing.hpp"
#include "drivers/io/open_transport.hpp"
#include "drivers/io/printable.hpp"
#include "drivers/pump/harvard_pump.hpp"
#include "drivers/pump/legato_protocol.hpp"
#include "drivers/pump/newera_protocol.hpp"

namespace edc {
namespace {

Error annotate(Error e, std::string_view what) {
    e.message = std::string(what) + ": " + e.message;
    return e;
}

Result<std::unique_ptr<io::ByteTransport>> open_for(const InstrumentModel& m, const std::string& port,
                                                    const ProbeOptions& o, unsigned baud, io::IoThread& io) {
    if (m.transport == LinkKind::tcp && !io::is_tcp_port(port)) {
        return fail("invalid_setting",
                    strf("the %.*s has no RS-232: give its LAN address as tcp://host:%u, not '%s'",
                         static_cast<int>(m.name.size()), m.name.data(),
                         static_cast<unsigned>(m.default_tcp_port), port.c_str()),
                    port);
    }
    return io::open_transport(port, io::TransportSettings{baud, o.connect_timeout}, io);
}

// One New Era exchange in basic mode or as a safe-mode packet, on the driver's own framing and
// parsing (newera_protocol), without the driver: NewEraPump's start-up acknowledges alarms and
// returns a pump found in safe mode to basic mode (SAF0), and a probe must not.
Result<newera::Reply> newera_ask(io::ByteTransport& t, int address, bool safe,
                                 std::chrono::milliseconds timeout) {
    io::NewEraAutoFramer framer;
    t.drain();  // a safe-mode pump's unsolicited alarm packets are not the answer
    if (auto w = t.write(newera::command_bytes(address, "VER", safe), timeout); !w)
        return std::unexpected(w.error());
    auto frame = t.read_until(framer, timeout);
    if (!frame) return std::unexpected(frame.error());
    return newera::parse_reply(*frame);
}

}  // namespace

Result<Identity> probe_scpi_idn(std::unique_ptr<io::ByteTransport> transport, const InstrumentModel& model,
                                const ProbeOptions& options) {
    const std::string port = transport->name();
    GalvanostatOptions g;
    g.timeout = options.timeout;
    auto meter = make_galvanostat(std::string(model.name), std::move(transport), g);
    if (!meter) return std::unexpected(meter.error());
    auto id = (*meter)->identify();  // *IDN? and nothing else
    if (!id) return std::unexpected(annotate(id.error(), "*IDN?"));
    Identity out;
    out.identity = *id;
    out.port = port;
    // Every dialect answers *IDN? alike; the answer's model field names the entry.
    if (const ScpiDialect* d = find_scpi_dialect_by_identity(*id); d != nullptr) {
        out.model = d->model;
    } else {
        out.note = "answers *IDN? but is none of: " + model_names(InstrumentKind::galvanostat);
    }
    return out;
}

Result<Identity> probe_newera_ver(std::unique_ptr<io::ByteTransport> transport, const InstrumentModel& model,
                                  const ProbeOptions& options) {
    auto& t = *transport;
    bool safe = false;
    auto r = newera_ask(t, options.address, safe, options.timeout);
    if (!r && r.error().code == "timeout") {
        // A pump left in safe mode (its controller died before SAF0) ignores basic-mode
        // commands; the same VER as a CRC packet. It stays in safe mode.
        io::discard_late_replies(t, io::NewEraAutoFramer{});
        safe = true;
        r = newera_ask(t, options.address, safe, options.timeout);
        if (!r && r.error().code == "timeout")
            return std::unexpected(annotate(r.error(), "VER (basic and safe mode)"));
    }
    if (!r) return std::unexpected(annotate(r.error(), "VER"));
    std::string note = safe ? "answered in safe mode" : "";
    if (r->status == 'A') {
        // The pump answers the first command after an alarm with the alarm alone (VER was not
        // executed) and that answer acknowledges it: ask once more.
        note += strf("%salarm %c acknowledged (%s)", note.empty() ? "" : "; ", r->alarm,
                     newera::alarm_meaning(r->alarm));
        r = newera_ask(t, options.address, safe, options.timeout);
        if (!r) return std::unexpected(annotate(r.error(), "VER"));
    }
    if (r->has_error || r->data.empty()) {
        return fail("bad_reply", "VER was answered without a version: '" + io::printable(r->data) + "'",
                    t.name());
    }
    return Identity{std::string(model.name), io::identity_text(r->data), t.name(), note};
}

Result<Identity> probe_harvard_ver(std::unique_ptr<io::ByteTransport> transport, const InstrumentModel& model,
                                   const ProbeOptions& options) {
    (void)model;
    const std::string port = transport->name();
    HarvardPump pump(std::move(transport), HarvardOptions{options.address, options.timeout});
    auto id = pump.identify();  // `ver` and nothing else
    if (!id) return std::unexpected(annotate(id.error(), "ver"));
    // The Legato runs the Elite's firmware family and names itself in the same reply.
    const legato::Model* l = legato::model_of_ver(*id);
    return Identity{l != nullptr ? std::string(l->recipe_name) : std::string("harvard-elite"), *id, port, {}};
}

Result<Identity> probe_methodscript_t(std::unique_ptr<io::ByteTransport> transport, const InstrumentModel& model,
                                      const ProbeOptions& options) {
    (void)model;
    auto& t = *transport;
    const io::LineFramer lf{io::LineEnding::lf};
    auto line = [&]() -> Result<std::string> {
        auto l = t.read_until(lf, options.timeout);
        if (l && !l->empty() && l->back() == '\r') l->pop_back();
        return l;
    };
    // The newline first ends whatever an earlier probe left unterminated in the instrument's line
    // buffer (`VER\r`, `ver\r`: a USB CDC device takes every baud), which it refuses with a
    // `!` line before it answers `t`.
    t.drain();
    if (auto w = t.write("\nt\n", options.timeout); !w) return std::unexpected(annotate(w.error(), "t"));
    auto l1 = line();
    for (int refused = 0; l1 && l1->starts_with('!') && refused < 2; ++refused) l1 = line();
    if (!l1) return std::unexpected(annotate(l1.error(), "t"));
    auto l2 = line();
    if (!l2) return std::unexpected(annotate(l2.error(), "t"));
    auto id = methodscript::parse_identity(*l1, *l2);
    if (!id) return std::unexpected(annotate(id.error(), "t"));
    Identity out{{}, id->firmware + (id->device.empty() ? "" : " (" + id->device + ")"), t.name(), {}};
    for (const MethodScriptModel& m : methodscript_models()) {
        if (id->firmware.starts_with(m.firmware_prefix)) out.model = m.model;
    }
    if (out.model.empty()) out.note = "answers MethodSCRIPT 't' but is neither EmStat4 nor EmStat Pico";
    return out;
}

Result<Identity> probe(std::string_view model, const std::string& port, const ProbeOptions& options,
                       io::IoThread& io) {
    const InstrumentModel* m = find_instrument(model);
    if (m == nullptr) {
        return fail(
            "unknown_model",
            strf("model '%.*s' is not supported (galvanostats: %s; pumps: %s)",
                 static_cast<int>(model.size()), model.data(),
                 model_names(InstrumentKind::galvanostat).c_str(), model_names(InstrumentKind::pump).c_str()),
            port);
    }
    auto t = open_for(*m, port, options, serial_baud(*m, options.baud), io);
    if (!t) return std::unexpected(t.error());
    return m->probe(std::move(*t), *m, options);
}

ProbeAnyResult probe_any(const std::string& port, const ProbeOptions& options, io::IoThread& io,
                         const ProbeAnyFilter& filter) {
    ProbeAnyResult result;
    const LinkKind link = io::is_tcp_port(port) ? LinkKind::tcp : LinkKind::serial;
    std::vector<std::pair<ProbeFn, unsigned>> asked;
    if (filter.skip != nullptr) {
        asked.emplace_back(filter.skip->probe, link == LinkKind::tcp ? 0U : filter.skip->default_baud);
    }
    for (const InstrumentModel& m : instrument_models()) {
        if (m.transport != link || (filter.kind && m.kind != *filter.kind)) continue;
        const unsigned baud = link == LinkKind::tcp ? 0U : m.default_baud;
        const std::pair<ProbeFn, unsigned> key{m.probe, baud};
        bool seen = false;
        for (const auto& a : asked) seen = seen || a == key;
        if (seen) continue;  // one query per family and baud: its answer names the model
        asked.push_back(key);
        const std::string what =
            link == LinkKind::tcp
                ? std::string(m.probe_what)
                : strf("%.*s at %u baud", static_cast<int>(m.probe_what.size()), m.probe_what.data(), baud);
        auto t = open_for(m, port, options, baud, io);
        if (!t) {
            result.tried.push_back({"open", t.error()});
            return result;  // the port itself cannot be opened: no point trying other bauds
        }
        auto id = m.probe(std::move(*t), m, options);
        if (id) {
            result.identity = std::move(*id);
            return result;
        }
        result.tried.push_back({what, id.error()});
    }
    return result;
}

}  // namespace edc
