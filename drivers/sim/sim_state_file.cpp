#include "drivers/sim/sim_state_file.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

namespace edc::sim {
namespace {

using nlohmann::json;

constexpr int format_version = 1;
constexpr const char* format_name = "edc-sim-state";

// Reads fields of one JSON object, naming the file and the field's path in every error.
class Fields {
public:
    Fields(const json& object, std::string file, std::string path)
        : object_(object), file_(std::move(file)), path_(std::move(path)) {}

    [[nodiscard]] Result<double> number(const char* key) const {
        const auto* v = find(key);
        if (v == nullptr) return missing(key);
        if (!v->is_number() || !std::isfinite(v->get<double>())) return bad(key, "not a finite number");
        return v->get<double>();
    }
    [[nodiscard]] Result<bool> boolean(const char* key) const {
        const auto* v = find(key);
        if (v == nullptr) return missing(key);
        if (!v->is_boolean()) return bad(key, "not true or false");
        return v->get<bool>();
    }
    [[nodiscard]] Result<std::string> text(const char* key) const {
        const auto* v = find(key);
        if (v == nullptr) return missing(key);
        if (!v->is_string()) return bad(key, "not a string");
        return v->get<std::string>();
    }
    [[nodiscard]] Result<Fields> object(const char* key) const {
        const auto* v = find(key);
        if (v == nullptr) return missing(key);
        if (!v->is_object()) return bad(key, "not an object");
        return Fields(*v, file_, name(key));
    }
    [[nodiscard]] const json* find(const char* key) const {
        const auto it = object_.find(key);
        return it == object_.end() || it->is_null() ? nullptr : &*it;
    }
    [[nodiscard]] std::string name(const char* key) const { return path_.empty() ? key : path_ + "." + key; }
    [[nodiscard]] std::unexpected<Error> bad(const char* key, const std::string& what) const {
        return fail("sim_state_invalid", file_ + ": " + name(key) + ": " + what, "sim_state_file.cpp");
    }
    [[nodiscard]] const std::string& file() const noexcept { return file_; }

    // Reads into `out`; the first failure is kept (error()) and later reads do nothing, so a
    // function reads its fields in a row and checks once.
    template <typename T>
    void take(Result<T> value, T& out) {
        if (error_) return;
        if (value)
            out = std::move(*value);
        else
            error_ = value.error();
    }
    template <typename T>
    void take(Result<T> value, std::optional<T>& out) {
        if (error_) return;
        if (value)
            out = std::move(*value);
        else
            error_ = value.error();
    }
    [[nodiscard]] bool failed() const noexcept { return error_.has_value(); }
    [[nodiscard]] std::unexpected<Error> error() const { return std::unexpected(*error_); }

private:
    [[nodiscard]] std::unexpected<Error> missing(const char* key) const { return bad(key, "missing"); }

    const json& object_;
    std::string file_;
    std::string path_;
    std::optional<Error> error_;
};

json layer_json(const DepositLayer& l) {
    return json::array({l.metal_mol, l.x_bi, l.thickness_m, l.charge_c});
}

Result<DepositLayer> layer_from(const json& v, const Fields& parent, const std::string& where) {
    if (!v.is_array() || v.size() != 4) {
        return fail("sim_state_invalid",
                    parent.file() + ": " + where + ": not [metal_mol, x_bi, thickness_m, charge_c]",
                    "sim_state_file.cpp");
    }
    for (const auto& n : v) {
        if (!n.is_number() || !std::isfinite(n.get<double>())) {
            return fail("sim_state_invalid", parent.file() + ": " + where + ": not a finite number",
                        "sim_state_file.cpp");
        }
    }
    return DepositLayer{v[0].get<double>(), v[1].get<double>(), v[2].get<double>(), v[3].get<double>()};
}

const char* off_mode_name(OutputOffMode m) {
    return to_string(m);
}

Result<OutputOffMode> off_mode_from(const std::string& s, const Fields& f, const char* key) {
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

Result<NeRateUnit> rate_unit_from(const std::string& s, const Fields& f, const char* key) {
    for (auto u :
         {NeRateUnit::ul_per_min, NeRateUnit::ml_per_min, NeRateUnit::ul_per_h, NeRateUnit::ml_per_h}) {
        if (s == rate_unit_name(u)) return u;
    }
    return f.bad(key, "unknown rate unit '" + s + "'");
}

json galvanostat_json(const KeithleyState& k) {
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

Result<KeithleyState> galvanostat_from(Fields& f) {
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

json ne1000_json(const NewEraState& p) {
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

Result<NewEraState> ne1000_from(Fields& f) {
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

json elite_json(const HarvardState& p) {
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
    return j;
}

Result<HarvardState> elite_from(Fields& f) {
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
    if (f.failed()) return f.error();
    return p;
}

Result<SimCellState> cell_from(Fields& f) {
    SimCellState c;
    auto bath = f.object("bath");
    if (!bath) return std::unexpected(bath.error());
    bath->take(bath->number("volume_m3"), c.bath.volume);
    bath->take(bath->number("bulk_bi_mol_per_m3"), c.bath.bulk_bi);
    bath->take(bath->number("bulk_sb_mol_per_m3"), c.bath.bulk_sb);
    bath->take(bath->number("electrode_bi_mol_per_m3"), c.bath.electrode_bi);
    bath->take(bath->number("electrode_sb_mol_per_m3"), c.bath.electrode_sb);
    if (bath->failed()) return bath->error();
    if (c.bath.volume <= 0.0) return bath->bad("volume_m3", "not positive");
    f.take(f.number("delivered_flow_m3_per_s"), c.delivered_rate_m3_per_s);
    f.take(f.number("fed_m3"), c.fed_volume_m3);
    f.take(f.number("cathodic_charge_c"), c.charge_c);
    f.take(f.number("deposited_metal_mol"), c.metal_mol);
    f.take(f.number("deposited_bi_mol"), c.bi_mol);
    if (f.failed()) return f.error();
    const auto* layers = f.find("layers");
    if (layers == nullptr) return f.bad("layers", "missing");
    if (!layers->is_array()) return f.bad("layers", "not an array");
    c.layers.reserve(layers->size());
    for (std::size_t i = 0; i < layers->size(); ++i) {
        auto l = layer_from((*layers)[i], f, f.name("layers") + "[" + std::to_string(i) + "]");
        if (!l) return std::unexpected(l.error());
        c.layers.push_back(*l);
    }
    const auto* growing = f.find("growing");
    if (growing == nullptr) return f.bad("growing", "missing");
    auto g = layer_from(*growing, f, f.name("growing"));
    if (!g) return std::unexpected(g.error());
    c.growing = *g;
    return c;
}

}  // namespace

std::vector<DepositLayer> film_layers(const SimState& state) {
    auto out = state.cell.layers;
    if (state.cell.growing.metal_mol > 0.0) out.push_back(state.cell.growing);
    return out;
}

std::string sim_state_json(const SimState& state) {
    json j;
    j["format"] = format_name;
    j["version"] = format_version;
    j["sim_time_s"] = state.sim_time_s;
    const auto& c = state.cell;
    json cell;
    cell["bath"] = {{"volume_m3", c.bath.volume},
                    {"bulk_bi_mol_per_m3", c.bath.bulk_bi},
                    {"bulk_sb_mol_per_m3", c.bath.bulk_sb},
                    {"electrode_bi_mol_per_m3", c.bath.electrode_bi},
                    {"electrode_sb_mol_per_m3", c.bath.electrode_sb}};
    cell["delivered_flow_m3_per_s"] = c.delivered_rate_m3_per_s;
    cell["fed_m3"] = c.fed_volume_m3;
    cell["cathodic_charge_c"] = c.charge_c;
    cell["deposited_metal_mol"] = c.metal_mol;
    cell["deposited_bi_mol"] = c.bi_mol;
    json layers = json::array();
    for (const auto& l : c.layers) layers.push_back(layer_json(l));
    cell["layers"] = std::move(layers);
    cell["growing"] = layer_json(c.growing);
    j["cell"] = std::move(cell);
    if (state.galvanostat) {
        auto g = galvanostat_json(*state.galvanostat);
        g["model"] = state.galvanostat_model;
        j["galvanostat"] = std::move(g);
    }
    if (state.ne1000 || state.elite) {
        auto p = state.ne1000 ? ne1000_json(*state.ne1000) : elite_json(*state.elite);
        p["model"] = state.pump_model;
        j["pump"] = std::move(p);
    }
    return j.dump(1) + "\n";
}

Result<SimState> parse_sim_state(std::string_view text, const std::string& name) {
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) return fail("sim_state_invalid", name + ": not JSON", "sim_state_file.cpp");
    if (!j.is_object()) return fail("sim_state_invalid", name + ": not a JSON object", "sim_state_file.cpp");
    Fields top(j, name, "");
    std::string format;
    SimState s;
    top.take(top.text("format"), format);
    if (top.failed()) return top.error();
    if (format != format_name) return top.bad("format", "not " + std::string(format_name));
    double version = 0.0;
    top.take(top.number("version"), version);
    top.take(top.number("sim_time_s"), s.sim_time_s);
    if (top.failed()) return top.error();
    if (version != format_version) return top.bad("version", "not " + std::to_string(format_version));
    auto cell = top.object("cell");
    if (!cell) return std::unexpected(cell.error());
    top.take(cell_from(*cell), s.cell);
    if (top.find("galvanostat") != nullptr) {
        auto g = top.object("galvanostat");
        if (!g) return std::unexpected(g.error());
        top.take(g->text("model"), s.galvanostat_model);
        top.take(galvanostat_from(*g), s.galvanostat);
    }
    if (top.find("pump") != nullptr) {
        auto p = top.object("pump");
        if (!p) return std::unexpected(p.error());
        top.take(p->text("model"), s.pump_model);
        if (s.pump_model == "ne-1000") {
            top.take(ne1000_from(*p), s.ne1000);
        } else if (s.pump_model == "harvard-elite") {
            top.take(elite_from(*p), s.elite);
        } else if (!top.failed()) {
            return p->bad("model",
                          "unknown pump model '" + s.pump_model + "' (known: ne-1000, harvard-elite)");
        }
    }
    if (top.failed()) return top.error();
    return s;
}

Result<SimState> load_sim_state(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return fail("sim_state_io", path.string() + ": cannot open: " + std::strerror(errno),
                    "sim_state_file.cpp");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_sim_state(text.str(), path.string());
}

Result<void> save_sim_state(const std::filesystem::path& path, const SimState& state) {
    const std::string text = sim_state_json(state);
    auto tmp = path;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out) {
            return fail("sim_state_io", tmp.string() + ": cannot write: " + std::strerror(errno),
                        "sim_state_file.cpp");
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        return fail("sim_state_io",
                    path.string() + ": cannot replace with " + tmp.string() + ": " + ec.message(),
                    "sim_state_file.cpp");
    }
    return {};
}

Result<std::vector<DepositLayer>> load_film_layers(const std::filesystem::path& path) {
    auto state = load_sim_state(path);
    if (!state) return std::unexpected(state.error());
    return film_layers(*state);
}

}  // namespace edc::sim
