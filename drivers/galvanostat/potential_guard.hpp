#pragma once
// The software limit on |measured potential| (a recipe setting, enforced here as well as in the
// run's interlocks): a reading beyond it switches the cell off and becomes an error.
#include <cmath>

#include "control/text.hpp"
#include "drivers/galvanostat/galvanostat.hpp"

namespace edc::galvanostat {

inline Result<GalvanostatReading> enforce_potential_limit(const GalvanostatReading& r,
                                                          const GalvanostatSettings& s, Galvanostat& device,
                                                          const std::string& where) {
    if (std::fabs(r.potential_v) <= s.potential_limit_v) return r;
    const auto off = device.safe_off();
    return fail("potential_limit",
                strf("measured potential %g V exceeds the limit +-%g V at %g A; output switched off%s",
                     r.potential_v, s.potential_limit_v, r.current_a,
                     off ? "" : (" (safe off failed: " + off.error().message + ")").c_str()),
                where);
}

}  // namespace edc::galvanostat
