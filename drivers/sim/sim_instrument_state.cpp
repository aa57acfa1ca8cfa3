#include "drivers/sim/sim_instrument_state.hpp"

#include "drivers/sim/sim_state_fields.hpp"

namespace edc::sim {
namespace {

using nlohmann::json;

const char* off_mode_name(OutputOffMode m) {
    return to_string(m);
}

Result<OutputOffMode> off_mode_from(const std::string& s, const StateFields& f, const char* key) {
    for (auto m :
         {OutputOffMode::normal, OutputOffMode::high_impedance, OutputOffMode::zero, OutputOffMode::guard}) {
        if (s == to_string(m)) return m;
    }
    return f.bad(key, "unknown output-off mode '" + s + "'");
}

const char* rate_unit_name(NeRateUnit u) {
    switch (u) {
        case NeRateUnit::ul_per_min:
            return "ul/min";
        case NeRateUnit::ml_per_min:
            return "ml/min";
        case NeRateUnit::ul_per_h:
            return "ul/h";
        case NeRateUnit::ml_per_h:
            return "ml/h";
    }
    return "ml/min";
}

Result<NeRateUnit> rate_unit_from(const std::string& s, const StateFields& f, const char* key) {
    for (auto u :
         {NeRateUnit::ul_per_min, NeRateUnit::ml_per_min, NeRateUnit::ul_per_h, NeRateUnit::ml_per_h}) {
        if (s == rate_unit_name(u)) return u;
    }
    return f.bad(key, "unknown rate unit '" + s + "'");
}

json keithley_json(const KeithleyState& k) {
    json g;
    g["output_on"] = k.output_on;
    g["output_ever_on"] = k.output_ever_on;
    g["output_off_mode"] = off_mode_name(k.off_mode);
    g["source_current"] = k.source_current;
    g["level_a"] = k.level_a;
    g["range_a"] = k.range_a;
    g["range_auto"] = k.range_auto;
    g["compliance_v"] = k.compliance_v;
    g["nplc"] = k.nplc;
    g["remote_sense"] = k.remote_sense;
    return g;
}

Result<KeithleyState> keithley_from(StateFields& f) {
    KeithleyState k;
    f.take(f.boolean("output_on"), k.output_on);
    f.take(f.boolean("output_ever_on"), k.output_ever_on);
    std::string mode;
    f.take(f.text("output_off_mode"), mode);
    f.take(off_mode_from(mode, f, "output_off_mode"), k.off_mode);
    f.take(f.boolean("source_current"), k.source_current);
    f.take(f.number("level_a"), k.level_a);
    f.take(f.number("range_a"), k.range_a);
    f.take(f.boolean("range_auto"), k.range_auto);
    f.take(f.number("compliance_v"), k.compliance_v);
    f.take(f.number("nplc"), k.nplc);
    f.take(f.boolean("remote_sense"), k.remote_sense);
    if (f.failed()) return f.error();
    return k;
}

json newera_json(const NewEraState& p) {
    json j;
    j["running"] = p.running;
    j["paused"] = p.paused;
    j["infusing"] = p.infusing;
    j["rate_value"] = p.rate_value;
    j["rate_unit"] = rate_unit_name(p.rate_unit);
    j["target_volume"] = p.target_volume;
    j["volume_unit"] = p.volume_unit == NeVolumeUnit::ul ? "ul" : "ml";
    j["diameter_m"] = p.diameter_m;
    j["dispensed_inf_m3"] = p.dispensed_inf_m3;
    j["dispensed_wdr_m3"] = p.dispensed_wdr_m3;
    j["run_dispensed_m3"] = p.run_dispensed_m3;
    j["syringe_content_m3"] = p.syringe_content_m3;
    j["alarm"] = p.alarm == 0 ? std::string() : std::string(1, p.alarm);
    j["safe_timeout_s"] = p.safe_timeout_s;
    return j;
}

Result<NewEraState> newera_from(StateFields& f) {
    NewEraState p;
    f.take(f.boolean("running"), p.running);
    f.take(f.boolean("paused"), p.paused);
    f.take(f.boolean("infusing"), p.infusing);
    f.take(f.number("rate_value"), p.rate_value);
    std::string text;
    f.take(f.text("rate_unit"), text);
    f.take(rate_unit_from(text, f, "rate_unit"), p.rate_unit);
    f.take(f.number("target_volume"), p.target_volume);
    f.take(f.text("volume_unit"), text);
    if (f.failed()) return f.error();
    if (text != "ul" && text != "ml") return f.bad("volume_unit", R"(not "ul" or "ml")");
    p.volume_unit = text == "ul" ? NeVolumeUnit::ul : NeVolumeUnit::ml;
    f.take(f.number("diameter_m"), p.diameter_m);
    f.take(f.number("dispensed_inf_m3"), p.dispensed_inf_m3);
    f.take(f.number("dispensed_wdr_m3"), p.dispensed_wdr_m3);
    f.take(f.number("run_dispensed_m3"), p.run_dispensed_m3);
    f.take(f.number("syringe_content_m3"), p.syringe_content_m3);
    f.take(f.text("alarm"), text);
    if (f.failed()) return f.error();
    if (text.size() > 1) return f.bad("alarm", "not one letter or empty");
    p.alarm = text.empty() ? '\0' : text[0];
    double timeout = 0.0;
    f.take(f.number("safe_timeout_s"), timeout);
    if (f.failed()) return f.error();
    if (timeout < 0.0 || timeout > 255.0) return f.bad("safe_timeout_s", "not 0..255");
    p.safe_timeout_s = static_cast<int>(timeout);
    if (f.failed()) return f.error();
    return p;
}

json harvard_json(const HarvardState& p) {
    json j;
    j["running"] = p.running;
    j["infusing"] = p.infusing;
    j["stalled"] = p.stalled;
    j["target_reached"] = p.target_reached;
    j["rate_m3_per_s"] = p.rate_m3_per_s;
    j["rate_unit"] = p.rate_unit;
    j["diameter_m"] = p.diameter_m;
    j["infused_m3"] = p.infused_m3;
    j["withdrawn_m3"] = p.withdrawn_m3;
    j["target_m3"] = p.target_m3;
    j["run_volume_m3"] = p.run_volume_m3;
    j["syringe_content_m3"] = p.syringe_content_m3;
    j["nvram"] = p.nvram;
    j["poll"] = p.poll;
    return j;
}

Result<HarvardState> harvard_from(StateFields& f) {
    HarvardState p;
    f.take(f.boolean("running"), p.running);
    f.take(f.boolean("infusing"), p.infusing);
    f.take(f.boolean("stalled"), p.stalled);
    f.take(f.boolean("target_reached"), p.target_reached);
    f.take(f.number("rate_m3_per_s"), p.rate_m3_per_s);
    f.take(f.text("rate_unit"), p.rate_unit);
    f.take(f.number("diameter_m"), p.diameter_m);
    f.take(f.number("infused_m3"), p.infused_m3);
    f.take(f.number("withdrawn_m3"), p.withdrawn_m3);
    f.take(f.number("target_m3"), p.target_m3);
    f.take(f.number("run_volume_m3"), p.run_volume_m3);
    f.take(f.number("syringe_content_m3"), p.syringe_content_m3);
    f.take(f.boolean("nvram"), p.nvram);
    // Absent in files written before the Legato kept its state: poll mode off.
    if (f.find("poll") != nullptr) f.take(f.boolean("poll"), p.poll);
    if (f.failed()) return f.error();
    return p;
}

json emstat_json(const EmStatState& e) {
    json j;
    j["cell_on"] = e.cell_on;
    j["cell_ever_on"] = e.cell_ever_on;
    j["script_running"] = e.script_running;
    j["level_a"] = e.level_a;
    j["scripts"] = e.scripts;
    j["aborts"] = e.aborts;
    if (e.script) {
        const auto& k = *e.script;
        json script;
        script["lines"] = k.lines;
        script["loop_start_s"] = k.loop_start_s;
        script["next_s"] = k.next_s;
        script["timer_zero_s"] = k.timer_zero_s;
        json vars = json::object();
        for (const auto& [name, v] : k.vars)
            vars[name] = json{{"value", v.value}, {"type", v.type}, {"status", v.status}};
        script["vars"] = vars;
        script["pgstat_mode"] = k.pgstat_mode;
        script["broke"] = k.broke;
        j["script"] = script;
    }
    return j;
}

// The running script (absent in files written before the EmStat kept it, and with none running).
Result<EmStatScriptState> emstat_script_from(const StateFields& f) {
    EmStatScriptState k;
    const auto* lines = f.find("lines");
    if (lines == nullptr) return f.bad("lines", "missing");
    if (!lines->is_array()) return f.bad("lines", "not an array of strings");
    for (const auto& l : *lines) {
        if (!l.is_string()) return f.bad("lines", "not an array of strings");
        k.lines.push_back(l.get<std::string>());
    }
    StateFields g = f;
    g.take(g.number("loop_start_s"), k.loop_start_s);
    g.take(g.number("next_s"), k.next_s);
    g.take(g.number("timer_zero_s"), k.timer_zero_s);
    double mode = 0.0;
    g.take(g.number("pgstat_mode"), mode);
    g.take(g.boolean("broke"), k.broke);
    auto vars = g.object("vars");
    if (g.failed()) return g.error();
    if (!vars) return std::unexpected(vars.error());
    k.pgstat_mode = static_cast<int>(mode);
    const auto* vj = f.find("vars");
    for (const auto& [name, value] : vj->items()) {
        auto one = vars->object(name.c_str());
        if (!one) return std::unexpected(one.error());
        EmStatVar v;
        double status = -1.0;
        one->take(one->number("value"), v.value);
        one->take(one->text("type"), v.type);
        one->take(one->number("status"), status);
        if (one->failed()) return one->error();
        v.status = static_cast<int>(status);
        k.vars[name] = v;
    }
    return k;
}

Result<EmStatState> emstat_from(StateFields& f) {
    EmStatState e;
    f.take(f.boolean("cell_on"), e.cell_on);
    f.take(f.boolean("cell_ever_on"), e.cell_ever_on);
    f.take(f.boolean("script_running"), e.script_running);
    f.take(f.number("level_a"), e.level_a);
    double scripts = 0.0;
    double aborts = 0.0;
    f.take(f.number("scripts"), scripts);
    f.take(f.number("aborts"), aborts);
    if (f.failed()) return f.error();
    if (scripts < 0.0 || aborts < 0.0) return f.bad(scripts < 0.0 ? "scripts" : "aborts", "negative");
    e.scripts = static_cast<long>(scripts);
    e.aborts = static_cast<long>(aborts);
    if (f.find("script") != nullptr) {
        auto script = f.object("script");
        if (!script) return std::unexpected(script.error());
        auto k = emstat_script_from(*script);
        if (!k) return std::unexpected(k.error());
        e.script = std::move(*k);
    }
    return e;
}

// Reads one instrument's section with its own reader, or the section's first error.
template <typename State>
Result<State> read_section(Result<State> (*read)(StateFields&), const json& j, const std::string& file,
                           const std::string& where) {
    if (!j.is_object())
        return fail("sim_state_invalid", file + ": " + where + ": not an object", "sim_state_file.cpp");
    StateFields f(j, file, where);
    return read(f);
}

}  // namespace

json keithley_state_json(const KeithleyState& k) {
    return keithley_json(k);
}
Result<KeithleyState> keithley_state_from(const json& j, const std::string& file, const std::string& where) {
    return read_section(keithley_from, j, file, where);
}

json emstat_state_json(const EmStatState& e) {
    return emstat_json(e);
}
Result<EmStatState> emstat_state_from(const json& j, const std::string& file, const std::string& where) {
    return read_section(emstat_from, j, file, where);
}

json newera_state_json(const NewEraState& p) {
    return newera_json(p);
}
Result<NewEraState> newera_state_from(const json& j, const std::string& file, const std::string& where) {
    return read_section(newera_from, j, file, where);
}

json harvard_state_json(const HarvardState& p) {
    return harvard_json(p);
}
Result<HarvardState> harvard_state_from(const json& j, const std::string& file, const std::string& where) {
    return read_section(harvard_from, j, file, where);
}

}  // namespace edc::sim
