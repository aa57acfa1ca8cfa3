#include "recipes/format/quantity.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "control/model/units.hpp"
#include "control/text.hpp"

namespace edc::recipes {
namespace {

namespace u = edc::units;

constexpr double seconds_per_min = 60.0;
constexpr double seconds_per_h = 3600.0;

// Within a dimension, the order is the order shown in error messages.
constexpr std::array units_table{
    Unit{"M", Dimension::concentration, 1000.0 * u::mol_per_m3_per_mm},
    Unit{"mM", Dimension::concentration, u::mol_per_m3_per_mm},
    Unit{"uM", Dimension::concentration, 1e-3 * u::mol_per_m3_per_mm},
    Unit{"mol/L", Dimension::concentration, 1000.0 * u::mol_per_m3_per_mm},
    Unit{"mmol/L", Dimension::concentration, u::mol_per_m3_per_mm},
    Unit{"mol/m3", Dimension::concentration, 1.0},

    Unit{"L", Dimension::volume, u::m3_per_l},
    Unit{"mL", Dimension::volume, u::m3_per_ml},
    Unit{"uL", Dimension::volume, u::m3_per_ul},
    Unit{"m3", Dimension::volume, 1.0},
    Unit{"ml", Dimension::volume, u::m3_per_ml, true},
    Unit{"ul", Dimension::volume, u::m3_per_ul, true},

    Unit{"mL/min", Dimension::volume_rate, u::ml_per_min_to_m3_per_s(1.0)},
    Unit{"uL/min", Dimension::volume_rate, u::ul_per_min_to_m3_per_s(1.0)},
    Unit{"mL/h", Dimension::volume_rate, u::ml_per_h_to_m3_per_s(1.0)},
    Unit{"uL/h", Dimension::volume_rate, u::ul_per_h_to_m3_per_s(1.0)},
    Unit{"mL/s", Dimension::volume_rate, u::m3_per_ml},
    Unit{"uL/s", Dimension::volume_rate, u::m3_per_ul},
    Unit{"m3/s", Dimension::volume_rate, 1.0},
    Unit{"ml/min", Dimension::volume_rate, u::ml_per_min_to_m3_per_s(1.0), true},
    Unit{"ul/min", Dimension::volume_rate, u::ul_per_min_to_m3_per_s(1.0), true},
    Unit{"ml/h", Dimension::volume_rate, u::ml_per_h_to_m3_per_s(1.0), true},
    Unit{"ul/h", Dimension::volume_rate, u::ul_per_h_to_m3_per_s(1.0), true},

    Unit{"A", Dimension::current, 1.0},
    Unit{"mA", Dimension::current, 1e-3},
    Unit{"uA", Dimension::current, 1e-6},
    Unit{"nA", Dimension::current, 1e-9},

    Unit{"mA/cm2", Dimension::current_density, u::ma_per_cm2_to_a_per_m2(1.0)},
    Unit{"uA/cm2", Dimension::current_density, u::ma_per_cm2_to_a_per_m2(1e-3)},
    Unit{"A/cm2", Dimension::current_density, u::ma_per_cm2_to_a_per_m2(1e3)},
    Unit{"A/m2", Dimension::current_density, 1.0},

    Unit{"s", Dimension::time, 1.0},
    Unit{"ms", Dimension::time, 1e-3},
    Unit{"min", Dimension::time, seconds_per_min},
    Unit{"h", Dimension::time, seconds_per_h},

    Unit{"nm", Dimension::length, u::m_per_nm},
    Unit{"um", Dimension::length, 1e-6},
    Unit{"mm", Dimension::length, u::m_per_mm},
    Unit{"cm", Dimension::length, 1e-2},
    Unit{"m", Dimension::length, 1.0},

    Unit{"V", Dimension::voltage, 1.0},
    Unit{"mV", Dimension::voltage, 1e-3},

    Unit{"cm2", Dimension::area, u::m2_per_cm2},
    Unit{"mm2", Dimension::area, 1e-6},
    Unit{"m2", Dimension::area, 1.0},

    Unit{"C/cm2", Dimension::charge_density, u::c_per_cm2_to_c_per_m2(1.0)},
    Unit{"mC/cm2", Dimension::charge_density, u::c_per_cm2_to_c_per_m2(1e-3)},
    Unit{"C/m2", Dimension::charge_density, 1.0},

    Unit{"mg/cm2", Dimension::areal_mass, u::kg_per_mg / u::m2_per_cm2},
    Unit{"ug/cm2", Dimension::areal_mass, 1e-3 * u::kg_per_mg / u::m2_per_cm2},
    Unit{"kg/m2", Dimension::areal_mass, 1.0},

    Unit{"cm2/s", Dimension::diffusivity, u::m2_per_cm2},
    Unit{"m2/s", Dimension::diffusivity, 1.0},
};

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// Recipes written on a lab PC often carry the micro sign: accept both code points as "u".
std::string normalize_micro(std::string_view unit) {
    std::string out;
    out.reserve(unit.size());
    for (std::size_t i = 0; i < unit.size(); ++i) {
        const auto c0 = static_cast<unsigned char>(unit[i]);
        const auto c1 = i + 1 < unit.size() ? static_cast<unsigned char>(unit[i + 1]) : 0U;
        if ((c0 == 0xC2 && c1 == 0xB5) || (c0 == 0xCE && c1 == 0xBC)) {  // U+00B5, U+03BC
            out.push_back('u');
            ++i;
        } else {
            out.push_back(unit[i]);
        }
    }
    return out;
}

const Unit* find_unit(std::string_view symbol) {
    for (const Unit& unit : units_table) {
        if (unit.symbol == symbol) return &unit;
    }
    return nullptr;
}


}  // namespace

std::string_view dimension_name(Dimension d) noexcept {
    switch (d) {
        case Dimension::concentration: return "concentration";
        case Dimension::volume: return "volume";
        case Dimension::volume_rate: return "volume rate";
        case Dimension::current: return "current";
        case Dimension::current_density: return "current density";
        case Dimension::time: return "time";
        case Dimension::length: return "length";
        case Dimension::voltage: return "voltage";
        case Dimension::area: return "area";
        case Dimension::charge_density: return "charge density";
        case Dimension::areal_mass: return "areal mass";
        case Dimension::diffusivity: return "diffusion coefficient";
    }
    return "quantity";
}

std::string_view dimension_example(Dimension d) noexcept {
    switch (d) {
        case Dimension::concentration: return "50 mM";
        case Dimension::volume: return "20 mL";
        case Dimension::volume_rate: return "100 mL/min";
        case Dimension::current: return "5.7 mA";
        case Dimension::current_density: return "5.7 mA/cm2";
        case Dimension::time: return "200 s";
        case Dimension::length: return "630 nm";
        case Dimension::voltage: return "10 V";
        case Dimension::area: return "1 cm2";
        case Dimension::charge_density: return "1.14 C/cm2";
        case Dimension::areal_mass: return "0.43 mg/cm2";
        case Dimension::diffusivity: return "1e-5 cm2/s";
    }
    return "1 s";
}

std::span<const Unit> known_units() noexcept { return units_table; }

std::string unit_list(Dimension d) {
    std::string out;
    for (const Unit& unit : units_table) {
        if (unit.dimension != d || unit.alias) continue;
        if (!out.empty()) out += ", ";
        out += unit.symbol;
    }
    return out;
}

namespace {

std::string with_article(Dimension d) {
    const std::string name(dimension_name(d));
    return (std::string_view("aeiou").find(name.front()) != std::string_view::npos ? "an " : "a ") + name;
}

std::string expectation(const Dimension* expected) {
    if (expected == nullptr) return "a number followed by a unit, such as \"20 mL\"";
    return strf("%s in %s, such as \"%s\"", with_article(*expected).c_str(), unit_list(*expected).c_str(),
                std::string(dimension_example(*expected)).c_str());
}

Result<Quantity> parse(std::string_view text, const Dimension* expected) {
    const std::string_view s = trim(text);
    if (s.empty()) {
        return fail("invalid_quantity", strf("empty quantity; expected %s", expectation(expected).c_str()));
    }
    std::string_view rest = s;
    const bool plus = rest.front() == '+';
    if (plus) rest.remove_prefix(1);
    const bool starts_like_number = !rest.empty() && (std::isdigit(static_cast<unsigned char>(rest.front())) != 0 ||
                                                      rest.front() == '.' || (!plus && rest.front() == '-'));
    double value = 0.0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
    if (!starts_like_number || ec == std::errc::invalid_argument || end == rest.data()) {
        return fail("invalid_quantity",
                    strf("%s is not a quantity; expected %s", quote(text).c_str(), expectation(expected).c_str()));
    }
    if (ec == std::errc::result_out_of_range || !std::isfinite(value)) {
        return fail("invalid_quantity", strf("%s: the number is not finite; expected %s", quote(text).c_str(),
                                             expectation(expected).c_str()));
    }
    const auto unit_size = static_cast<std::size_t>(rest.data() + rest.size() - end);
    const std::string_view unit_text = trim(std::string_view(end, unit_size));
    if (unit_text.empty()) {
        return fail("invalid_quantity",
                    strf("%s has no unit; expected %s", quote(text).c_str(), expectation(expected).c_str()));
    }
    const Unit* unit = find_unit(normalize_micro(unit_text));
    if (unit == nullptr) {
        return fail("invalid_quantity", strf("%s: unknown unit %s; expected %s", quote(text).c_str(),
                                             quote(unit_text).c_str(), expectation(expected).c_str()));
    }
    if (expected != nullptr && unit->dimension != *expected) {
        return fail("wrong_dimension", strf("%s is %s; expected %s", quote(text).c_str(),
                                            with_article(unit->dimension).c_str(), expectation(expected).c_str()));
    }
    const double si = value * unit->to_si;
    if (!std::isfinite(si)) {
        return fail("invalid_quantity", strf("%s: the number is too large for its unit; expected %s",
                                             quote(text).c_str(), expectation(expected).c_str()));
    }
    return Quantity{si, unit->dimension};
}

}  // namespace

Result<Quantity> parse_quantity(std::string_view text) { return parse(text, nullptr); }

Result<double> parse_quantity_as(std::string_view text, Dimension expected) {
    auto q = parse(text, &expected);
    if (!q) return std::unexpected(std::move(q.error()));
    return q->si;
}

std::string quote(std::string_view s) {
    constexpr std::size_t max_shown = 60;
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size() && i < max_shown; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c < 0x20 || c == 0x7F) {
            out += strf("\\x%02X", c);
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    if (s.size() > max_shown) out += "...";
    out.push_back('"');
    return out;
}

}  // namespace edc::recipes
