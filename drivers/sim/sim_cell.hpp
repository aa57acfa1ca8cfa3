#pragma once
// The simulated electrochemical cell shared by the simulated galvanostat and pump: the plant's
// own chemistry (plant_chemistry.hpp, independent of control/model: the bath, the electrode's
// surroundings lagging the bulk), delivered feed lagging the pump motor, the deposit as layers,
// and the electrode potential. Pure: no I/O, no threads; the caller advances it in simulated
// seconds. control/model's types appear only as plain numbers at the edges (a recipe's
// CellParams converted into a plant, the bath reported as a BathState).
#include <random>
#include <vector>

#include "control/model/cell_model.hpp"
#include "drivers/sim/plant_chemistry.hpp"

namespace edc::sim {

// Electrode kinetics for the potential the galvanostat reads (WE vs Ag/AgCl, 4-wire sense):
// E = E_eq(bath) + Tafel overpotential (asinh form, signed) + I R_u.
struct ElectrodeKinetics {
    double e0_bi_v_she = 0.32;
    double e0_sb_v_she = 0.21;
    double reference_v_she = 0.197;  // Ag/AgCl (3 M KCl)
    double temperature_k = 298.15;
    double tafel_slope_v_per_decade = 0.12;
    double exchange_current_a_per_m2 = 1.0;
    double uncompensated_resistance_ohm = 10.0;
    double pump_lag_s = 1.0;          // delivered flow behind the motor (syringe compliance)
    double layer_thickness_m = 1e-9;  // resolution of the recorded deposit profile
    double max_step_s = 0.01;         // integration step
    double current_noise_rel = 0.0;   // RMS of the source current's relative noise (design: 0.01)
    unsigned noise_seed = 1;          // fixed seed: runs repeat exactly
};

// What the galvanostat applies. Instrument sign: negative current is cathodic (deposits metal).
struct GalvanostatDrive {
    bool output_on = false;
    double current_a = 0.0;
    double compliance_v = 21.0;
};

struct ElectrodeReading {
    double potential_v = 0.0;  // WE vs reference
    double current_a = 0.0;    // actual current, instrument sign
    bool limited = false;      // the compliance voltage limits the current
};

struct DepositLayer {
    double metal_mol = 0.0;
    double x_bi = 0.0;  // mean Bi fraction of the layer
    double thickness_m = 0.0;
    double charge_c = 0.0;  // cathodic charge passed while the layer grew
};

// Everything the cell holds that a restart must keep (sim_state_file.hpp): the bath and the
// electrode's surroundings, the feed in flight, the counters and the film.
struct SimCellState {
    PlantBath::State bath;
    double delivered_rate_m3_per_s = 0.0;
    double fed_volume_m3 = 0.0;
    double time_s = 0.0;
    double charge_c = 0.0;
    double metal_mol = 0.0;
    double bi_mol = 0.0;
    std::vector<DepositLayer> layers;  // finished, substrate first
    DepositLayer growing;              // the layer still growing
};

// The recipe's numbers as a plant (the plant agrees with the recipe): plain numbers copied.
[[nodiscard]] PlantChemistry plant_from_cell_params(const model::CellParams& params);

class SimCell {
public:
    SimCell() : SimCell(PlantChemistry{}) {}
    explicit SimCell(PlantChemistry plant, const ElectrodeKinetics& kinetics = {});
    explicit SimCell(const model::CellParams& params, const ElectrodeKinetics& kinetics = {})
        : SimCell(plant_from_cell_params(params), kinetics) {}

    void set_drive(const GalvanostatDrive& drive) noexcept { drive_ = drive; }
    // Motor rate of the feed pump, m3/s of B pushed towards the cell (0 when stopped), as the
    // pump reckons it for the bore it was told.
    void set_feed_motor_rate(double q_m3_per_s) noexcept { motor_rate_ = q_m3_per_s; }
    // The same for a pump told the syringe's diameter is `told_diameter_m`: when the plant knows
    // the true bore, the cell receives the motor's displacement times (true / told)^2.
    void set_feed_motor_rate(double q_m3_per_s, double told_diameter_m) noexcept;
    // A pre-dilution bolus of B, mixed at once (the digital twin's start).
    void pour_feed(double volume_m3) noexcept;
    // Extra series resistance (a fault: a dry contact, a gas bubble): used by compliance-trip.
    void set_extra_resistance(double ohm) noexcept { extra_resistance_ = ohm; }

    // The cell as it stands, and the same put back (the plant and the kinetics stay this
    // cell's own; the galvanostat's drive and the pump's motor are set by their models).
    [[nodiscard]] SimCellState state() const;
    void restore(const SimCellState& state);

    // Integrates dt simulated seconds in steps of at most kinetics.max_step_s.
    void advance(double dt_s);

    [[nodiscard]] ElectrodeReading reading() const noexcept;
    // Equilibrium potential of the electrode's surroundings (V vs reference).
    [[nodiscard]] double equilibrium_potential_v() const noexcept;
    [[nodiscard]] double potential_at(double current_a) const noexcept;

    [[nodiscard]] const PlantChemistry& plant() const noexcept { return bath_.chemistry(); }
    [[nodiscard]] const PlantBath& plant_bath() const noexcept { return bath_; }
    // The bath as moles and volume (for snapshots and tests).
    [[nodiscard]] model::BathState bath() const noexcept;
    [[nodiscard]] model::Concentrations electrode_concentrations() const noexcept;
    [[nodiscard]] double delivered_flow_m3_per_s() const noexcept { return delivered_rate_; }
    [[nodiscard]] double fed_volume_m3() const noexcept { return fed_volume_; }
    [[nodiscard]] double time_s() const noexcept { return time_; }
    [[nodiscard]] double cathodic_charge_c() const noexcept { return charge_; }
    [[nodiscard]] double deposited_metal_mol() const noexcept { return metal_mol_; }
    [[nodiscard]] double deposited_bi_mol() const noexcept { return bi_mol_; }
    [[nodiscard]] double thickness_m() const noexcept;
    // Layers from the substrate up; the last one may still be growing.
    [[nodiscard]] std::vector<DepositLayer> layers() const;

private:
    void step(double dt);
    [[nodiscard]] double resistance_ohm() const noexcept {
        return kinetics_.uncompensated_resistance_ohm + extra_resistance_;
    }

    ElectrodeKinetics kinetics_;
    PlantBath bath_;
    GalvanostatDrive drive_;
    double motor_rate_ = 0.0;
    double delivered_rate_ = 0.0;
    double fed_volume_ = 0.0;
    double extra_resistance_ = 0.0;
    double time_ = 0.0;
    double charge_ = 0.0;
    double metal_mol_ = 0.0;
    double bi_mol_ = 0.0;
    std::vector<DepositLayer> layers_;
    DepositLayer growing_;
    std::mt19937 noise_rng_;
    std::normal_distribution<double> noise_{0.0, 1.0};
    double noise_factor_ = 1.0;  // redrawn every step
};

}  // namespace edc::sim
