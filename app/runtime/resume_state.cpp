#include "app/runtime/resume_state.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "control/decimal.hpp"
#include "control/model/units.hpp"

namespace edc::app {

model::BathState bath_after_gap(const model::CellParams& cell, const journal::JournalSample& last,
                                double gap_volume_m3, double gap_charge_c, double x_film) {
    model::BathState bath;
    bath.volume_m3 = last.volume_m3;
    bath.n_bi_mol = last.n_bi;
    bath.n_sb_mol = last.n_sb;
    // The dead time's feed and metal are spread evenly over unit time: only the totals are known.
    // 200 Euler steps keep the overflow mode's outflow (proportional to the bath) accurate.
    constexpr int steps = 200;
    const double dt = 1.0 / steps;
    const double metal_mol = model::metal_mol_per_coulomb(cell.chemistry) * std::max(0.0, gap_charge_c);
    for (int i = 0; i < steps; ++i) {
        const auto rates = model::bath_rates(cell, bath, std::max(0.0, gap_volume_m3), x_film, metal_mol);
        bath = model::advance(bath, rates, dt);
    }
    return bath;
}

namespace {

std::string field(const nlohmann::json& j, const char* instrument, const char* key) {
    if (!j.is_object() || !j.contains(instrument)) return {};
    const auto& i = j.at(instrument);
    if (!i.is_object() || !i.contains(key) || !i.at(key).is_string()) return {};
    return i.at(key).get<std::string>();
}

}  // namespace

std::string identity_mismatch(const std::string& journaled_json, const std::string& found_json) {
    const auto journaled = nlohmann::json::parse(journaled_json, nullptr, false);
    const auto found = nlohmann::json::parse(found_json, nullptr, false);
    std::string out;
    auto check = [&](const char* instrument, const char* key) {
        if (!found.is_object() || !found.contains(instrument)) return;  // not part of this run
        const std::string was = field(journaled, instrument, key);
        const std::string now = field(found, instrument, key);
        if (was.empty()) {
            out += std::string(out.empty() ? "" : "; ") + instrument +
                   ": the journal has no identity (state unknown)";
        } else if (was != now) {
            out +=
                std::string(out.empty() ? "" : "; ") + instrument + " was '" + was + "', now '" + now + "'";
        }
    };
    check("galvanostat", "idn");
    check("pump", "version");
    return out;
}

std::string resume_text(const ResumeFindings& f) {
    std::string t =
        "resumes run " + std::to_string(f.resumes_run) + ": gap " + decimal::fixed(f.gap_s, 1) + " s, " +
        decimal::fixed(f.gap_charge_c, 3) + " C and " + decimal::fixed(units::m3_to_ml(f.gap_volume_m3), 4) +
        " mL of B while no controller watched" + "; output was " + (f.output_was_on ? "on" : "off") +
        ", pump was " + (f.pump_was_running ? "running" : "stopped") + "; continues at " +
        decimal::fixed(f.start.charge_c, 3) + " C (depth " + decimal::fixed(f.depth_before_m * 1e9, 1) +
        " nm), bath " + decimal::fixed(units::m3_to_ml(f.start.bath_volume_m3), 4) + " mL, " +
        decimal::fixed(f.remaining_charge_c, 3) + " C to go";
    for (const auto& w : f.warnings) t += "; planner: " + w;
    return t;
}

}  // namespace edc::app
