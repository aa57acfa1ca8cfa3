#include "drivers/galvanostat/keithley_limits.hpp"

#include <cmath>

#include "control/decimal.hpp"
#include "control/text.hpp"

namespace edc::keithley {

Result<void> validate(const GalvanostatSettings& s, const ModelLimits& m, const std::string& where) {
    auto bad = [&](const std::string& msg) {
        return fail("invalid_setting", std::string(m.model) + ": " + msg, where);
    };
    if (!std::isfinite(s.current_range_a) || s.current_range_a < m.min_current_range_a ||
        s.current_range_a > m.max_current_a) {
        return bad(strf("current range %g A outside %g..%g A", s.current_range_a, m.min_current_range_a,
                        m.max_current_a));
    }
    if (!std::isfinite(s.compliance_v) || s.compliance_v < m.min_compliance_v ||
        s.compliance_v > m.max_compliance_v) {
        return bad(strf("voltage compliance %g V outside %g..%g V", s.compliance_v, m.min_compliance_v,
                        m.max_compliance_v));
    }
    if (!std::isfinite(s.nplc) || s.nplc < m.min_nplc || s.nplc > m.max_nplc) {
        return bad(strf("NPLC %g outside %g..%g", s.nplc, m.min_nplc, m.max_nplc));
    }
    if (!std::isfinite(s.potential_limit_v) || s.potential_limit_v <= 0.0) {
        return bad(strf("potential limit %g V must be a positive number", s.potential_limit_v));
    }
    return {};
}

Result<void> validate_level(double amps, const GalvanostatSettings& s, const std::string& where) {
    if (!std::isfinite(amps) || std::fabs(amps) > s.current_range_a * 1.05) {
        return fail("invalid_setting",
                    strf("current %g A outside the configured source range +-%g A", amps, s.current_range_a),
                    where);
    }
    return {};
}

std::string scpi_number(double v) {
    return decimal::general(v, 6);
}

}  // namespace edc::keithley
