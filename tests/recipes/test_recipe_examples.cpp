// The shipped examples parse, and their values equal the hand conversion of what they say.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "recipes/format/recipe.hpp"
#include "recipes/format/sha256.hpp"
#include "edc/test_source_dir.hpp"

using edc::recipes::load_recipe;
using edc::recipes::Recipe;

namespace {

std::filesystem::path examples_dir() {
    return std::filesystem::path(EDC_SOURCE_DIR) / "recipes" / "examples";
}

Recipe load(const char* name) {
    const auto path = (examples_dir() / name).string();
    auto r = load_recipe(path);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r.value_or(Recipe{});
}

std::string file_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST(RecipeExamples, EveryExampleParses) {
    int count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(examples_dir())) {
        if (entry.path().extension() != ".toml") continue;
        auto r = load_recipe(entry.path().string());
        EXPECT_TRUE(r.has_value()) << entry.path() << ": " << (r ? "" : r.error().message);
        ++count;
    }
    EXPECT_GE(count, 3);
}

TEST(RecipeExamples, GradedFilmMatchesThePaper) {
    const Recipe r = load("g-bi033sb067.toml");
    EXPECT_EQ(r.name, "g-bi033sb067");
    const auto& chem = r.plan.cell.chemistry;
    EXPECT_DOUBLE_EQ(chem.bath_a.bi_mol_per_m3, 50.0);
    EXPECT_DOUBLE_EQ(chem.bath_a.sb_mol_per_m3, 50.0);
    EXPECT_DOUBLE_EQ(chem.feed_b.bi_mol_per_m3, 0.0);
    EXPECT_DOUBLE_EQ(chem.feed_b.sb_mol_per_m3, 50.0);
    EXPECT_DOUBLE_EQ(chem.selectivity.k_at(1.0), 1.0);
    EXPECT_DOUBLE_EQ(chem.current_efficiency, 0.725);
    EXPECT_DOUBLE_EQ(chem.packing_fraction, 0.868);
    const auto& cell = r.plan.cell.cell;
    EXPECT_EQ(cell.mode, edc::model::CellMode::growing);
    EXPECT_DOUBLE_EQ(cell.initial_volume_m3, 20e-6);
    EXPECT_DOUBLE_EQ(cell.max_volume_m3, 150e-6);
    EXPECT_DOUBLE_EQ(cell.electrode_area_m2, 1e-4);
    EXPECT_DOUBLE_EQ(cell.mixing_time_s, 3.0);
    EXPECT_EQ(r.galvanostat.model, edc::recipes::GalvanostatModel::keithley_2400);
    EXPECT_EQ(r.galvanostat.port, "/dev/edc-galvanostat");
    EXPECT_DOUBLE_EQ(r.galvanostat.compliance_v, 10.0);
    EXPECT_EQ(r.galvanostat.baud, 9600);
    EXPECT_DOUBLE_EQ(r.galvanostat.current_range_a, 10e-3);  // 5.7 mA fits the 10 mA range
    EXPECT_FALSE(r.galvanostat.potential_limit_v.has_value());
    ASSERT_TRUE(r.pump.has_value());
    EXPECT_EQ(r.pump->model, edc::recipes::PumpModel::ne_1000);
    EXPECT_EQ(r.pump->port, "/dev/edc-pump");
    EXPECT_DOUBLE_EQ(r.pump->syringe_diameter_m, 38.4e-3);
    EXPECT_DOUBLE_EQ(r.pump->syringe_volume_m3, 140e-6);
    EXPECT_DOUBLE_EQ(r.pump->max_rate_m3_per_s, 100e-6 / 60.0);
    EXPECT_EQ(r.pump->baud, 19200);
    EXPECT_TRUE(r.plan.pump.present);
    EXPECT_DOUBLE_EQ(r.plan.pump.max_rate_m3_per_s, 100e-6 / 60.0);
    EXPECT_DOUBLE_EQ(r.plan.pump.syringe_volume_m3, 140e-6);
    EXPECT_DOUBLE_EQ(r.plan.deposit.current_density_a_per_m2, 57.0);
    EXPECT_EQ(r.plan.deposit.basis, edc::plan::DepositBasis::duration);
    EXPECT_DOUBLE_EQ(r.plan.deposit.duration_s, 200.0);
    ASSERT_EQ(r.plan.deposit.profile.size(), 2U);
    EXPECT_DOUBLE_EQ(r.plan.deposit.profile[0].depth_fraction, 0.0);
    EXPECT_DOUBLE_EQ(r.plan.deposit.profile[0].x_bi, 0.50);
    EXPECT_DOUBLE_EQ(r.plan.deposit.profile[1].depth_fraction, 1.0);
    EXPECT_DOUBLE_EQ(r.plan.deposit.profile[1].x_bi, 0.16);
    EXPECT_DOUBLE_EQ(r.current_a(), 5.7e-3);
    EXPECT_FALSE(r.plan.transport.has_value());
}

TEST(RecipeExamples, SolidSolutionHasNoPump) {
    const Recipe r = load("s-bi033sb067.toml");
    EXPECT_DOUBLE_EQ(r.plan.cell.chemistry.bath_a.bi_mol_per_m3, 25.0);
    EXPECT_DOUBLE_EQ(r.plan.cell.chemistry.bath_a.sb_mol_per_m3, 50.0);
    EXPECT_DOUBLE_EQ(r.plan.cell.chemistry.selectivity.k_at(0.5), 0.98508);
    // The bath alone deposits at least the profile's 0.33 (no feed can raise x_Bi):
    // x = kR/(1+kR) with R = 25/50.
    const double kr = 0.98508 * 0.5;
    EXPECT_GE(kr / (1.0 + kr), 0.33);
    EXPECT_NEAR(kr / (1.0 + kr), 0.33, 1e-5);
    EXPECT_FALSE(r.pump.has_value());
    EXPECT_FALSE(r.plan.pump.present);
    for (const auto& p : r.plan.deposit.profile) EXPECT_DOUBLE_EQ(p.x_bi, 0.33);
}

TEST(RecipeExamples, OverflowExampleHasAPlateauAndDefaults) {
    const Recipe r = load("overflow-three-step.toml");
    EXPECT_EQ(r.plan.cell.cell.mode, edc::model::CellMode::overflow);
    EXPECT_DOUBLE_EQ(r.plan.cell.cell.max_volume_m3, r.plan.cell.cell.initial_volume_m3);
    EXPECT_EQ(r.plan.deposit.basis, edc::plan::DepositBasis::charge);
    EXPECT_DOUBLE_EQ(r.plan.deposit.charge_c_per_m2, 11400.0);  // 1.14 C/cm2
    ASSERT_GE(r.plan.deposit.profile.size(), 3U);
    ASSERT_TRUE(r.plan.transport.has_value());
    EXPECT_DOUBLE_EQ(r.plan.transport->diffusion_bi_m2_per_s, 1e-9);  // 1e-5 cm2/s
    EXPECT_DOUBLE_EQ(r.plan.transport->diffusion_sb_m2_per_s, 1e-9);
    EXPECT_DOUBLE_EQ(r.plan.transport->boundary_layer_m, 50e-6);
    ASSERT_TRUE(r.galvanostat.potential_limit_v.has_value());
    EXPECT_DOUBLE_EQ(*r.galvanostat.potential_limit_v, 5.0);
    ASSERT_TRUE(r.pump.has_value());
    EXPECT_DOUBLE_EQ(r.pump->safe_mode_timeout_s, 5.0);
}

TEST(RecipeExamples, TextIsKeptVerbatimWithItsHash) {
    const auto path = examples_dir() / "g-bi033sb067.toml";
    const Recipe r = load("g-bi033sb067.toml");
    const std::string text = file_text(path);
    EXPECT_EQ(r.text, text);
    EXPECT_EQ(r.sha256, edc::recipes::sha256_hex(text));
    EXPECT_EQ(r.sha256.size(), 64U);
    EXPECT_EQ(r.source_path, path.string());
}

TEST(RecipeExamples, ParsingTheKeptTextGivesTheSameRecipe) {
    const Recipe a = load("overflow-three-step.toml");
    auto b = edc::recipes::parse_recipe(a.text, "again.toml");
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->sha256, a.sha256);
    EXPECT_EQ(b->plan.deposit.profile.size(), a.plan.deposit.profile.size());
    EXPECT_DOUBLE_EQ(b->plan.cell.chemistry.bath_a.bi_mol_per_m3, a.plan.cell.chemistry.bath_a.bi_mol_per_m3);
}

TEST(RecipeExamples, MissingFileIsAnError) {
    auto r = load_recipe("/nonexistent/edc/recipe.toml");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, "invalid_recipe");
    EXPECT_EQ(r.error().message, "/nonexistent/edc/recipe.toml: cannot open the recipe file: No such file or directory");
    EXPECT_EQ(r.error().where, "/nonexistent/edc/recipe.toml");
}

TEST(RecipeExamples, DirectoryIsNotARecipe) {
    auto r = load_recipe(examples_dir().string());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().message, examples_dir().string() + ": is a directory; expected a recipe file");
}

TEST(RecipeExamples, EmStat4ExampleNamesItsModelBaudAndTenMilliampRange) {
    const auto r = load("g-bi033sb067-emstat4.toml");
    EXPECT_EQ(r.galvanostat.model, edc::recipes::GalvanostatModel::palmsens_emstat4);
    EXPECT_EQ(r.galvanostat.baud, 921600);                  // the MethodSCRIPT examples' EmStat4 rate
    EXPECT_DOUBLE_EQ(r.galvanostat.current_range_a, 0.01);  // 5.7 mA: the 10 mA range
    EXPECT_FALSE(edc::recipes::galvanostat_on_lan(r.galvanostat.model));
}

TEST(RecipeExamples, PaperRecipeOnAnEmStatPicoIsRefusedForItsThreeMilliamps) {
    auto text = file_text(examples_dir() / "g-bi033sb067-emstat4.toml");
    const auto at = text.find("palmsens-emstat4");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 16, "palmsens-emstat-pico");
    text.replace(text.find("compliance = \"8 V\""), 18, "compliance = \"5 V\"");
    const auto r = edc::recipes::parse_recipe(text, "pico.toml");
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("sources at most 0.003 A"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("0.0057 A"), std::string::npos) << r.error().message;
}
