// Importing measured depth profiles: every format variant the instruments export, and every
// error with the line it names.
#include <gtest/gtest.h>

#include <string>

#include "app/calibration/profile_csv.hpp"

namespace edc::calibration {
namespace {

DepthProfile parsed(std::string_view text) {
    auto p = parse_profile_csv(text, "film.csv");
    EXPECT_TRUE(p) << (p ? "" : p.error().where + ": " + p.error().message);
    return p ? *p : DepthProfile{};
}

// The error's where is "film.csv:LINE" and its message contains `words`.
void expect_error(std::string_view text, int line, std::string_view words) {
    auto p = parse_profile_csv(text, "film.csv");
    ASSERT_FALSE(p) << "accepted: " << text;
    EXPECT_EQ(p.error().code, "invalid_profile");
    EXPECT_EQ(p.error().where, "film.csv:" + std::to_string(line)) << p.error().message;
    EXPECT_NE(p.error().message.find(words), std::string::npos) << p.error().message;
}

TEST(ProfileCsv, DepthInNanometresAndBiFractionCommaSeparated) {
    const auto p = parsed("depth_nm,x_bi\n0,0.5\n10,0.45\n20.5,0.4\n");
    ASSERT_EQ(p.points.size(), 3U);
    EXPECT_DOUBLE_EQ(p.points[0].depth_m, 0.0);
    EXPECT_DOUBLE_EQ(p.points[2].depth_m, 20.5e-9);
    EXPECT_DOUBLE_EQ(p.points[1].x_bi, 0.45);
    EXPECT_EQ(p.source, "film.csv");
    EXPECT_DOUBLE_EQ(profile_thickness_m(p), 20.5e-9);
}

TEST(ProfileCsv, DepthInMicrometresSemicolonSeparatedWithDecimalCommas) {
    const auto p = parsed("depth_um;x_bi\n0,00;0,50\n0,25;0,33\n");
    ASSERT_EQ(p.points.size(), 2U);
    EXPECT_DOUBLE_EQ(p.points[1].depth_m, 0.25e-6);
    EXPECT_DOUBLE_EQ(p.points[1].x_bi, 0.33);
}

// A sputter profile lists the top first; 600 nm deep is the substrate, so 0 from the surface
// is 600 nm above the substrate and the rows come out reversed.
TEST(ProfileCsv, DepthFromTheSurfaceTabSeparatedBecomesHeightAboveTheSubstrate) {
    const auto p = parsed("depth_from_surface_nm\tbi_at_pct\n0\t16\n100\t20\n600\t50\n");
    ASSERT_EQ(p.points.size(), 3U);
    EXPECT_DOUBLE_EQ(p.points[0].depth_m, 0.0);
    EXPECT_DOUBLE_EQ(p.points[0].x_bi, 0.5);
    EXPECT_DOUBLE_EQ(p.points[1].depth_m, 500e-9);
    EXPECT_DOUBLE_EQ(p.points[1].x_bi, 0.2);
    EXPECT_DOUBLE_EQ(p.points[2].depth_m, 600e-9);
    EXPECT_DOUBLE_EQ(p.points[2].x_bi, 0.16);
}

// EDS reports every element: Bi and Sb at.% with oxygen in the rest; x = Bi / (Bi + Sb).
TEST(ProfileCsv, SeparateBiAndSbAtomicPercentNormaliseToBiPlusSb) {
    const auto p = parsed(" Depth_NM , BI , sb \n0, 30, 30\n50, 20, 60\n");
    ASSERT_EQ(p.points.size(), 2U);
    EXPECT_DOUBLE_EQ(p.points[0].x_bi, 0.5);
    EXPECT_DOUBLE_EQ(p.points[1].x_bi, 0.25);
}

TEST(ProfileCsv, CommentsBlankLinesCrlfAndByteOrderMarkAreSkipped) {
    const auto p = parsed(
        "\xEF\xBB\xBF# GD-OES export\r\n\r\n# sample 7\r\ndepth_nm,x_bi\r\n0,0.5\r\n  \r\n# mid\r\n"
        "10,+0.4\r\n");
    ASSERT_EQ(p.points.size(), 2U);
    EXPECT_DOUBLE_EQ(p.points[1].x_bi, 0.4);
}

TEST(ProfileCsv, ColumnsMayComeInAnyOrder) {
    const auto p = parsed("x_bi,depth_nm\n0.5,0\n0.4,10\n");
    EXPECT_DOUBLE_EQ(p.points[1].depth_m, 10e-9);
    EXPECT_DOUBLE_EQ(p.points[1].x_bi, 0.4);
}

TEST(ProfileCsv, EmptyFileIsRefused) {
    expect_error("", 1, "empty file");
    expect_error(" \r\n\n", 1, "empty file");
}

TEST(ProfileCsv, FileWithoutHeaderIsRefused) {
    expect_error("# only a comment\n\n# and another\n", 3, "no header");
    expect_error("# comment\n0,0.5\n10,0.4\n", 2, "no header");
}

TEST(ProfileCsv, UnknownColumnIsNamed) {
    expect_error("depth_nm,x_bi,O\n0,0.5,3\n", 1, "unknown column 'O'");
    expect_error("# c\ndepth,x_bi\n", 2, "unknown column 'depth'");
}

TEST(ProfileCsv, MissingDepthOrCompositionColumnIsRefused) {
    expect_error("x_bi,bi_at_pct\n", 1, "missing depth column");
    expect_error("depth_nm,x_bi,bi_at_pct\n", 1, "more than one composition");
    expect_error("depth_nm,x_bi,X_BI\n", 1, "second composition");
    expect_error("sb,bi\n1,2\n", 1, "missing depth column");
    expect_error("depth_nm,depth_um\n", 1, "second depth");
    expect_error("depth_nm;depth_from_surface_nm\n", 1, "second depth");
    expect_error("x_bi\n0.5\n", 1, "one column");
    expect_error("depth_nm,Bi\n0,30\n", 1, "Bi and Sb");
    expect_error("depth_nm,Sb\n0,30\n", 1, "Bi and Sb");
    expect_error("depth_nm;comment\n", 1, "unknown column");
}

TEST(ProfileCsv, RowWithTheWrongNumberOfFieldsIsRefused) {
    expect_error("depth_nm,x_bi\n0,0.5\n10,0.4,1\n", 3, "3 fields, the header has 2");
    expect_error("depth_nm,x_bi\n0,0.5\n10\n", 3, "1 fields");
}

TEST(ProfileCsv, NonNumericNanAndInfinityAreRefused) {
    expect_error("depth_nm,x_bi\n0,0.5\n10,abc\n", 3, "'abc', not a finite number");
    expect_error("depth_nm,x_bi\n0,nan\n", 2, "not a finite number");
    expect_error("depth_nm,x_bi\ninf,0.5\n", 2, "not a finite number");
    expect_error("depth_nm,x_bi\n0,\n", 2, "not a finite number");
    expect_error("depth_nm,x_bi\n0,0.5x\n", 2, "not a finite number");
    expect_error("depth_nm,x_bi\n0,0,5\n", 2, "3 fields");  // a decimal comma needs ; or tab
}

TEST(ProfileCsv, CompositionOutsideItsRangeIsRefused) {
    expect_error("depth_nm,x_bi\n0,0.5\n10,1.2\n", 3, "outside 0..1");
    expect_error("depth_nm,x_bi\n0,-0.01\n", 2, "outside 0..1");
    expect_error("depth_nm,bi_at_pct\n0,101\n", 2, "outside 0..100");
    expect_error("depth_nm,Bi,Sb\n0,-1,50\n", 2, "outside 0..100");
    expect_error("depth_nm,Bi,Sb\n0,10,50\n10,0,0\n", 3, "Bi + Sb = 0");
}

TEST(ProfileCsv, DepthsMustIncreaseStrictlyAndNotBeNegative) {
    expect_error("depth_nm,x_bi\n0,0.5\n10,0.4\n10,0.3\n", 4, "does not increase");
    expect_error("depth_nm,x_bi\n0,0.5\n20,0.4\n10,0.3\n", 4, "does not increase");
    expect_error("depth_nm,x_bi\n-5,0.5\n", 2, "negative depth");
    // From the surface the depth below the top increases down the file.
    expect_error("depth_from_surface_nm,x_bi\n600,0.5\n0,0.16\n", 3, "does not increase");
}

TEST(ProfileCsv, FewerThanTwoPointsAreRefused) {
    expect_error("depth_nm,x_bi\n0,0.5\n# end\n", 2, "1 data point: a depth profile needs at least 2");
    expect_error("depth_nm,x_bi\n", 1, "0 data points");
}

TEST(ProfileCsv, UnreadableFileIsAnInvalidProfileNamingThePath) {
    auto p = load_profile_csv("/nonexistent-dir/film.csv");
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, "invalid_profile");
    EXPECT_EQ(p.error().where, "/nonexistent-dir/film.csv");
}

}  // namespace
}  // namespace edc::calibration
