#include "drivers/registry/instrument_registry.hpp"

#include <vector>

#include "control/text.hpp"
#include "drivers/galvanostat/scpi_dialect.hpp"
#include "drivers/pump/harvard_pump.hpp"
#include "drivers/galvanostat/methodscript_potentiostat.hpp"
#include "drivers/pump/legato_protocol.hpp"
#include "drivers/pump/legato_pump.hpp"
#include "drivers/pump/newera_pump.hpp"
#include "drivers/registry/instrument_probe.hpp"

namespace edc {
namespace {

constexpr double per_min = 1.0 / 60.0;

// NE-1000: protocols.md section 4 gives only "max ~2-3 mL/min at 4.7 mm, ~100+ mL/min at
// 26.6 mm"; 185 mm/min top speed matches both (3.2 and 103 mL/min). Elite: chosen so a
// 26.59 mm syringe gives protocols.md's `irate lim` reply "0.0366 ul/min to 26.64 ml/min".
constexpr PlungerSpeedRange newera_1000{6.8e-7 * per_min, 0.185 * per_min};
constexpr PlungerSpeedRange harvard_elite{6.5911e-8 * per_min, 0.047975 * per_min};
// KD Scientific Legato 100/180/200: flow range "1.28 pl/min (0.5 ul syringe, 0.103 mm bore) to
// 216 ml/min (140 ml syringe, 38 mm bore)" (docs/protocols/legato.md).
constexpr PlungerSpeedRange kds_legato{1.536e-7 * per_min, 0.1905 * per_min};

Result<std::unique_ptr<Galvanostat>> make_named_galvanostat(const InstrumentModel& m, std::unique_ptr<io::ByteTransport> t,
                                               const GalvanostatOptions& o) {
    return make_galvanostat(std::string(m.name), std::move(t), o);
}

// Safe mode (the pump's host watchdog) when the recipe asks for it; an alarm a power cut left
// is acknowledged first.
Result<std::unique_ptr<SyringePump>> make_newera(const InstrumentModel&, std::unique_ptr<io::ByteTransport> t,
                                                 const PumpOptions& o) {
    auto pump = std::make_unique<NewEraPump>(std::move(t), NewEraOptions{o.address, o.timeout});
    if (o.safe_mode_timeout_s > 0) {
        if (auto a = pump->acknowledge_alarm(); !a) return std::unexpected(a.error());
        if (auto r = pump->set_safe_mode(o.safe_mode_timeout_s); !r) return std::unexpected(r.error());
    }
    return pump;
}

// `NVRAM off`: rate changes every control tick must not be written to non-volatile memory.
Result<std::unique_ptr<SyringePump>> make_elite(const InstrumentModel&, std::unique_ptr<io::ByteTransport> t,
                                                const PumpOptions& o) {
    auto pump = std::make_unique<HarvardPump>(std::move(t), HarvardOptions{o.address, o.timeout});
    if (auto r = pump->disable_nvram(); !r) return std::unexpected(r.error());
    return pump;
}

// `nvram none`, the Legato's spelling of the same.
Result<std::unique_ptr<SyringePump>> make_legato(const InstrumentModel& m,
                                                 std::unique_ptr<io::ByteTransport> t, const PumpOptions& o) {
    LegatoOptions lo;
    lo.model = std::string(m.name);
    lo.address = o.address;
    lo.timeout = o.timeout;
    auto pump = std::make_unique<LegatoPump>(std::move(t), lo);
    if (auto r = pump->disable_nvram(); !r) return std::unexpected(r.error());
    return pump;
}

InstrumentModel pump_entry(std::string_view name, unsigned baud, std::string_view what, ProbeFn probe,
                           PumpFactory factory, PlungerSpeedRange speed) {
    InstrumentModel m;
    m.name = name;
    m.kind = InstrumentKind::pump;
    m.transport = LinkKind::serial;
    m.default_baud = baud;
    m.probe_what = what;
    m.probe = probe;
    m.make_pump = factory;
    m.sim_model = name;
    m.plunger_speed = speed;
    return m;
}

// Galvanostats first (the SCPI dialect table, in its order: the 2400 on RS-232 at 9600 is the
// one serial entry), then the pumps at rising baud. A probe of an unknown serial port asks in
// this order; each query is an identity query, so the order only decides who is asked first.
std::vector<InstrumentModel> build_table() {
    std::vector<InstrumentModel> table;
    for (const ScpiDialect& d : scpi_dialects()) {
        InstrumentModel m;
        m.name = d.model;
        m.kind = InstrumentKind::galvanostat;
        m.transport = d.lan_only ? LinkKind::tcp : LinkKind::serial;
        m.default_baud = d.default_baud;
        m.default_tcp_port = d.lan_port;
        m.probe_what = "*IDN?";
        m.probe = probe_scpi_idn;
        m.make_galvanostat = make_named_galvanostat;
        m.sim_model = d.model;
        m.dialect = &d;
        table.push_back(m);
    }
    table.push_back(pump_entry("ne-1000", 19200, "New Era VER", probe_newera_ver, make_newera, newera_1000));
    table.push_back(pump_entry("harvard-elite", 115200, "Harvard/Legato ver", probe_harvard_ver, make_elite,
                               harvard_elite));
    for (const legato::Model& l : legato::models()) {
        table.push_back(pump_entry(l.recipe_name, 115200, "Harvard/Legato ver", probe_harvard_ver,
                                   make_legato, kds_legato));
    }
    for (const MethodScriptModel& ms : methodscript_models()) {
        // Last: a port no earlier entry answered on is asked `t` (no command of the others).
        InstrumentModel m;
        m.name = ms.model;
        m.kind = InstrumentKind::galvanostat;
        m.transport = LinkKind::serial;
        m.default_baud = ms.default_baud;
        m.probe_what = "MethodSCRIPT t";
        m.probe = probe_methodscript_t;
        m.make_galvanostat = make_named_galvanostat;  // make_galvanostat knows the MethodSCRIPT models too
        m.sim_model = ms.model;
        table.push_back(m);
    }
    return table;
}

}  // namespace

const char* to_string(InstrumentKind k) {
    return k == InstrumentKind::pump ? "pump" : "galvanostat";
}

std::span<const InstrumentModel> instrument_models() {
    static const std::vector<InstrumentModel> table = build_table();
    return table;
}

const InstrumentModel* find_instrument(std::string_view name) {
    for (const auto& m : instrument_models()) {
        if (m.name == name) return &m;
    }
    return nullptr;
}

std::string model_names(InstrumentKind kind) {
    std::string names;
    for (const auto& m : instrument_models()) {
        if (m.kind != kind) continue;
        if (!names.empty()) names += ", ";
        names += m.name;
    }
    return names;
}

Result<const InstrumentModel*> lookup_instrument(std::string_view name, InstrumentKind kind,
                                                 std::string_view where) {
    const InstrumentModel* m = find_instrument(name);
    if (m != nullptr && m->kind == kind) return m;
    return fail("unknown_model",
                strf("%s model '%.*s' is not supported (known: %s)", to_string(kind),
                     static_cast<int>(name.size()), name.data(), model_names(kind).c_str()),
                std::string(where));
}

unsigned serial_baud(const InstrumentModel& m, unsigned requested) {
    return requested != 0 ? requested : m.default_baud;
}

Result<std::unique_ptr<Galvanostat>> make_instrument_galvanostat(std::string_view model,
                                                                 std::unique_ptr<io::ByteTransport> transport,
                                                                 const GalvanostatOptions& options) {
    auto m = lookup_instrument(model, InstrumentKind::galvanostat, transport->name());
    if (!m) return std::unexpected(m.error());
    return (*m)->make_galvanostat(**m, std::move(transport), options);
}

Result<std::unique_ptr<SyringePump>> make_instrument_pump(std::string_view model,
                                                          std::unique_ptr<io::ByteTransport> transport,
                                                          const PumpOptions& options) {
    auto m = lookup_instrument(model, InstrumentKind::pump, transport->name());
    if (!m) return std::unexpected(m.error());
    return (*m)->make_pump(**m, std::move(transport), options);
}

}  // namespace edc
