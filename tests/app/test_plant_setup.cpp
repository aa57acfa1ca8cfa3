// A plant is the recipe's cell with the plant file's keys applied, and nothing else changed.
#include <gtest/gtest.h>

#include "app/sim/plant_setup.hpp"
#include "drivers/sim/sim_host.hpp"

namespace edc::app {
namespace {

TEST(PlantSetup, WithoutAFileThePlantIsTheRecipesCell) {
    auto recipe = sim::paper_cell_params();
    recipe.chemistry.selectivity = model::Selectivity::constant(1.1);
    recipe.cell.mode = model::CellMode::overflow;
    const auto p = make_plant(recipe, nullptr);
    ASSERT_EQ(p.selectivity.size(), 1U);
    EXPECT_EQ(p.selectivity[0].k, 1.1);
    EXPECT_EQ(p.current_efficiency, 0.725);
    EXPECT_EQ(p.packing_fraction, 0.868);
    EXPECT_EQ(p.a_bi_mol_per_m3, 50.0);
    EXPECT_EQ(p.b_bi_mol_per_m3, 0.0);
    EXPECT_EQ(p.initial_volume_m3, 20e-6);
    EXPECT_EQ(p.mixing_time_s, 3.0);
    EXPECT_EQ(p.electrode_area_m2, 1e-4);
    EXPECT_EQ(p.mode, sim::PlantCellMode::overflow);
    EXPECT_EQ(p.syringe_diameter_m, 0.0);  // the pump's own bore
}

TEST(PlantSetup, EveryKeyTheFileSetsOverridesTheRecipeAndOnlyThose) {
    const auto file = recipes::parse_plant_file(R"([plant]
selectivity_table = [[0.2, 1.3], [1.0, 1.2]]
current_efficiency = 0.68
a = { Bi = "49 mM", Sb = "51 mM" }
initial_volume = "20.4 mL"
mixing_time = "4 s"
syringe_diameter = "38.6 mm"
)",
                                                "p.toml");
    ASSERT_TRUE(file.has_value()) << file.error().message;
    const auto p = make_plant(sim::paper_cell_params(), &*file);
    ASSERT_EQ(p.selectivity.size(), 2U);
    EXPECT_EQ(p.selectivity[0].ratio, 0.2);
    EXPECT_EQ(p.selectivity[1].k, 1.2);
    EXPECT_EQ(p.current_efficiency, 0.68);
    EXPECT_EQ(p.a_bi_mol_per_m3, 49.0);
    EXPECT_EQ(p.a_sb_mol_per_m3, 51.0);
    EXPECT_EQ(p.b_sb_mol_per_m3, 50.0);  // b not in the file: the recipe's
    EXPECT_NEAR(p.initial_volume_m3, 20.4e-6, 1e-18);
    EXPECT_EQ(p.mixing_time_s, 4.0);
    EXPECT_NEAR(p.syringe_diameter_m, 38.6e-3, 1e-15);
    EXPECT_EQ(p.packing_fraction, 0.868);  // not in the file
}

TEST(PlantSetup, ProvenanceIsPathHashAndVerbatimText) {
    const auto file = recipes::parse_plant_file("[plant]\nselectivity_k = 1.25\n", "k.toml");
    ASSERT_TRUE(file.has_value());
    // printf '[plant]\nselectivity_k = 1.25\n' | sha256sum
    EXPECT_EQ(plant_provenance_text(*file),
              "k.toml sha256 "
              "8fa32b31ccd8d1bd6a61dd09a4fb7b039196a7b7a2f8ae4dde5458f18e56dbf3\n[plant]\nselectivity_k = "
              "1.25\n");
}

}  // namespace
}  // namespace edc::app
