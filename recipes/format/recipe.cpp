#include "recipes/format/recipe.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <span>
#include <utility>
#include <vector>

#include "control/model/units.hpp"
#include "control/text.hpp"
#include "recipes/format/chemistry_file.hpp"
#include "recipes/format/chemistry_reader.hpp"
#include "recipes/format/sha256.hpp"
#include "recipes/format/toml_guard.hpp"
#include "recipes/format/toml_reader.hpp"

namespace edc::recipes {
namespace {

using detail::ErrorSink;
using detail::RecipeProblem;
using detail::Section;
using detail::check_range;
using detail::finite_pair;

constexpr double max_cell_volume_m3 = 10e-3;              // 10 L
constexpr double max_compliance_v = 210.0;                // 2400 series / 2450 maximum source voltage
constexpr double max_source_current_a = 1.05;             // 2400 and 2450: 1 A range, 105 % overrange
constexpr double max_syringe_diameter_m = 50e-3;          // NE-1000 accepts 0.1-50 mm
constexpr int max_text_length = 4096;

constexpr std::array keithley_2400_ranges_a{1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0};
constexpr std::array keithley_2450_ranges_a{1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0};
constexpr std::array keithley_2460_ranges_a{1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0, 4.0, 5.0, 7.0};
constexpr std::array keysight_b2901a_ranges_a{1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0, 1.5, 3.0};
// PalmSens (MethodSCRIPT examples' range tables, docs/protocols/methodscript.md): the EmStat4
// ranges LR and HR share, and the Pico's up to its +-3 mA maximum current.
constexpr std::array palmsens_emstat4_ranges_a{1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2};
constexpr std::array palmsens_emstat_pico_ranges_a{1e-7, 2e-6, 4e-6, 8e-6, 16e-6, 32e-6, 63e-6, 125e-6, 250e-6,
                                                    500e-6, 1e-3, 3e-3};

// The galvanostat models a recipe may name: source ranges and the largest voltage compliance
// (2400 manual section 18, 2450/2460/2461 reference manuals, B2900 SCPI command reference).
struct GalvanostatModelEntry {
    const char* name;
    GalvanostatModel model;
    std::span<const double> ranges_a;
    double max_compliance_v;
};
const std::array<GalvanostatModelEntry, 8> galvanostat_models{{
    {"keithley-2400", GalvanostatModel::keithley_2400, keithley_2400_ranges_a, 210.0},
    {"keithley-2450", GalvanostatModel::keithley_2450, keithley_2450_ranges_a, 210.0},
    {"keithley-2460", GalvanostatModel::keithley_2460, keithley_2460_ranges_a, 105.0},
    {"keithley-2461", GalvanostatModel::keithley_2461, keithley_2460_ranges_a, 105.0},
    {"keysight-b2901a", GalvanostatModel::keysight_b2901a, keysight_b2901a_ranges_a, 210.0},
    {"keysight-b2902a", GalvanostatModel::keysight_b2902a, keysight_b2901a_ranges_a, 210.0},
    {"palmsens-emstat4", GalvanostatModel::palmsens_emstat4, palmsens_emstat4_ranges_a, 8.0},
    {"palmsens-emstat-pico", GalvanostatModel::palmsens_emstat_pico, palmsens_emstat_pico_ranges_a, 5.0},
}};

const GalvanostatModelEntry& galvanostat_entry(GalvanostatModel m) {
    for (const auto& e : galvanostat_models) {
        if (e.model == m) return e;
    }
    return galvanostat_models.front();
}

std::string galvanostat_model_list() {
    std::string names;
    for (std::size_t i = 0; i < galvanostat_models.size(); ++i) {
        if (i > 0) names += i + 1 == galvanostat_models.size() ? " or " : ", ";
        names += std::string("\"") + galvanostat_models[i].name + "\"";
    }
    return names;
}
constexpr std::array keithley_2400_bauds{300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600};
constexpr std::array emstat4_bauds{921600};       // USB virtual COM port (MethodSCRIPT examples)
constexpr std::array emstat_pico_bauds{230400};   // the Pico's UART / FTDI default
constexpr std::array ne_1000_bauds{300, 1200, 2400, 9600, 19200};
constexpr std::array harvard_bauds{9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600};
constexpr std::array legato_bauds{9600, 19200, 38400, 57600, 115200};
constexpr const char* pump_models = R"("ne-1000", "harvard-elite", "kds-legato-100", "kds-legato-180" or "kds-legato-200")";

std::string join_ints(std::span<const int> values) {
    std::string out;
    for (const int v : values) out += (out.empty() ? "" : ", ") + std::to_string(v);
    return out;
}

// A printable string without control characters (names, ports, descriptions).
std::string checked_text(const Section& s, std::string_view key, std::string value, bool may_be_empty) {
    if (!may_be_empty && value.empty()) {
        s.error_at_value(key, strf("%s.%.*s is empty; expected a non-empty string", s.name().c_str(),
                                   static_cast<int>(key.size()), key.data()));
    }
    if (value.size() > static_cast<std::size_t>(max_text_length)) {
        s.error_at_value(key, strf("%s.%.*s is %zu bytes long; expected at most %d", s.name().c_str(),
                                   static_cast<int>(key.size()), key.data(), value.size(), max_text_length));
    }
    const bool control = std::any_of(value.begin(), value.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\n' && c != '\t') || u == 0x7F;
    });
    if (control) {
        s.error_at_value(key, strf("%s.%.*s contains control characters; expected printable text", s.name().c_str(),
                                   static_cast<int>(key.size()), key.data()));
    }
    return value;
}

void read_recipe_section(const Section& s, Recipe& r) {
    r.name = checked_text(s, "name", s.required_string("name", "the recipe's name as a string"), false);
    if (r.name.find('\n') != std::string::npos) {
        s.error_at_value("name", "recipe.name spans several lines; expected a one-line name");
    }
    r.description = checked_text(s, "description", s.optional_string("description", "a string").value_or(""), true);
    // How long an instrument's link may be gone (a USB adapter re-enumerating) before the run
    // faults; 0: no reconnection, a lost link faults at once.
    r.link_loss_grace_s = s.optional_quantity("link_loss_grace", Dimension::time).value_or(r.link_loss_grace_s);
    check_range(s, "link_loss_grace", r.link_loss_grace_s, r.link_loss_grace_s >= 0.0 && r.link_loss_grace_s <= 60.0,
                "a time from 0 s (no reconnection) to 60 s");
}

void read_cell(const Section& s, model::CellGeometry& g) {
    const std::string mode = s.optional_string("mode", R"("growing" or "overflow")").value_or("growing");
    if (mode == "growing") {
        g.mode = model::CellMode::growing;
    } else if (mode == "overflow") {
        g.mode = model::CellMode::overflow;
    } else {
        s.error_at_value("mode", strf(R"(cell.mode %s is not a cell mode; expected "growing" or "overflow")",
                                      quote(mode).c_str()));
    }
    g.initial_volume_m3 = s.required_quantity("initial_volume", Dimension::volume);
    check_range(s, "initial_volume", g.initial_volume_m3, g.initial_volume_m3 > 0.0 && g.initial_volume_m3 <= max_cell_volume_m3,
                "a volume above 0 and at most 10 L");
    // An overflow cell keeps its volume: its maximum defaults to the initial volume.
    const auto max_volume = g.mode == model::CellMode::growing ? std::optional(s.required_quantity("max_volume", Dimension::volume))
                                                               : s.optional_quantity("max_volume", Dimension::volume);
    g.max_volume_m3 = max_volume.value_or(g.initial_volume_m3);
    if (max_volume) {
        check_range(s, "max_volume", g.max_volume_m3, g.max_volume_m3 > 0.0 && g.max_volume_m3 <= max_cell_volume_m3,
                    "a volume above 0 and at most 10 L");
        if (g.max_volume_m3 < g.initial_volume_m3) {
            s.error_at_value("max_volume", strf("cell.max_volume (%g mL) is below cell.initial_volume (%g mL); expected "
                                                "max_volume >= initial_volume", units::m3_to_ml(g.max_volume_m3),
                                                units::m3_to_ml(g.initial_volume_m3)));
        }
    }
    g.electrode_area_m2 = s.required_quantity("electrode_area", Dimension::area);
    check_range(s, "electrode_area", g.electrode_area_m2, g.electrode_area_m2 > 0.0 && g.electrode_area_m2 <= 1.0,
                "an area above 0 and at most 1 m2");
    g.mixing_time_s = s.optional_quantity("mixing_time", Dimension::time).value_or(g.mixing_time_s);
    check_range(s, "mixing_time", g.mixing_time_s, g.mixing_time_s >= 0.0 && g.mixing_time_s <= 600.0,
                "a time from 0 to 10 min");
}

int read_baud(const Section& s, std::span<const int> allowed, int fallback) {
    const auto baud = s.optional_integer("baud", "an integer baud rate");
    if (!baud) return fallback;
    if (std::find(allowed.begin(), allowed.end(), *baud) == allowed.end()) {
        s.error_at_value("baud", strf("%s.baud = %lld is not supported; expected one of %s", s.name().c_str(), *baud,
                                      join_ints(allowed).c_str()));
    }
    return static_cast<int>(*baud);
}

void read_galvanostat(const Section& s, GalvanostatConfig& g, double current_a) {
    const std::string model = s.required_string("model", galvanostat_model_list());
    const auto known = std::find_if(galvanostat_models.begin(), galvanostat_models.end(),
                                    [&](const GalvanostatModelEntry& e) { return model == e.name; });
    if (known != galvanostat_models.end()) {
        g.model = known->model;
    } else {
        s.error_at_value("model", strf("galvanostat.model %s is not supported; expected %s",
                                       quote(model).c_str(), galvanostat_model_list().c_str()));
    }
    const auto& entry = galvanostat_entry(g.model);
    g.port = checked_text(s, "port", s.required_string("port", "a serial device such as \"/dev/edc-galvanostat\""), false);
    g.compliance_v = s.required_quantity("compliance", Dimension::voltage);
    check_range(s, "compliance", g.compliance_v,
                g.compliance_v > 0.0 && g.compliance_v <= std::min(max_compliance_v, entry.max_compliance_v),
                strf("a voltage above 0 and at most %g V", entry.max_compliance_v).c_str());
    if (const auto limit = s.optional_quantity("potential_limit", Dimension::voltage)) {
        check_range(s, "potential_limit", *limit, *limit > 0.0 && *limit <= g.compliance_v,
                    "a voltage above 0 and at most the compliance");
        g.potential_limit_v = *limit;
    }
    const bool is_2400 = g.model == GalvanostatModel::keithley_2400;
    const std::span<const double> ranges = entry.ranges_a;
    // A current beyond the model's largest range is refused here, before any instrument is touched.
    if (current_a > ranges.back() * 1.05) {
        s.error_at_value("model", strf("galvanostat.model %s sources at most %g A; the recipe's deposit.current_density "
                                       "over cell.electrode_area asks %g A",
                                       quote(std::string(entry.name)).c_str(), ranges.back(), current_a));
    }
    if (const auto range = s.optional_quantity("current_range", Dimension::current)) {
        if (*range < current_a || *range > ranges.back() || *range < ranges.front()) {
            s.error_at_value("current_range", strf("galvanostat.current_range = %g A does not hold the recipe's current "
                                                   "of %g A; expected a range from %g A to %g A at least as large as "
                                                   "the current", *range, current_a, ranges.front(), ranges.back()));
        }
        g.current_range_a = *range;
    } else {
        const auto fits = std::find_if(ranges.begin(), ranges.end(), [&](double r) { return r >= current_a; });
        g.current_range_a = fits != ranges.end() ? *fits : ranges.back();
    }
    if (is_2400) {
        g.baud = read_baud(s, keithley_2400_bauds, 9600);
    } else if (g.model == GalvanostatModel::palmsens_emstat4) {
        g.baud = read_baud(s, emstat4_bauds, 921600);
    } else if (g.model == GalvanostatModel::palmsens_emstat_pico) {
        g.baud = read_baud(s, emstat_pico_bauds, 230400);
    } else if (s.has("baud")) {
        s.error_at_value("baud",
                         strf("galvanostat.baud does not apply to the %s (no RS-232; it is reached over "
                              "TCP port 5025); expected no baud key",
                              entry.name));
    }
}

void read_pump(const Section& s, PumpConfig& p, plan::PumpLimits& limits) {
    const std::string model = s.required_string("model", pump_models);
    if (model == "ne-1000") {
        p.model = PumpModel::ne_1000;
    } else if (model == "harvard-elite") {
        p.model = PumpModel::harvard_elite;
    } else if (model == "kds-legato-100") {
        p.model = PumpModel::kds_legato_100;
    } else if (model == "kds-legato-180") {
        p.model = PumpModel::kds_legato_180;
    } else if (model == "kds-legato-200") {
        p.model = PumpModel::kds_legato_200;
    } else {
        s.error_at_value("model", strf("pump.model %s is not supported; expected %s", quote(model).c_str(), pump_models));
    }
    p.port = checked_text(s, "port", s.required_string("port", "a serial device such as \"/dev/edc-pump\""), false);
    p.syringe_diameter_m = s.required_quantity("syringe_diameter", Dimension::length);
    check_range(s, "syringe_diameter", p.syringe_diameter_m,
                p.syringe_diameter_m >= 0.1e-3 && p.syringe_diameter_m <= max_syringe_diameter_m,
                "an inner diameter from 0.1 mm to 50 mm");
    p.syringe_volume_m3 = s.required_quantity("syringe_volume", Dimension::volume);
    check_range(s, "syringe_volume", p.syringe_volume_m3, p.syringe_volume_m3 > 0.0 && p.syringe_volume_m3 <= 1e-3,
                "a volume above 0 and at most 1 L");
    p.max_rate_m3_per_s = s.required_quantity("max_rate", Dimension::volume_rate);
    check_range(s, "max_rate", p.max_rate_m3_per_s, p.max_rate_m3_per_s > 0.0, "a rate above 0");
    limits.present = true;
    limits.max_rate_m3_per_s = p.max_rate_m3_per_s;
    limits.syringe_volume_m3 = p.syringe_volume_m3;
    limits.min_rate_m3_per_s = s.optional_quantity("min_rate", Dimension::volume_rate).value_or(0.0);
    check_range(s, "min_rate", limits.min_rate_m3_per_s,
                limits.min_rate_m3_per_s >= 0.0 && limits.min_rate_m3_per_s < p.max_rate_m3_per_s,
                "a rate from 0 up to (not including) max_rate");
    limits.flow_lag_s = s.optional_quantity("flow_lag", Dimension::time).value_or(limits.flow_lag_s);
    check_range(s, "flow_lag", limits.flow_lag_s, limits.flow_lag_s >= 0.0 && limits.flow_lag_s <= 60.0,
                "a time from 0 to 60 s");
    if (p.model == PumpModel::ne_1000) {
        p.baud = read_baud(s, ne_1000_bauds, 19200);
        p.safe_mode_timeout_s = s.optional_quantity("safe_mode_timeout", Dimension::time).value_or(0.0);
        check_range(s, "safe_mode_timeout", p.safe_mode_timeout_s,
                    p.safe_mode_timeout_s >= 0.0 && p.safe_mode_timeout_s <= 255.0 &&
                        p.safe_mode_timeout_s == std::floor(p.safe_mode_timeout_s),
                    "whole seconds from 0 (basic mode) to 255 s");
    } else {
        p.baud = p.model == PumpModel::harvard_elite ? read_baud(s, harvard_bauds, 115200)
                                                     : read_baud(s, legato_bauds, 115200);
        if (s.has("safe_mode_timeout")) {
            s.error_at_value("safe_mode_timeout",
                             strf("pump.safe_mode_timeout applies to the ne-1000 only; expected no "
                                  "safe_mode_timeout key for the %s",
                                  std::string(to_string(p.model)).c_str()));
        }
    }
}

std::vector<plan::ProfilePoint> read_profile(const Section& s) {
    const auto& profile = s.required_array("profile", "an array of [depth fraction, x_Bi] pairs");
    if (profile.size() > max_profile_points) {
        s.error_at_value("profile", strf("deposit.profile has %zu points; expected at most %zu", profile.size(),
                                         max_profile_points));
    }
    if (profile.size() < 2) {
        s.error_at_value("profile", strf("deposit.profile has %zu point%s; expected at least 2, from depth 0.0 "
                                         "(substrate) to 1.0 (top)", profile.size(), profile.size() == 1 ? "" : "s"));
    }
    std::vector<plan::ProfilePoint> points;
    points.reserve(profile.size());
    for (const auto& element : profile) {
        const auto [depth, x] = finite_pair(s, element,
                                            "deposit.profile entry is not a pair of finite numbers; expected "
                                            "[depth fraction, x_Bi] such as [0.0, 0.50]");
        const auto* pair = element.as_array();  // of two numbers: finite_pair checked
        if (depth < 0.0 || depth > 1.0) {
            s.errors().at(pair->get(0)->source(), strf("deposit.profile depth %g is out of range; expected a depth "
                                                       "fraction from 0.0 (substrate) to 1.0 (top)", depth));
        }
        if (x < 0.0 || x > 1.0) {
            s.errors().at(pair->get(1)->source(), strf("deposit.profile x_Bi %g is out of range; expected a Bi "
                                                       "fraction from 0.0 to 1.0", x));
        }
        if (points.empty() && depth != 0.0) {
            s.errors().at(pair->get(0)->source(), strf("deposit.profile starts at depth %g; expected the first point "
                                                       "at depth 0.0 (substrate)", depth));
        }
        if (!points.empty() && depth <= points.back().depth_fraction) {
            s.errors().at(pair->get(0)->source(), strf("deposit.profile depth %g does not increase; expected depths in "
                                                       "strictly increasing order", depth));
        }
        points.push_back({depth, x});
    }
    if (points.back().depth_fraction != 1.0) {
        s.errors().at(profile.back().source(), strf("deposit.profile ends at depth %g; expected the last point at depth "
                                                    "1.0 (top)", points.back().depth_fraction));
    }
    return points;
}

void read_deposit(const Section& s, plan::DepositSpec& d) {
    d.current_density_a_per_m2 = s.required_quantity("current_density", Dimension::current_density);
    check_range(s, "current_density", d.current_density_a_per_m2, d.current_density_a_per_m2 > 0.0,
                "a current density above 0 (the magnitude of the deposition current)");
    const int given = static_cast<int>(s.has("duration")) + static_cast<int>(s.has("charge")) +
                      static_cast<int>(s.has("thickness"));
    if (given != 1) {
        const char* what = given == 0 ? "deposit has none of duration, charge, thickness"
                                      : "deposit has more than one of duration, charge, thickness";
        if (given == 0) s.error_here(strf("%s; expected exactly one, such as duration = \"200 s\"", what));
        s.error_at_value(s.has("thickness") ? "thickness" : "charge", strf("%s; expected exactly one", what));
    }
    if (s.has("duration")) {
        d.basis = plan::DepositBasis::duration;
        d.duration_s = s.required_quantity("duration", Dimension::time);
        check_range(s, "duration", d.duration_s, d.duration_s > 0.0 && d.duration_s <= 7 * 86400.0,
                    "a time above 0 and at most 7 days");
    } else if (s.has("charge")) {
        d.basis = plan::DepositBasis::charge;
        d.charge_c_per_m2 = s.required_quantity("charge", Dimension::charge_density);
        check_range(s, "charge", d.charge_c_per_m2, d.charge_c_per_m2 > 0.0, "a charge density above 0");
    } else {
        d.basis = plan::DepositBasis::thickness;
        d.thickness_m = s.required_quantity("thickness", Dimension::length);
        check_range(s, "thickness", d.thickness_m, d.thickness_m > 0.0 && d.thickness_m <= 1e-3,
                    "a thickness above 0 and at most 1 mm");
    }
    d.profile = read_profile(s);
}

plan::TransportData read_transport(const Section& s) {
    plan::TransportData t;
    const auto both = s.optional_quantity("D", Dimension::diffusivity);
    const auto bi = s.optional_quantity("D_Bi", Dimension::diffusivity);
    const auto sb = s.optional_quantity("D_Sb", Dimension::diffusivity);
    if (!both && !(bi && sb)) {
        s.error_here("transport needs D (both metals) or D_Bi and D_Sb, such as D = \"1e-5 cm2/s\"");
    }
    t.diffusion_bi_m2_per_s = bi.value_or(both.value_or(0.0));
    t.diffusion_sb_m2_per_s = sb.value_or(both.value_or(0.0));
    for (const char* key : {"D", "D_Bi", "D_Sb"}) {
        if (!s.has(key)) continue;
        const double v = *s.optional_quantity(key, Dimension::diffusivity);
        check_range(s, key, v, v > 0.0 && v < 1e-6, "a diffusion coefficient above 0 and below 1e-2 cm2/s");
    }
    t.boundary_layer_m = s.required_quantity("delta", Dimension::length);
    check_range(s, "delta", t.boundary_layer_m, t.boundary_layer_m > 0.0 && t.boundary_layer_m <= 10e-3,
                "a boundary layer thickness above 0 and at most 10 mm");
    return t;
}

const toml::table& required_section(const toml::table& root, std::string_view name, std::string_view expected,
                                    const ErrorSink& errors) {
    const toml::node* n = root.get(name);
    if (n == nullptr) {
        errors.at(toml::source_region{}, strf("missing section [%.*s]; expected %.*s", static_cast<int>(name.size()),
                                              name.data(), static_cast<int>(expected.size()), expected.data()));
    }
    if (!n->is_table()) {
        errors.at(n->source(), strf("%.*s is %s; expected a section [%.*s]", static_cast<int>(name.size()), name.data(),
                                    std::string(detail::type_name(*n)).c_str(), static_cast<int>(name.size()),
                                    name.data()));
    }
    return *n->as_table();
}

// [chemistry] calibration = "file.toml": the file (relative to the recipe's directory) overrides the
// recipe's own chemistry keys; an unreadable or invalid file is the recipe's error.
void apply_named_calibration(const Section& chemistry, Recipe& r) {
    const std::string named = checked_text(
        chemistry, "calibration", chemistry.required_string("calibration", "a chemistry file such as \"bisb.toml\""),
        false);
    std::string path = named;
    if (!named.starts_with('/')) {
        const auto slash = r.source_path.rfind('/');
        if (slash != std::string::npos) path = r.source_path.substr(0, slash + 1) + named;
    }
    auto applied = apply_chemistry_file(r, path, ChemistryOrigin::recipe_calibration);
    if (applied) return;
    const Error& e = applied.error();
    if (e.code == "invalid_chemistry") throw RecipeProblem{e.where, e.message};  // positioned in the file
    chemistry.error_at_value("calibration", "chemistry.calibration: " + e.message);
}

Recipe build(const toml::table& root, std::string_view text, const ErrorSink& errors, CalibrationFile calibration) {
    const Section top(root, "", {"recipe", "chemistry", "cell", "galvanostat", "pump", "deposit", "transport"},
                      errors);
    Recipe r;
    r.source_path = errors.file();
    r.text = std::string(text);
    r.sha256 = sha256_hex(text);

    read_recipe_section(Section(required_section(root, "recipe", "name = \"...\"", errors), "recipe",
                                {"name", "description", "link_loss_grace"}, errors),
                        r);
    const Section chemistry(required_section(root, "chemistry", "baths a and b, selectivity, efficiency, packing", errors),
                            "chemistry", {"a", "b", "selectivity_k", "selectivity_table", "current_efficiency",
                                          "packing_fraction", "calibration"}, errors);
    detail::read_chemistry(chemistry, r.plan.cell.chemistry, detail::ChemistryKeys::all_required);
    r.recipe_chemistry = r.plan.cell.chemistry;
    if (chemistry.has("calibration") && calibration == CalibrationFile::apply) apply_named_calibration(chemistry, r);
    read_cell(Section(required_section(root, "cell", "volumes, electrode area and mixing time", errors), "cell",
                      {"mode", "initial_volume", "max_volume", "electrode_area", "mixing_time"}, errors),
              r.plan.cell.cell);
    // [deposit] before [galvanostat]: the current range is chosen for the deposition current.
    read_deposit(Section(required_section(root, "deposit", "current density, duration/charge/thickness, profile", errors),
                         "deposit", {"current_density", "duration", "charge", "thickness", "profile"}, errors),
                 r.plan.deposit);
    const Section galvanostat(required_section(root, "galvanostat", "model, port and compliance", errors),
                              "galvanostat", {"model", "port", "compliance", "current_range", "potential_limit", "baud"},
                              errors);
    if (r.current_a() > max_source_current_a) {
        errors.at(root.get("deposit")->as_table()->get("current_density")->source(),
                  strf("deposit.current_density over cell.electrode_area asks %g A; expected at most %g A (the "
                       "galvanostat's largest range)", r.current_a(), max_source_current_a));
    }
    read_galvanostat(galvanostat, r.galvanostat, r.current_a());
    if (root.contains("pump")) {
        r.pump.emplace();
        read_pump(Section(required_section(root, "pump", "model, port and syringe", errors), "pump",
                          {"model", "port", "syringe_diameter", "syringe_volume", "max_rate", "min_rate", "flow_lag",
                           "baud", "safe_mode_timeout"}, errors),
                  *r.pump, r.plan.pump);
    } else {
        r.plan.pump = plan::PumpLimits{};
        r.plan.pump.present = false;
    }
    if (root.contains("transport")) {
        r.plan.transport = read_transport(Section(required_section(root, "transport", "D and delta", errors),
                                                  "transport", {"D", "D_Bi", "D_Sb", "delta"}, errors));
    }
    return r;
}

}  // namespace

std::string_view to_string(GalvanostatModel m) noexcept {
    return galvanostat_entry(m).name;
}

bool galvanostat_on_lan(GalvanostatModel m) noexcept {
    return m != GalvanostatModel::keithley_2400 && m != GalvanostatModel::palmsens_emstat4 &&
           m != GalvanostatModel::palmsens_emstat_pico;
}

std::string_view to_string(PumpModel m) noexcept {
    switch (m) {
        case PumpModel::ne_1000:
            return "ne-1000";
        case PumpModel::harvard_elite:
            return "harvard-elite";
        case PumpModel::kds_legato_100:
            return "kds-legato-100";
        case PumpModel::kds_legato_180:
            return "kds-legato-180";
        case PumpModel::kds_legato_200:
            return "kds-legato-200";
    }
    return "?";
}

Result<Recipe> parse_recipe(std::string_view text, std::string_view name_for_errors, CalibrationFile calibration) {
    const std::string file(name_for_errors);
    if (text.size() > max_recipe_bytes) {
        return fail("invalid_recipe",
                    strf("%s: recipe is %zu bytes; expected at most %zu (1 MiB)", file.c_str(), text.size(), max_recipe_bytes),
                    file);
    }
    if (const auto unsafe = detail::find_unsafe_text(text)) {
        const std::string where = strf("%s:%zu:%zu", file.c_str(), unsafe->line, unsafe->column);
        return fail("invalid_recipe", where + ": " + unsafe->what, where);
    }
    const ErrorSink errors(file);
    try {
        if (detail::has_unsafe_code_points(text)) {
            (void)toml::parse(detail::neutralize_unsafe_code_points(text), file);  // syntax only; see toml_guard.hpp
        }
        const toml::table root = toml::parse(text, file);
        return build(root, text, errors, calibration);
    } catch (const toml::parse_error& e) {
        const auto& begin = e.source().begin;
        const std::string where = strf("%s:%u:%u", file.c_str(), static_cast<unsigned>(std::max<toml::source_index>(begin.line, 1)),
                                       static_cast<unsigned>(std::max<toml::source_index>(begin.column, 1)));
        return fail("invalid_recipe", strf("%s: TOML syntax error: %.*s", where.c_str(),
                                           static_cast<int>(e.description().size()), e.description().data()),
                    where);
    } catch (const RecipeProblem& p) {
        return fail("invalid_recipe", p.where + ": " + p.what, p.where);
    } catch (const detail::TomlInternalCheckFailed& e) {
        return fail("invalid_recipe",
                    strf("%s: TOML syntax error the parser could not place (its check `%s` failed); expected "
                         "tables as [name] and keys as name = value",
                         file.c_str(), e.what()),
                    file);
    }
}

Result<Recipe> load_recipe(const std::string& path) {
    // O_NONBLOCK: opening a named pipe nobody writes must not hang; such files are refused below.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        return fail("invalid_recipe", strf("%s: cannot open the recipe file: %s", path.c_str(), std::strerror(errno)),
                    path);
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        return fail("invalid_recipe", strf("%s: cannot stat the recipe file: %s", path.c_str(), std::strerror(errno)),
                    path);
    }
    if (S_ISDIR(st.st_mode)) {
        return fail("invalid_recipe", strf("%s: is a directory; expected a recipe file", path.c_str()), path);
    }
    if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
        return fail("invalid_recipe", strf("%s: is not a regular file (a pipe or socket); expected a recipe file",
                                           path.c_str()), path);
    }
    if (S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) > max_recipe_bytes) {
        return fail("invalid_recipe", strf("%s: recipe is larger than %zu bytes (1 MiB); expected a smaller file",
                                           path.c_str(), max_recipe_bytes), path);
    }
    (void)::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    std::string text;
    std::array<char, 65536> buffer{};
    for (;;) {
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            return fail("invalid_recipe", strf("%s: read error: %s", path.c_str(), std::strerror(errno)), path);
        }
        if (n == 0) break;
        text.append(buffer.data(), static_cast<std::size_t>(n));
        if (text.size() > max_recipe_bytes) {  // a file that grew, or a device such as /dev/zero
            return fail("invalid_recipe", strf("%s: recipe is larger than %zu bytes (1 MiB); expected a smaller file",
                                               path.c_str(), max_recipe_bytes), path);
        }
    }
    return parse_recipe(text, path);
}

}  // namespace edc::recipes
