// Every class of recipe error, each at the line:col computed by hand from the inline TOML
// (recipe_text.hpp numbers the base recipe's lines; columns are counted from 1 in the line).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "recipes/format/recipe.hpp"
#include "edc/test_source_dir.hpp"
#include "tests/recipes/recipe_text.hpp"

using edc::recipes::parse_recipe;
using edc::recipes::test::base_text;
using edc::recipes::test::with_line;

namespace {

// Returns "where | message" of the error, or "OK" when the text parses.
std::string error_of(const std::string& text) {
    auto r = parse_recipe(text, "r.toml");
    if (r) return "OK";
    EXPECT_EQ(r.error().code, "invalid_recipe");
    EXPECT_EQ(r.error().message.rfind(r.error().where + ": ", 0), 0U) << "message must start with where";
    return r.error().where + " | " + r.error().message.substr(r.error().where.size() + 2);
}

}  // namespace

TEST(RecipeErrors, BaseRecipeIsValid) { EXPECT_EQ(error_of(base_text()), "OK"); }

TEST(RecipeErrors, SyntaxErrorPointsAtTheBrokenToken) {
    // 'initial_volume = "20 mL' : the string runs into the end of line 13, column 24.
    const auto e = error_of(with_line(13, "initial_volume = \"20 mL"));
    EXPECT_EQ(e.substr(0, e.find(" | ")), "r.toml:13:24");
    EXPECT_NE(e.find("TOML syntax error"), std::string::npos) << e;
}

TEST(RecipeErrors, DuplicateKeyIsASyntaxErrorAtTheSecondKey) {
    // line 14 becomes a second initial_volume; toml++ flags its value at column 18
    const auto e = error_of(with_line(14, "initial_volume = \"20 mL\""));
    EXPECT_EQ(e.substr(0, e.find(" | ")), "r.toml:14:18");
}

TEST(RecipeErrors, UnknownKeyIsReportedAtTheKey) {
    EXPECT_EQ(error_of(with_line(13, "inital_volume = \"20 mL\"")),
              "r.toml:13:1 | unknown key \"inital_volume\" in [cell]; expected one of: mode, initial_volume, "
              "max_volume, electrode_area, mixing_time");
}

TEST(RecipeErrors, UnknownSectionIsReportedInsideItsBrackets) {
    EXPECT_EQ(error_of(with_line(23, "[pumps]")),
              "r.toml:23:2 | unknown section \"pumps\"; expected one of: recipe, chemistry, cell, galvanostat, pump, "
              "deposit, transport");
}

TEST(RecipeErrors, UnknownKeyInsideInlineTable) {
    // a = { Bi = "50 mM", Sn = "50 mM" }: 'S' of Sn is character 21
    EXPECT_EQ(error_of(with_line(5, "a = { Bi = \"50 mM\", Sn = \"50 mM\" }")),
              "r.toml:5:21 | unknown key \"Sn\" in [chemistry.a]; expected one of: Bi, Sb");
}

TEST(RecipeErrors, NumberWithoutUnitIsReportedAtTheValue) {
    // 'initial_volume = ' is 17 characters: the value starts at column 18
    EXPECT_EQ(error_of(with_line(13, "initial_volume = 20")),
              "r.toml:13:18 | cell.initial_volume is a number without a unit; expected a string with a unit, such as "
              "\"20 mL\"");
}

TEST(RecipeErrors, WrongTypeIsReportedAtTheValue) {
    EXPECT_EQ(error_of(with_line(7, "selectivity_k = \"1.0\"")),
              "r.toml:7:17 | chemistry.selectivity_k is a string; expected a positive number such as 1.0");
    EXPECT_EQ(error_of(with_line(5, "a = \"50 mM\"")),
              "r.toml:5:5 | chemistry.a is a string; expected an inline table such as { Bi = \"50 mM\", Sb = \"50 mM\" }");
}

TEST(RecipeErrors, NonFiniteNumberIsRefused) {
    EXPECT_EQ(error_of(with_line(7, "selectivity_k = nan")),
              "r.toml:7:17 | chemistry.selectivity_k is not finite; expected a positive number such as 1.0");
    EXPECT_EQ(error_of(with_line(8, "current_efficiency = inf")).substr(0, 18), "r.toml:8:22 | chem");
}

TEST(RecipeErrors, MissingKeyIsReportedAtItsSectionHeader) {
    EXPECT_EQ(error_of(with_line(14, "")),
              "r.toml:11:1 | missing key \"max_volume\" in [cell]; expected a volume such as \"20 mL\"");
    EXPECT_EQ(error_of(with_line(2, "")),
              "r.toml:1:1 | missing key \"name\" in [recipe]; expected the recipe's name as a string");
}

TEST(RecipeErrors, MissingSectionIsReportedAtTheStart) {
    auto lines = edc::recipes::test::base_lines();
    lines.resize(29);  // drop [deposit]
    EXPECT_EQ(error_of(edc::recipes::test::join(lines)),
              "r.toml:1:1 | missing section [deposit]; expected current density, duration/charge/thickness, profile");
}

TEST(RecipeErrors, WrongDimensionSaysWhatWasExpected) {
    // 'max_rate = ' is 11 characters
    EXPECT_EQ(error_of(with_line(28, "max_rate = \"60 mL\"")),
              "r.toml:28:12 | pump.max_rate: \"60 mL\" is a volume; expected a volume rate in mL/min, uL/min, mL/h, "
              "uL/h, mL/s, uL/s, m3/s, such as \"100 mL/min\"");
}

TEST(RecipeErrors, UnknownUnitInsideInlineTable) {
    // a = { Bi = "50 mMol" ...: the string starts at column 12
    EXPECT_EQ(error_of(with_line(5, "a = { Bi = \"50 mMol\", Sb = \"50 mM\" }")),
              "r.toml:5:12 | chemistry.a.Bi: \"50 mMol\": unknown unit \"mMol\"; expected a concentration in M, mM, uM, "
              "mol/L, mmol/L, mol/m3, such as \"50 mM\"");
}

TEST(RecipeErrors, NegativeVolumeIsOutOfRange) {
    EXPECT_EQ(error_of(with_line(13, "initial_volume = \"-20 mL\"")),
              "r.toml:13:18 | cell.initial_volume = \"-20 mL\" is out of range; expected a volume above 0 and at most "
              "10 L");
}

TEST(RecipeErrors, NegativeConcentrationIsOutOfRange) {
    // b = { Bi = "-1 mM" ...: the string starts at column 12
    EXPECT_EQ(error_of(with_line(6, "b = { Bi = \"-1 mM\", Sb = \"50 mM\" }")),
              "r.toml:6:12 | chemistry.b.Bi = \"-1 mM\" is out of range; expected 0 to 5 M");
}

TEST(RecipeErrors, EfficiencyOutsideZeroToOneIsRefused) {
    // 'current_efficiency = ' is 21 characters
    EXPECT_EQ(error_of(with_line(8, "current_efficiency = 1.2")),
              "r.toml:8:22 | chemistry.current_efficiency = 1.2 is out of range; expected a fraction in (0, 1]");
    EXPECT_EQ(error_of(with_line(8, "current_efficiency = 0")),
              "r.toml:8:22 | chemistry.current_efficiency = 0 is out of range; expected a fraction in (0, 1]");
    EXPECT_EQ(error_of(with_line(8, "current_efficiency = 1")), "OK");
}

TEST(RecipeErrors, PackingFractionOutsideZeroToOneIsRefused) {
    // 'packing_fraction = ' is 19 characters
    EXPECT_EQ(error_of(with_line(9, "packing_fraction = 0.0")),
              "r.toml:9:20 | chemistry.packing_fraction = 0 is out of range; expected a fraction in (0, 1]");
    EXPECT_EQ(error_of(with_line(9, "packing_fraction = 1.01")).substr(0, 13), "r.toml:9:20 |");
}

TEST(RecipeErrors, MaxVolumeBelowInitialVolumeIsRefused) {
    EXPECT_EQ(error_of(with_line(14, "max_volume = \"10 mL\"")),
              "r.toml:14:14 | cell.max_volume (10 mL) is below cell.initial_volume (20 mL); expected max_volume >= "
              "initial_volume");
}

TEST(RecipeErrors, CellModeMustBeKnown) {
    EXPECT_EQ(error_of(with_line(12, "mode = \"batch\"")),
              "r.toml:12:8 | cell.mode \"batch\" is not a cell mode; expected \"growing\" or \"overflow\"");
}

TEST(RecipeErrors, ExactlyOneOfDurationChargeThickness) {
    // charge lands on line 33; 'charge = ' is 9 characters
    EXPECT_EQ(error_of(with_line(32, "duration = \"200 s\"\ncharge = \"1 C/cm2\"")),
              "r.toml:33:10 | deposit has more than one of duration, charge, thickness; expected exactly one");
    EXPECT_EQ(error_of(with_line(32, "")),
              "r.toml:30:1 | deposit has none of duration, charge, thickness; expected exactly one, such as duration "
              "= \"200 s\"");
    EXPECT_EQ(error_of(with_line(32, "thickness = \"630 nm\"")), "OK");
}

TEST(RecipeErrors, ProfileEntriesMustBePairs) {
    // profile = [[0.0, 0.50], [1.0]]: the second entry opens at column 25
    EXPECT_EQ(error_of(with_line(33, "profile = [[0.0, 0.50], [1.0]]")),
              "r.toml:33:25 | deposit.profile entry is not a pair of finite numbers; expected [depth fraction, x_Bi] "
              "such as [0.0, 0.50]");
    // profile = [0.5, 0.16]: the first entry is the number at column 12
    EXPECT_EQ(error_of(with_line(33, "profile = [0.5, 0.16]")).substr(0, 14), "r.toml:33:12 |");
    EXPECT_EQ(error_of(with_line(33, "profile = \"0.5\"")),
              "r.toml:33:11 | deposit.profile is a string; expected an array of [depth fraction, x_Bi] pairs");
}

TEST(RecipeErrors, ProfileDepthsMustRunFromZeroToOneIncreasing) {
    // [[0.0, 0.5], [0.0, 0.4], ...: the second depth is at column 25
    EXPECT_EQ(error_of(with_line(33, "profile = [[0.0, 0.5], [0.0, 0.4], [1.0, 0.16]]")),
              "r.toml:33:25 | deposit.profile depth 0 does not increase; expected depths in strictly increasing order");
    EXPECT_EQ(error_of(with_line(33, "profile = [[0.1, 0.5], [1.0, 0.16]]")),
              "r.toml:33:13 | deposit.profile starts at depth 0.1; expected the first point at depth 0.0 (substrate)");
    // [[0.0, 0.5], [0.9, 0.16]]: the last entry opens at column 24
    EXPECT_EQ(error_of(with_line(33, "profile = [[0.0, 0.5], [0.9, 0.16]]")),
              "r.toml:33:24 | deposit.profile ends at depth 0.9; expected the last point at depth 1.0 (top)");
    EXPECT_EQ(error_of(with_line(33, "profile = [[0.0, 0.5]]")),
              "r.toml:33:11 | deposit.profile has 1 point; expected at least 2, from depth 0.0 (substrate) to 1.0 (top)");
}

TEST(RecipeErrors, ProfileFractionMustBeWithinZeroAndOne) {
    EXPECT_EQ(error_of(with_line(33, "profile = [[0.0, 1.5], [1.0, 0.16]]")),
              "r.toml:33:18 | deposit.profile x_Bi 1.5 is out of range; expected a Bi fraction from 0.0 to 1.0");
}

TEST(RecipeErrors, ProfileOverTenThousandPointsIsRefused) {
    auto profile = [](std::size_t n) {
        std::string p = "profile = [";
        for (std::size_t i = 0; i < n; ++i) {
            // appended piecewise: GCC 12 warns falsely (-Wrestrict) on chained string operator+
            p += '[';
            p += std::to_string(static_cast<double>(i) / static_cast<double>(n - 1));
            p += ", 0.3],";
        }
        p += "]";
        return p;
    };
    EXPECT_EQ(error_of(with_line(33, profile(10001))),
              "r.toml:33:11 | deposit.profile has 10001 points; expected at most 10000");
    EXPECT_EQ(error_of(with_line(33, profile(10000))), "OK");
}

TEST(RecipeErrors, FileOverOneMebibyteIsRefused) {
    const std::string text = base_text() + "# " + std::string(std::size_t{1024} * 1024, 'x') + "\n";
    auto r = parse_recipe(text, "big.toml");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, "invalid_recipe");
    EXPECT_EQ(r.error().where, "big.toml");
    EXPECT_EQ(r.error().message, "big.toml: recipe is " + std::to_string(text.size()) +
                                     " bytes; expected at most 1048576 (1 MiB)");
}

TEST(RecipeErrors, SelectivityNeedsExactlyOneForm) {
    // selectivity_table on line 8; 'selectivity_table = ' is 20 characters
    EXPECT_EQ(error_of(with_line(7, "selectivity_k = 1.0\nselectivity_table = [[0.5, 1.0]]")),
              "r.toml:8:21 | chemistry has both selectivity_k and selectivity_table; expected one of them");
    EXPECT_EQ(error_of(with_line(7, "")),
              "r.toml:4:1 | chemistry needs selectivity_k (a number, e.g. 1.0) or selectivity_table ([[c_Bi/c_Sb, k], "
              "...])");
}

TEST(RecipeErrors, SelectivityTableIsBoundedAndOrdered) {
    std::string table = "selectivity_table = [";
    for (int i = 1; i <= 17; ++i) {
        table += '[';
        table += std::to_string(i);
        table += ", 1.0],";
    }
    table += "]";
    EXPECT_EQ(error_of(with_line(7, table)),
              "r.toml:7:21 | chemistry.selectivity_table has 17 points; expected 1 to 16");
    // 'selectivity_table = ' is 20 characters, [[1.0, 1.0], then ' ': the second pair opens at column 34
    EXPECT_EQ(error_of(with_line(7, "selectivity_table = [[1.0, 1.0], [0.5, 1.0]]")),
              "r.toml:7:34 | chemistry.selectivity_table ratio 0.5 does not increase; expected ratios in strictly "
              "increasing order");
    EXPECT_EQ(error_of(with_line(7, "selectivity_table = [[0.2, 0.9], [2.0, 1.1]]")), "OK");
}

TEST(RecipeErrors, InstrumentModelsMustBeKnown) {
    EXPECT_EQ(error_of(with_line(19, "model = \"keithley-6221\"")),
              "r.toml:19:9 | galvanostat.model \"keithley-6221\" is not supported; expected \"keithley-2400\", "
              "\"keithley-2450\", \"keithley-2460\", \"keithley-2461\", \"keysight-b2901a\", "
              "\"keysight-b2902a\", \"palmsens-emstat4\" or \"palmsens-emstat-pico\"");
    EXPECT_EQ(error_of(with_line(24, "model = \"ne-500\"")),
              "r.toml:24:9 | pump.model \"ne-500\" is not supported; expected \"ne-1000\", \"harvard-elite\", "
              "\"kds-legato-100\", \"kds-legato-180\" or \"kds-legato-200\"");
}

TEST(RecipeErrors, CurrentRangeMustHoldTheCurrent) {
    // 5.7 mA/cm2 x 1 cm2 = 5.7 mA does not fit a 1 mA range; current_range on line 22, column 17
    EXPECT_EQ(error_of(with_line(21, "compliance = \"10 V\"\ncurrent_range = \"1 mA\"")),
              "r.toml:22:17 | galvanostat.current_range = 0.001 A does not hold the recipe's current of 0.0057 A; "
              "expected a range from 1e-06 A to 1 A at least as large as the current");
}

TEST(RecipeErrors, CurrentBeyondTheSourceIsRefused) {
    // 5.7 mA/cm2 over 200 cm2 = 1.14 A > 1.05 A; reported at current_density's value (column 19)
    EXPECT_EQ(error_of(with_line(15, "electrode_area = \"200 cm2\"")),
              "r.toml:31:19 | deposit.current_density over cell.electrode_area asks 1.14 A; expected at most 1.05 A "
              "(the galvanostat's largest range)");
}

TEST(RecipeErrors, BaudMustBeOneTheInstrumentSupports) {
    EXPECT_EQ(error_of(with_line(28, "max_rate = \"100 mL/min\"\nbaud = 115200")),
              "r.toml:29:8 | pump.baud = 115200 is not supported; expected one of 300, 1200, 2400, 9600, 19200");
}

TEST(RecipeErrors, EmptyNameIsRefused) {
    EXPECT_EQ(error_of(with_line(2, "name = \"\"")), "r.toml:2:8 | recipe.name is empty; expected a non-empty string");
}

TEST(RecipeErrors, TransportNeedsDiffusivityAndBoundaryLayer) {
    auto lines = edc::recipes::test::base_lines();
    lines.emplace_back("[transport]");       // 34
    lines.emplace_back("delta = \"50 um\"");  // 35
    EXPECT_EQ(error_of(edc::recipes::test::join(lines)),
              "r.toml:34:1 | transport needs D (both metals) or D_Bi and D_Sb, such as D = \"1e-5 cm2/s\"");
    lines.back() = "D = \"1e-5 cm2\"";      // an area where a diffusivity is expected; value at column 5
    EXPECT_EQ(error_of(edc::recipes::test::join(lines)).substr(0, 14), "r.toml:35:5 | ");
}

TEST(RecipeErrors, HostileBytesDoNotBreakTheMessage) {
    // A NUL and an escape sequence inside a quantity are escaped, not copied into the message.
    const auto e = error_of(with_line(13, R"(initial_volume = "20 m\u0000L\u001b[2J")"));
    EXPECT_EQ(e.substr(0, 15), "r.toml:13:18 | ");
    EXPECT_EQ(e.find('\0'), std::string::npos);
    EXPECT_EQ(e.find('\x1b'), std::string::npos);
    EXPECT_NE(e.find("\\x00"), std::string::npos) << e;
}

TEST(RecipeErrors, NonAsciiOutsideStringsIsRefusedBeforeParsing) {
    // toml++ 3.3 has undefined behaviour on some of these (recipes/format/toml.hpp): refused first.
    // 'initial_volume = 20' then U+00E9 (two bytes, one column): column 20
    EXPECT_EQ(error_of(with_line(13, "initial_volume = 20\xC3\xA9")),
              "r.toml:13:20 | non-ASCII character outside a string or comment; expected keys, values and "
              "punctuation in ASCII (put other text inside quotes)");
    // A BOM-like U+FEFB at the start of the file.
    EXPECT_EQ(error_of("\xEF\xBB\xBB" "x = 1").substr(0, 13), "r.toml:1:1 | ");
}

TEST(RecipeErrors, NonAsciiInsideStringsAndCommentsIsAccepted) {
    EXPECT_EQ(error_of(with_line(2, "name = \"caf\xC3\xA9 \xCE\xB1-Bi\"  # \xC2\xB5m, \xC2\xB0" "C")), "OK");
    EXPECT_EQ(error_of(with_line(2, "name = '''x\xC3\xA9'''")), "OK");
    EXPECT_EQ(error_of("\xEF\xBB\xBF" + base_text()), "OK");  // a UTF-8 byte order mark
}

TEST(RecipeErrors, NonAsciiAfterALineEndingBackslashIsRefused) {
    // name = """a\ <newline> then two spaces and U+00E9: line 3, column 3
    EXPECT_EQ(error_of(with_line(2, "name = \"\"\"a\\\n  \xC3\xA9\"\"\"")),
              "r.toml:3:3 | non-ASCII character right after a line-ending backslash in a multi-line string; expected "
              "ASCII text there");
}

namespace {
std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}
}  // namespace

// Found by the fuzz campaign: each of these fails one of toml++ 3.3's internal asserts (abort
// in a Debug build, undefined behaviour with NDEBUG). They must be ordinary invalid recipes.
TEST(RecipeErrors, InputsThatFailTomlppInternalChecksAreInvalidRecipes) {
    const std::string dir = std::string(EDC_SOURCE_DIR) + "/tests/fuzz/corpus/fuzz_recipe/campaign/";
    const std::string inputs[] = {
        "[@",
        read_file(dir + "0b87f8c9a58c74104b03fd5646b6768c90048dbc"),
        read_file(dir + "26e0a562e762241a96505788799129ed905193b9"),
        read_file(dir + "cdfeb39ba69d169eacda9c2d6bc60db2bc76a616"),
    };
    for (const auto& text : inputs) {
        ASSERT_FALSE(text.empty());
        auto r = parse_recipe(text, "r.toml");
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, "invalid_recipe");
        EXPECT_EQ(r.error().message.rfind("r.toml", 0), 0U) << r.error().message;
    }
}

// [recipe] link_loss_grace (issue 13 item 3): a time, 5 s when absent, 0 to 60 s.
TEST(RecipeErrors, LinkLossGraceIsATimeFromZeroTo60s) {
    const auto plain = parse_recipe(base_text(), "r.toml");
    ASSERT_TRUE(plain) << plain.error().message;
    EXPECT_DOUBLE_EQ(plain->link_loss_grace_s, 5.0);
    const auto two = parse_recipe(with_line(2, "name = \"t\"\nlink_loss_grace = \"2 s\""), "r.toml");
    ASSERT_TRUE(two) << two.error().message;
    EXPECT_DOUBLE_EQ(two->link_loss_grace_s, 2.0);
    EXPECT_EQ(error_of(with_line(2, "name = \"t\"\nlink_loss_grace = \"90 s\"")),
              "r.toml:3:19 | recipe.link_loss_grace = \"90 s\" is out of range; expected a time from 0 s (no "
              "reconnection) to 60 s");
    EXPECT_EQ(error_of(with_line(2, "name = \"t\"\nlink_loss_grace = \"-1 s\"")),
              "r.toml:3:19 | recipe.link_loss_grace = \"-1 s\" is out of range; expected a time from 0 s (no "
              "reconnection) to 60 s");
}
