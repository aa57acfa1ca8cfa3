#pragma once
// Quantities in recipes are strings with units ("50 mM", "5.7 mA/cm2", "100 mL/min"). This
// converts them to SI (control/model/units.hpp) and checks the dimension the key expects, so
// a volume where a rate is expected is an error and not a silently wrong number.
#include <span>
#include <string>
#include <string_view>

#include "control/error.hpp"

namespace edc::recipes {

enum class Dimension {
    concentration,    // mol/m3 (1 mM = 1 mol/m3)
    volume,           // m3
    volume_rate,      // m3/s
    current,          // A
    current_density,  // A/m2
    time,             // s
    length,           // m
    voltage,          // V
    area,             // m2
    charge_density,   // C/m2
    areal_mass,       // kg/m2
    diffusivity,      // m2/s
};

struct Unit {
    std::string_view symbol;  // as written in a recipe, ASCII ("uL/min"; "µ" is read as "u")
    Dimension dimension;
    double to_si;             // SI value of 1 of this unit
    bool alias = false;       // lower-case spelling ("ml/min"): accepted, not listed in messages
};

struct Quantity {
    double si;  // value in SI units of its dimension
    Dimension dimension;
};

// "concentration", "volume rate", ...: the words used in error messages.
[[nodiscard]] std::string_view dimension_name(Dimension d) noexcept;
// "50 mM" for a concentration: an example used in error messages.
[[nodiscard]] std::string_view dimension_example(Dimension d) noexcept;
// Every unit the parser knows.
[[nodiscard]] std::span<const Unit> known_units() noexcept;
// "M, mM, uM, mol/L, mmol/L, mol/m3": the units accepted for one dimension.
[[nodiscard]] std::string unit_list(Dimension d);

// A finite number, optional spaces, one known unit; nothing else (leading and trailing spaces
// are allowed). Error code "invalid_quantity"; the message quotes the offending text.
[[nodiscard]] Result<Quantity> parse_quantity(std::string_view text);
// As parse_quantity, and the unit must measure `expected` (else "wrong_dimension").
[[nodiscard]] Result<double> parse_quantity_as(std::string_view text, Dimension expected);

// Printable, bounded form of untrusted text for an error message (control bytes escaped,
// long text cut).
[[nodiscard]] std::string quote(std::string_view s);

}  // namespace edc::recipes
