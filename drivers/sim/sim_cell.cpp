#include "drivers/sim/sim_cell.hpp"

#include <algorithm>
#include <cmath>

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

SimCell::SimCell(const model::CellParams& params, const ElectrodeKinetics& kinetics)
    : params_(params),
      kinetics_(kinetics),
      bath_(model::initial_bath(params)),
      noise_rng_(kinetics.noise_seed) {
    electrode_ = bath_.concentrations();
}

double SimCell::equilibrium_potential_v() const noexcept {
    const double rt_zf =
        gas_constant * kinetics_.temperature_k / (params_.chemistry.electrons * units::faraday_c_per_mol);
    const double e_bi =
        nernst_v(kinetics_.e0_bi_v_she, kinetics_.reference_v_she, electrode_.bi_mol_per_m3, rt_zf);
    const double e_sb =
        nernst_v(kinetics_.e0_sb_v_she, kinetics_.reference_v_she, electrode_.sb_mol_per_m3, rt_zf);
    // Mixed potential weighted by what would deposit: a Bi-free bath sits at the Sb couple.
    const double x = model::film_x_bi(params_.chemistry.selectivity, electrode_);
    return x * e_bi + (1.0 - x) * e_sb;
}

double SimCell::potential_at(double current_a) const noexcept {
    const double area = params_.cell.electrode_area_m2;
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
    const auto& chem = params_.chemistry;
    if (kinetics_.current_noise_rel > 0.0) {
        noise_factor_ = 1.0 + kinetics_.current_noise_rel * noise_(noise_rng_);
    }
    const double cathodic_a = std::max(0.0, -reading().current_a);
    const double x = model::film_x_bi(chem.selectivity, electrode_);
    const double r = model::metal_rate_mol_per_s(chem, cathodic_a);

    const double pump_mix = 1.0 - std::exp(-dt / kinetics_.pump_lag_s);
    delivered_rate_ += (motor_rate_ - delivered_rate_) * pump_mix;
    const double q = std::max(0.0, delivered_rate_);

    bath_ = model::advance(bath_, model::bath_rates(params_, bath_, q, x, r), dt);
    bath_.n_bi_mol = std::max(0.0, bath_.n_bi_mol);
    bath_.n_sb_mol = std::max(0.0, bath_.n_sb_mol);
    fed_volume_ += q * dt;

    const auto bulk = bath_.concentrations();
    const double mix = 1.0 - std::exp(-dt / params_.cell.mixing_time_s);
    electrode_.bi_mol_per_m3 += (bulk.bi_mol_per_m3 - electrode_.bi_mol_per_m3) * mix;
    electrode_.sb_mol_per_m3 += (bulk.sb_mol_per_m3 - electrode_.sb_mol_per_m3) * mix;

    time_ += dt;
    if (r <= 0.0) return;
    const double dn = r * dt;
    charge_ += cathodic_a * dt;
    metal_mol_ += dn;
    bi_mol_ += x * dn;
    const double n = growing_.metal_mol + dn;
    growing_.x_bi = (growing_.x_bi * growing_.metal_mol + x * dn) / n;
    growing_.metal_mol = n;
    growing_.charge_c += cathodic_a * dt;
    growing_.thickness_m = model::thickness_m(params_, n, growing_.x_bi);
    if (growing_.thickness_m >= kinetics_.layer_thickness_m) {
        layers_.push_back(growing_);
        growing_ = {};
    }
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
