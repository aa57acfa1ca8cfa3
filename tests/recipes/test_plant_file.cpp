// Plant files: every key optional, values in lab units, and every mistake named at its
// file:line:col.
#include <gtest/gtest.h>

#include <string>

#include "recipes/format/plant_file.hpp"

namespace edc::recipes {
namespace {

std::string error_of(std::string_view text) {
    auto r = parse_plant_file(text, "p.toml");
    EXPECT_FALSE(r.has_value()) << text;
    if (r) return {};
    EXPECT_EQ(r.error().code, "invalid_plant");
    return r.error().message;
}

TEST(PlantFile, ReadsTheIssuesExampleInSiUnits) {
    const auto p = parse_plant_file(R"([plant]
selectivity_k = 1.25
current_efficiency = 0.68
a = { Bi = "49 mM", Sb = "50 mM" }
b = { Bi = "0 mM", Sb = "49.5 mM" }
initial_volume = "20.4 mL"
mixing_time = "4 s"
syringe_diameter = "38.6 mm"
packing_fraction = 0.85
)",
                                    "p.toml");
    ASSERT_TRUE(p.has_value()) << p.error().message;
    ASSERT_EQ(p->selectivity.size(), 1U);
    EXPECT_DOUBLE_EQ(p->selectivity[0].k, 1.25);
    EXPECT_DOUBLE_EQ(*p->current_efficiency, 0.68);
    EXPECT_DOUBLE_EQ(p->bath_a->bi_mol_per_m3, 49.0);
    EXPECT_DOUBLE_EQ(p->bath_a->sb_mol_per_m3, 50.0);
    EXPECT_DOUBLE_EQ(p->feed_b->bi_mol_per_m3, 0.0);
    EXPECT_DOUBLE_EQ(p->feed_b->sb_mol_per_m3, 49.5);
    EXPECT_NEAR(*p->initial_volume_m3, 20.4e-6, 1e-18);
    EXPECT_DOUBLE_EQ(*p->mixing_time_s, 4.0);
    EXPECT_NEAR(*p->syringe_diameter_m, 38.6e-3, 1e-15);
    EXPECT_DOUBLE_EQ(*p->packing_fraction, 0.85);
    EXPECT_EQ(p->sha256.size(), 64U);
}

TEST(PlantFile, AbsentKeysStayAbsent) {
    const auto p = parse_plant_file("[plant]\ncurrent_efficiency = 0.7\n", "p.toml");
    ASSERT_TRUE(p.has_value()) << p.error().message;
    EXPECT_TRUE(p->selectivity.empty());
    EXPECT_FALSE(p->bath_a.has_value());
    EXPECT_FALSE(p->initial_volume_m3.has_value());
    EXPECT_FALSE(p->syringe_diameter_m.has_value());
}

TEST(PlantFile, ReadsASelectivityTable) {
    const auto p = parse_plant_file("[plant]\nselectivity_table = [[0.1, 1.4], [1.0, 1.1]]\n", "p.toml");
    ASSERT_TRUE(p.has_value()) << p.error().message;
    ASSERT_EQ(p->selectivity.size(), 2U);
    EXPECT_DOUBLE_EQ(p->selectivity[1].ratio, 1.0);
    EXPECT_DOUBLE_EQ(p->selectivity[1].k, 1.1);
}

TEST(PlantFile, UnknownKeyIsAnErrorAtItsPosition) {
    const auto m = error_of("[plant]\ncurrent_efficiency = 0.7\n  selectivity = 1.2\n");
    EXPECT_EQ(m.rfind("p.toml:3:3: unknown key \"selectivity\" in [plant]", 0), 0U) << m;
}

TEST(PlantFile, UnknownSectionIsAnError) {
    const auto m = error_of("[plant]\n[chemistry]\nselectivity_k = 1\n");
    EXPECT_EQ(m.rfind("p.toml:2:", 0), 0U) << m;
    EXPECT_NE(m.find("unknown section"), std::string::npos) << m;
}

TEST(PlantFile, BadUnitIsAnErrorAtTheValue) {
    const auto m = error_of("[plant]\ninitial_volume = \"20 mM\"\n");
    EXPECT_EQ(m.rfind("p.toml:2:18: plant.initial_volume:", 0), 0U) << m;
}

TEST(PlantFile, NumberWithoutUnitIsAnError) {
    const auto m = error_of("[plant]\nmixing_time = 4\n");
    EXPECT_EQ(m.rfind("p.toml:2:15: plant.mixing_time is a number without a unit", 0), 0U) << m;
}

TEST(PlantFile, NonPositiveSelectivityIsAnError) {
    const auto m = error_of("[plant]\n\nselectivity_k = 0\n");
    EXPECT_EQ(m.rfind("p.toml:3:17: plant.selectivity_k = 0 is out of range", 0), 0U) << m;
}

TEST(PlantFile, TableRatiosMustIncrease) {
    const auto m = error_of("[plant]\nselectivity_table = [[0.5, 1.2], [0.5, 1.1]]\n");
    EXPECT_EQ(m.rfind("p.toml:2:34: plant.selectivity_table ratio 0.5 does not increase", 0), 0U) << m;
}

TEST(PlantFile, BothKAndTableIsAnError) {
    const auto m = error_of("[plant]\nselectivity_k = 1.2\nselectivity_table = [[0.5, 1.2]]\n");
    EXPECT_NE(m.find("both selectivity_k and selectivity_table"), std::string::npos) << m;
}

TEST(PlantFile, EfficiencyAboveOneIsAnError) {
    const auto m = error_of("[plant]\ncurrent_efficiency = 1.2\n");
    EXPECT_EQ(m.rfind("p.toml:2:22: plant.current_efficiency = 1.2 is out of range", 0), 0U) << m;
}

TEST(PlantFile, BathWithAnUnknownMetalIsAnError) {
    const auto m = error_of("[plant]\na = { Bi = \"49 mM\", Cu = \"1 mM\" }\n");
    EXPECT_EQ(m.rfind("p.toml:2:21: unknown key \"Cu\" in [plant.a]", 0), 0U) << m;
}

TEST(PlantFile, MissingPlantSectionIsAnError) {
    const auto m = error_of("# nothing\n");
    EXPECT_NE(m.find("missing section [plant]"), std::string::npos) << m;
}

TEST(PlantFile, SyntaxErrorNamesItsLine) {
    const auto m = error_of("[plant]\nselectivity_k = = 1\n");
    EXPECT_EQ(m.rfind("p.toml:2:", 0), 0U) << m;
}

TEST(PlantFile, MissingFileIsAnError) {
    const auto r = load_plant_file("/nonexistent/plant.toml");
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace edc::recipes
