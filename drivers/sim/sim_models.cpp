#include "drivers/sim/sim_models.hpp"

#include <utility>

#include "drivers/sim/legato_model.hpp"
#include "drivers/sim/smu_dialect.hpp"

namespace edc::sim {
namespace {

std::unique_ptr<SimInstrument> build_smu(const SimModelEntry& e, SimCell& cell, const SimHostConfig& cfg) {
    const SmuDialect* d = find_smu_dialect(e.name);
    KeithleyOptions opts;
    opts.model = d->id;
    if (!d->lan) opts.reply_terminator = cfg.galvanostat_reply_terminator;
    opts.line_frequency_hz = cfg.line_frequency_hz;
    return keithley_instrument(cell, opts);
}

std::unique_ptr<SimInstrument> build_newera(const SimModelEntry&, SimCell& cell, const SimHostConfig& cfg) {
    NewEraOptions o;
    o.address = cfg.pump_address;
    o.diameter_m = cfg.syringe_diameter_m;
    o.syringe_volume_m3 = cfg.syringe_volume_m3;
    return newera_instrument(cell, o);
}

// The Legato runs the Elite's firmware family: the same model with its own options.
std::unique_ptr<SimInstrument> build_harvard(const SimModelEntry& e, SimCell& cell,
                                             const SimHostConfig& cfg) {
    HarvardOptions o = legato_options(e.name).value_or(HarvardOptions{});
    o.address = cfg.pump_address;
    o.diameter_m = cfg.syringe_diameter_m;
    o.syringe_volume_m3 = cfg.syringe_volume_m3;
    return harvard_instrument(cell, o);
}

std::unique_ptr<SimInstrument> build_emstat(const SimModelEntry& e, SimCell& cell, const SimHostConfig&) {
    EmStatOptions opts;
    opts.model = std::string(e.name);
    return emstat_instrument(cell, opts);
}

SimModelEntry entry(std::string_view name, SimRole role, bool lan, unsigned baud,
                    std::unique_ptr<SimInstrument> (*build)(const SimModelEntry&, SimCell&,
                                                            const SimHostConfig&)) {
    SimModelEntry e;
    e.name = name;
    e.role = role;
    e.lan = lan;
    e.default_baud = baud;
    e.build = build;
    return e;
}

std::vector<SimModelEntry> build_table() {
    std::vector<SimModelEntry> table;
    // The 2400's baud is the config's galvanostat_baud (9600 unless a test says otherwise).
    for (const SmuDialect& d : smu_dialects())
        table.push_back(entry(d.model, SimRole::galvanostat, d.lan, 9600, build_smu));
    // The EmStat4 is a USB CDC device (any baud the host sets works); the Pico's FTDI UART runs
    // at 230400.
    for (auto [name, baud] :
         {std::pair{"palmsens-emstat4", 0U}, std::pair{"palmsens-emstat-pico", 230400U}}) {
        table.push_back(entry(name, SimRole::galvanostat, false, baud, build_emstat));
        table.back().config_baud = false;
    }
    table.push_back(entry("ne-1000", SimRole::pump, false, 19200, build_newera));
    table.push_back(entry("harvard-elite", SimRole::pump, false, 115200, build_harvard));
    for (const char* legato : {"kds-legato-100", "kds-legato-180", "kds-legato-200"}) {
        table.push_back(entry(legato, SimRole::pump, false, 115200, build_harvard));
    }
    return table;
}

}  // namespace

std::span<const SimModelEntry> sim_models() {
    static const std::vector<SimModelEntry> table = build_table();
    return table;
}

const SimModelEntry* find_sim_model(std::string_view name, SimRole role) {
    for (const auto& e : sim_models()) {
        if (e.name == name && e.role == role) return &e;
    }
    return nullptr;
}

std::string sim_model_names(SimRole role) {
    std::string names;
    for (const auto& e : sim_models()) {
        if (e.role != role) continue;
        if (!names.empty()) names += ", ";
        names += e.name;
    }
    return names;
}

}  // namespace edc::sim
