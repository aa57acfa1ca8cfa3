#pragma once
// Importing a measured composition depth profile from the CSV that EDS line scans, XPS/AES
// sputter profiles and GD-OES software export (and that `edc run --sim --measure` writes).
//
// The first line that is neither blank nor a `#` comment is the header. Column names are
// case-insensitive, surrounding spaces trimmed; the separator is the one of comma, semicolon
// and tab that the header line uses most. Exactly one depth column and one composition:
//
//   depth_nm                 depth above the substrate, nm
//   depth_um                 depth above the substrate, um
//   depth_from_surface_nm    depth below the top surface, nm (sputter profiles): converted to
//                            height above the substrate using the profile's own extent, i.e.
//                            the film's thickness is taken as the largest depth from the
//                            surface; rows come out substrate first
//   x_bi                     Bi / (Bi + Sb), 0..1
//   bi_at_pct                Bi at.% of Bi + Sb, 0..100
//   Bi and Sb                both at.% (0..100, other elements allowed): x = Bi / (Bi + Sb)
//
// Numbers are read with std::from_chars (C locale); with semicolon or tab separators a decimal
// comma ("0,35") is read as a decimal point, as European instrument exports write it. Depths
// must be non-negative and strictly increasing down the file (from the surface: increasing
// depth from the surface); at least 2 points. CRLF line ends and a UTF-8 byte-order mark are
// accepted.
//
// Every error has code "invalid_profile", a message saying what is wrong and what was
// expected, and where = "FILE:LINE" (1-based, the line at fault).
#include <cstddef>
#include <string>
#include <string_view>

#include "app/calibration/depth_profile.hpp"
#include "control/error.hpp"

namespace edc::calibration {

inline constexpr const char* invalid_profile = "invalid_profile";
inline constexpr std::size_t max_profile_bytes = 16U << 20U;

// `name` is the FILE part of error positions and becomes DepthProfile::source.
[[nodiscard]] Result<DepthProfile> parse_profile_csv(std::string_view text, std::string_view name);

// Reads and parses a file (refused above max_profile_bytes; an unreadable file is also
// "invalid_profile", where = the path).
[[nodiscard]] Result<DepthProfile> load_profile_csv(const std::string& path);

// The film's thickness as the profile tells it: the depth of its last (top) point.
[[nodiscard]] double profile_thickness_m(const DepthProfile& profile) noexcept;

}  // namespace edc::calibration
