#include "drivers/sim/sim_cell.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "control/model/units.hpp"

namespace edc::sim {
namespace {

constexpr double gas_constant = 8.314462618;
constexpr double floor_mol_per_l = 1e-6;  // keeps Nernst finite when a metal is absent

double nernst_v(double e0_she, double ref_she, double c_mol_per_m3, double rt_zf) {
    const double c_mol_per_l = std::max(c_mol_per_m3 / 1000.0, floor_mol_per_l);
    return e0_she - ref_she + rt_zf * std::log(c_mol_per_l);
}

}  // namespace

PlantChemistry plant_from_cell_params(const model::CellParams& params) {
    const auto& ch = params.chemistry;
    PlantChemistry p;
    p.selectivity.clear();
    for (const auto& pt : ch.selectivity.points()) p.selectivity.push_back({pt.ratio, pt.k});
    p.current_efficiency = ch.current_efficiency;
    p.a_bi_mol_per_m3 = ch.bath_a.bi_mol_per_m3;
    p.a_sb_mol_per_m3 = ch.bath_a.sb_mol_per_m3;
    p.b_bi_mol_per_m3 = ch.feed_b.bi_mol_per_m3;
    p.b_sb_mol_per_m3 = ch.feed_b.sb_mol_per_m3;
    p.initial_volume_m3 = params.cell.initial_volume_m3;
    p.mixing_time_s = params.cell.mixing_time_s;
    p.packing_fraction = ch.packing_fraction;
    p.electrode_area_m2 = params.cell.electrode_area_m2;
    p.electrons = ch.electrons;
    p.bi = {ch.bi.molar_mass_kg_per_mol, ch.bi.molar_volume_m3_per_mol};
    p.sb = {ch.sb.molar_mass_kg_per_mol, ch.sb.molar_volume_m3_per_mol};
    p.mode = params.cell.mode == model::CellMode::overflow ? PlantCellMode::overflow : PlantCellMode::growing;
    return p;
}

SimCell::SimCell(PlantChemistry plant, const ElectrodeKinetics& kinetics)
    : kinetics_(kinetics), bath_(std::move(plant)), noise_rng_(kinetics.noise_seed) {}

void SimCell::set_feed_motor_rate(double q_m3_per_s, double told_diameter_m) noexcept {
    const double true_d = plant().syringe_diameter_m;
    const double scale = true_d > 0.0 && told_diameter_m > 0.0 ? (true_d / told_diameter_m) * (true_d / told_diameter_m)
                                                                : 1.0;
    motor_rate_ = q_m3_per_s * scale;
}

void SimCell::pour_feed(double volume_m3) noexcept {
    bath_.pour(volume_m3);
    fed_volume_ += std::max(0.0, volume_m3);
}

model::BathState SimCell::bath() const noexcept {
    const double v = bath_.volume_m3();
    return {v, bath_.bulk_bi_mol_per_m3() * v, bath_.bulk_sb_mol_per_m3() * v};
}

model::Concentrations SimCell::electrode_concentrations() const noexcept {
    return {bath_.electrode_bi_mol_per_m3(), bath_.electrode_sb_mol_per_m3()};
}

double SimCell::equilibrium_potential_v() const noexcept {
    const double rt_zf =
        gas_constant * kinetics_.temperature_k / (plant().electrons * units::faraday_c_per_mol);
    const double e_bi =
        nernst_v(kinetics_.e0_bi_v_she, kinetics_.reference_v_she, bath_.electrode_bi_mol_per_m3(), rt_zf);
    const double e_sb =
        nernst_v(kinetics_.e0_sb_v_she, kinetics_.reference_v_she, bath_.electrode_sb_mol_per_m3(), rt_zf);
    // Mixed potential weighted by what would deposit: a Bi-free bath sits at the Sb couple.
    const double x = bath_.film_x_bi();
    return x * e_bi + (1.0 - x) * e_sb;
}

double SimCell::potential_at(double current_a) const noexcept {
    const double area = plant().electrode_area_m2;
    const double b = kinetics_.tafel_slope_v_per_decade / std::log(10.0);
    const double overpotential =
        b * std::asinh(current_a / (2.0 * kinetics_.exchange_current_a_per_m2 * area));
    return equilibrium_potential_v() + overpotential + current_a * resistance_ohm();
}

ElectrodeReading SimCell::reading() const noexcept {
    if (!drive_.output_on) return {equilibrium_potential_v(), 0.0, false};
    const double wanted = drive_.current_a * noise_factor_;
    const double limit = std::abs(drive_.compliance_v);
    if (std::abs(potential_at(wanted)) <= limit) return {potential_at(wanted), wanted, false};
    // E(I) is monotonic: bisect for the current whose potential sits on the compliance.
    double lo = 0.0;
    double hi = wanted;
    if (std::abs(potential_at(lo)) > limit) return {potential_at(0.0), 0.0, true};
    for (int i = 0; i < 80; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (std::abs(potential_at(mid)) <= limit)
            lo = mid;
        else
            hi = mid;
    }
    return {potential_at(lo), lo, true};
}

void SimCell::advance(double dt_s) {
    while (dt_s > 0.0) {
        const double dt = std::min(dt_s, kinetics_.max_step_s);
        step(dt);
        dt_s -= dt;
    }
}

void SimCell::step(double dt) {
    if (kinetics_.current_noise_rel > 0.0) {
        noise_factor_ = 1.0 + kinetics_.current_noise_rel * noise_(noise_rng_);
    }
    const double cathodic_a = std::max(0.0, -reading().current_a);
    const double r = plant_metal_rate_mol_per_s(plant(), cathodic_a);

    // Delivered flow: exact first-order lag behind the motor; the bath sees its mean over dt.
    const double before = delivered_rate_;
    const double follow = kinetics_.pump_lag_s > 0.0 ? -std::expm1(-dt / kinetics_.pump_lag_s) : 1.0;
    delivered_rate_ += (motor_rate_ - delivered_rate_) * follow;
    const double q = std::max(0.0, 0.5 * (before + delivered_rate_));

    const double bi = bath_.advance(dt, q, r);
    fed_volume_ += q * dt;
    time_ += dt;
    if (r <= 0.0) return;
    const double dn = r * dt;
    const double x = std::clamp(bi / dn, 0.0, 1.0);
    charge_ += cathodic_a * dt;
    metal_mol_ += dn;
    bi_mol_ += x * dn;
    const double n = growing_.metal_mol + dn;
    growing_.x_bi = (growing_.x_bi * growing_.metal_mol + x * dn) / n;
    growing_.metal_mol = n;
    growing_.charge_c += cathodic_a * dt;
    growing_.thickness_m = plant_layer_thickness_m(plant(), n, growing_.x_bi);
    if (growing_.thickness_m >= kinetics_.layer_thickness_m) {
        layers_.push_back(growing_);
        growing_ = {};
    }
}

SimCellState SimCell::state() const {
    SimCellState s;
    s.bath = bath_.state();
    s.delivered_rate_m3_per_s = delivered_rate_;
    s.fed_volume_m3 = fed_volume_;
    s.time_s = time_;
    s.charge_c = charge_;
    s.metal_mol = metal_mol_;
    s.bi_mol = bi_mol_;
    s.layers = layers_;
    s.growing = growing_;
    return s;
}

void SimCell::restore(const SimCellState& state) {
    bath_.restore(state.bath);
    delivered_rate_ = state.delivered_rate_m3_per_s;
    fed_volume_ = state.fed_volume_m3;
    time_ = state.time_s;
    charge_ = state.charge_c;
    metal_mol_ = state.metal_mol;
    bi_mol_ = state.bi_mol;
    layers_ = state.layers;
    growing_ = state.growing;
}

double SimCell::thickness_m() const noexcept {
    double h = growing_.thickness_m;
    for (const auto& l : layers_) h += l.thickness_m;
    return h;
}

std::vector<DepositLayer> SimCell::layers() const {
    auto out = layers_;
    if (growing_.metal_mol > 0.0) out.push_back(growing_);
    return out;
}

}  // namespace edc::sim
