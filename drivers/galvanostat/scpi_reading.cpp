#include "drivers/galvanostat/scpi_reading.hpp"

#include <cmath>

#include "drivers/scpi/scpi_reply.hpp"

namespace edc {

Result<GalvanostatReading> parse_source_meter_reading(std::string_view reply, const ScpiReadForm& form) {
    auto values = scpi::parse_number_list(reply, form.fields);
    if (!values) return std::unexpected(values.error());
    const auto& v = *values;
    const auto& volt = v.at(form.volt_field);
    const auto& curr = v.at(form.curr_field);
    const auto& stat = v.at(form.status_field);
    if (volt.kind == scpi::ValueKind::not_measured || curr.kind == scpi::ValueKind::not_measured) {
        return fail("bad_reply", "reading lacks voltage or current (" + form.elements_hint + ")");
    }
    if (stat.kind != scpi::ValueKind::value || stat.value < 0 || stat.value >= form.status_bound) {
        return fail("bad_reply", "status word is not a status number");
    }
    const auto status = static_cast<std::uint32_t>(stat.value);
    GalvanostatReading r;
    // An overflowed potential (+9.9E37) counts as beyond any software limit.
    r.potential_v = volt.kind == scpi::ValueKind::overflow ? std::copysign(HUGE_VAL, volt.value) : volt.value;
    r.current_a = curr.value;
    r.in_compliance = (status & form.compliance_mask) != 0;
    if (form.has_time) {
        const auto& t = v.at(form.time_field);
        r.instrument_time_s = t.kind == scpi::ValueKind::value ? t.value : 0.0;
    }
    return r;
}

}  // namespace edc
