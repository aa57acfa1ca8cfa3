#include "app/sim/plant_setup.hpp"

#include "drivers/sim/sim_cell.hpp"

namespace edc::app {

sim::PlantChemistry make_plant(const model::CellParams& recipe, const recipes::PlantFile* file) {
    sim::PlantChemistry p = sim::plant_from_cell_params(recipe);
    if (file == nullptr) return p;
    if (!file->selectivity.empty()) {
        p.selectivity.clear();
        for (const auto& pt : file->selectivity) p.selectivity.push_back({pt.ratio, pt.k});
    }
    if (file->current_efficiency) p.current_efficiency = *file->current_efficiency;
    if (file->bath_a) {
        p.a_bi_mol_per_m3 = file->bath_a->bi_mol_per_m3;
        p.a_sb_mol_per_m3 = file->bath_a->sb_mol_per_m3;
    }
    if (file->feed_b) {
        p.b_bi_mol_per_m3 = file->feed_b->bi_mol_per_m3;
        p.b_sb_mol_per_m3 = file->feed_b->sb_mol_per_m3;
    }
    if (file->initial_volume_m3) p.initial_volume_m3 = *file->initial_volume_m3;
    if (file->mixing_time_s) p.mixing_time_s = *file->mixing_time_s;
    if (file->syringe_diameter_m) p.syringe_diameter_m = *file->syringe_diameter_m;
    if (file->packing_fraction) p.packing_fraction = *file->packing_fraction;
    return p;
}

std::string plant_provenance_text(const recipes::PlantFile& file) {
    return file.source_path + " sha256 " + file.sha256 + "\n" + file.text;
}

}  // namespace edc::app
