#pragma once
// A composition depth profile: Bi fraction against depth above the substrate, SI (m).
// What a measurement reports (after import, app/calibration/profile_csv.hpp) and what a
// prediction gives are both this shape, so they compare point by point.
#include <string>
#include <vector>

namespace edc::calibration {

struct ProfilePoint {
    double depth_m = 0.0;  // above the substrate
    double x_bi = 0.0;     // Bi / (Bi + Sb)
};

struct DepthProfile {
    std::vector<ProfilePoint> points;  // depth strictly increasing
    std::string source;                // file name or what produced it
};

}  // namespace edc::calibration
