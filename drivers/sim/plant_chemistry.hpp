#pragma once
// The simulated world's chemistry: a second implementation of design.md section 2, written
// apart from control/model so closed-loop tests compare the controller against an independent
// truth. Its own formulation: the bath is a volume and two concentrations, the electrode's
// concentrations lag the bulk inside the same state, and one classical Runge-Kutta step
// integrates all of it (the controller's model keeps moles and steps forward Euler).
// SI units throughout (mol/m3, m3, m2, A, s). Pure: no I/O, no threads.
#include <vector>

namespace edc::sim {

enum class PlantCellMode {
    growing,   // B poured into A, no outflow
    overflow,  // constant volume: bath leaves at its own composition as B enters
};

struct PlantSelectivityPoint {
    double ratio;  // c_Bi / c_Sb at the electrode
    double k;
};

struct PlantMetal {
    double molar_mass_kg_per_mol;
    double molar_volume_m3_per_mol;
};

// What the simulated cell really is. Defaults: the paper's bath (design.md section 1).
struct PlantChemistry {
    // One point: a constant k. Several: k(ratio), linear between points, flat beyond the ends.
    std::vector<PlantSelectivityPoint> selectivity{{1.0, 1.0}};
    double current_efficiency = 0.725;
    double a_bi_mol_per_m3 = 50.0;  // bath A, what the cell starts with
    double a_sb_mol_per_m3 = 50.0;
    double b_bi_mol_per_m3 = 0.0;  // feed B, what the syringe holds
    double b_sb_mol_per_m3 = 50.0;
    double initial_volume_m3 = 20e-6;
    double mixing_time_s = 3.0;  // electrode follows the bulk with this first-order lag
    double packing_fraction = 0.868;
    double electrode_area_m2 = 1e-4;
    int electrons = 3;
    PlantMetal bi{208.98e-3, 21.3e-6};
    PlantMetal sb{121.76e-3, 18.2e-6};
    PlantCellMode mode = PlantCellMode::growing;
    // The syringe's true bore; 0: what the pump was told. The pump counts volume for the bore
    // it was told, the cell receives the motor's displacement times (true / told)^2.
    double syringe_diameter_m = 0.0;
};

// k at a concentration ratio (c_Bi / c_Sb), from the constant or the table.
[[nodiscard]] double plant_selectivity(const PlantChemistry& p, double ratio) noexcept;
// Bi fraction deposited from these electrode concentrations: x/(1-x) = k c_Bi/c_Sb.
[[nodiscard]] double plant_film_x_bi(const PlantChemistry& p, double c_bi, double c_sb) noexcept;
// Metal atoms reduced per second by a cathodic current (A, positive deposits): eta I / (z F).
[[nodiscard]] double plant_metal_rate_mol_per_s(const PlantChemistry& p, double cathodic_a) noexcept;
// Thickness of n moles of Bi(x)Sb(1-x) on the electrode: n (x Vm_Bi + (1-x) Vm_Sb) / (A p).
[[nodiscard]] double plant_layer_thickness_m(const PlantChemistry& p, double metal_mol, double x_bi) noexcept;

// The bath and the electrode's surroundings. advance() integrates one step with RK4, holding
// the feed rate and the metal deposition rate constant over it.
class PlantBath {
public:
    explicit PlantBath(PlantChemistry chemistry);
    [[nodiscard]] const PlantChemistry& chemistry() const noexcept { return chem_; }

    // Pours `volume_m3` of B in at once (a pre-dilution bolus), mixed at once into the bulk
    // and the electrode's surroundings alike. Overflow mode: the same volume leaves, mixed.
    void pour(double volume_m3) noexcept;
    // One step: feed q (m3/s of B), metal deposition r (mol/s). Returns the Bi moles deposited.
    double advance(double dt_s, double feed_m3_per_s, double metal_mol_per_s) noexcept;

    [[nodiscard]] double volume_m3() const noexcept { return s_.volume; }
    [[nodiscard]] double bulk_bi_mol_per_m3() const noexcept { return s_.bulk_bi; }
    [[nodiscard]] double bulk_sb_mol_per_m3() const noexcept { return s_.bulk_sb; }
    [[nodiscard]] double electrode_bi_mol_per_m3() const noexcept { return s_.electrode_bi; }
    [[nodiscard]] double electrode_sb_mol_per_m3() const noexcept { return s_.electrode_sb; }
    // Bi fraction of what deposits now, from the electrode's surroundings.
    [[nodiscard]] double film_x_bi() const noexcept;

    struct State {
        double volume = 0.0;
        double bulk_bi = 0.0;
        double bulk_sb = 0.0;
        double electrode_bi = 0.0;
        double electrode_sb = 0.0;
        double deposited_bi = 0.0;  // mol, accumulated within a step
    };
    // The whole state, and the same put back (a restarted simulator, sim_state_file.hpp).
    [[nodiscard]] const State& state() const noexcept { return s_; }
    void restore(const State& s) noexcept { s_ = s; }

private:
    [[nodiscard]] State rates(const State& s, double q, double r) const noexcept;

    PlantChemistry chem_;
    State s_;
};

}  // namespace edc::sim
