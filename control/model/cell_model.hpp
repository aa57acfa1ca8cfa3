#pragma once
// Cell physics of design.md section 2: co-deposition law, Faraday bookkeeping, growth and
// the bath's mass balance. SI units throughout (mol, m3, m2, A, C, s, kg).
// Current is the magnitude of the cathodic (deposition) current: positive deposits metal.
#include <array>
#include <cstddef>
#include <span>

#include "control/error.hpp"

namespace edc::model {

struct Concentrations {
    double bi_mol_per_m3 = 0.0;
    double sb_mol_per_m3 = 0.0;
};

struct Metal {
    double molar_mass_kg_per_mol;
    double molar_volume_m3_per_mol;
};
inline constexpr Metal bismuth{208.98e-3, 21.3e-6};
inline constexpr Metal antimony{121.76e-3, 18.2e-6};

struct SelectivityPoint {
    double ratio;  // c_Bi / c_Sb at the electrode
    double k;
};

// Selectivity k of x/(1-x) = k c_Bi/c_Sb: a constant or a small calibration table k(ratio),
// linear between points and held flat beyond the ends. Fixed capacity: copyable without
// allocation, so the scheduler can hold one.
class Selectivity {
public:
    static constexpr std::size_t max_points = 16;

    Selectivity() = default;
    static Selectivity constant(double k);
    // Ratios must be strictly increasing and k > 0; at most max_points entries.
    static Result<Selectivity> table(std::span<const SelectivityPoint> points);

    [[nodiscard]] double k_at(double ratio) const noexcept;
    [[nodiscard]] bool is_table() const noexcept { return count_ > 1; }
    [[nodiscard]] std::span<const SelectivityPoint> points() const noexcept { return {points_.data(), count_}; }

    // Film Bi fraction deposited from a bath of this concentration ratio.
    [[nodiscard]] double x_from_ratio(double ratio) const noexcept;
    // Inverse: the ratio that deposits a film of Bi fraction x (0 < x < 1).
    [[nodiscard]] double ratio_for_x(double x) const noexcept;

private:
    std::array<SelectivityPoint, max_points> points_{{{1.0, 1.0}}};
    std::size_t count_ = 1;
};

struct Chemistry {
    Concentrations bath_a{50.0, 50.0};   // initial bath
    Concentrations feed_b{0.0, 50.0};    // syringe
    Selectivity selectivity = Selectivity::constant(1.0);
    double current_efficiency = 1.0;     // fraction of charge reducing metal
    double packing_fraction = 1.0;       // film density / dense alloy density
    int electrons = 3;                   // z, the same for Bi3+ and Sb3+
    Metal bi = bismuth;
    Metal sb = antimony;
};

enum class CellMode {
    growing,   // B poured into A, no outflow; the maximum volume is a hard limit
    overflow,  // constant volume: bath leaves at its own composition as B enters
};

struct CellGeometry {
    CellMode mode = CellMode::growing;
    double initial_volume_m3 = 20e-6;
    double max_volume_m3 = 150e-6;
    double electrode_area_m2 = 1e-4;
    double mixing_time_s = 3.0;  // first-order lag from bulk to electrode
};

struct CellParams {
    Chemistry chemistry;
    CellGeometry cell;
};

struct BathState {
    double volume_m3 = 0.0;
    double n_bi_mol = 0.0;
    double n_sb_mol = 0.0;

    [[nodiscard]] Concentrations concentrations() const noexcept {
        return {n_bi_mol / volume_m3, n_sb_mol / volume_m3};
    }
    [[nodiscard]] double ratio() const noexcept { return n_bi_mol / n_sb_mol; }
};

struct BathRates {
    double dvolume_m3_per_s = 0.0;
    double dn_bi_mol_per_s = 0.0;
    double dn_sb_mol_per_s = 0.0;
};

[[nodiscard]] BathState initial_bath(const CellParams& p) noexcept;

// Film Bi fraction x = kR/(1+kR) from the concentrations at the electrode.
[[nodiscard]] double film_x_bi(const Selectivity& k, const Concentrations& c) noexcept;

// r = eta I / (z F), mol/s of metal atoms.
[[nodiscard]] double metal_rate_mol_per_s(const Chemistry& c, double current_a) noexcept;
// Metal moles per coulomb passed: eta / (z F).
[[nodiscard]] double metal_mol_per_coulomb(const Chemistry& c) noexcept;

// Vegard molar volume and linear molar mass of Bi(x)Sb(1-x).
[[nodiscard]] double molar_volume_m3_per_mol(const Chemistry& c, double x_bi) noexcept;
[[nodiscard]] double molar_mass_kg_per_mol(const Chemistry& c, double x_bi) noexcept;

// dh/dt = r Vm(x) / (A p)
[[nodiscard]] double growth_rate_m_per_s(const CellParams& p, double metal_rate_mol_per_s, double x_bi) noexcept;
// thickness of n moles of alloy x spread on the electrode: n Vm(x) / (A p)
[[nodiscard]] double thickness_m(const CellParams& p, double metal_mol, double x_bi) noexcept;
// areal mass, kg/m2
[[nodiscard]] double areal_mass_kg_per_m2(const CellParams& p, double metal_mol, double x_bi) noexcept;

// Mass balance of design.md for the cell's mode: feed q of B, film fraction x_film, metal rate r.
[[nodiscard]] BathRates bath_rates(const CellParams& p, const BathState& s, double feed_rate_m3_per_s,
                                   double x_film, double metal_rate_mol_per_s) noexcept;

// Forward Euler helper over dt (the caller picks dt small against the bath's time scales).
[[nodiscard]] BathState advance(const BathState& s, const BathRates& r, double dt_s) noexcept;

}  // namespace edc::model
