#include "drivers/sim/sim_state_file.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>
#include <utility>

#include "drivers/sim/sim_state_fields.hpp"

namespace edc::sim {
namespace {

using nlohmann::json;

constexpr int format_version = 1;
constexpr const char* format_name = "edc-sim-state";

json layer_json(const DepositLayer& l) {
    return json::array({l.metal_mol, l.x_bi, l.thickness_m, l.charge_c});
}

Result<DepositLayer> layer_from(const json& v, const StateFields& parent, const std::string& where) {
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

Result<SimCellState> cell_from(StateFields& f) {
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
    for (const auto& [key, saved] :
         {std::pair{"galvanostat", &state.galvanostat}, std::pair{"pump", &state.pump}}) {
        if (!*saved) continue;
        json section = (*saved)->fields.is_object() ? (*saved)->fields : json::object();
        section["model"] = (*saved)->model;
        j[key] = std::move(section);
    }
    return j.dump(1) + "\n";
}

Result<SimState> parse_sim_state(std::string_view text, const std::string& name) {
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) return fail("sim_state_invalid", name + ": not JSON", "sim_state_file.cpp");
    if (!j.is_object()) return fail("sim_state_invalid", name + ": not a JSON object", "sim_state_file.cpp");
    StateFields top(j, name, "");
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
    for (const auto& [key, saved] : {std::pair{"galvanostat", &s.galvanostat}, std::pair{"pump", &s.pump}}) {
        if (top.find(key) == nullptr) continue;
        auto section = top.object(key);
        if (!section) return std::unexpected(section.error());
        SavedInstrument instrument;
        top.take(section->text("model"), instrument.model);
        instrument.fields = j.at(key);
        instrument.fields.erase("model");
        *saved = std::move(instrument);
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
