// The measured-profile importer on arbitrary bytes: a profile that keeps its promises (at least
// 2 points, depths finite, non-negative and strictly increasing, x_Bi in 0..1) or an
// invalid_profile error that says where; never a crash.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "app/calibration/profile_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto profile = edc::calibration::parse_profile_csv(text, "fuzz.csv");
    if (!profile) {
        const auto& e = profile.error();
        if (e.code != "invalid_profile" || e.message.empty() || !e.where.starts_with("fuzz.csv:"))
            std::abort();
        return 0;
    }
    const auto& points = profile->points;
    if (points.size() < 2) std::abort();
    for (std::size_t i = 0; i < points.size(); ++i) {
        const auto& p = points[i];
        if (!std::isfinite(p.depth_m) || p.depth_m < 0.0 || !(p.x_bi >= 0.0 && p.x_bi <= 1.0)) std::abort();
        if (i > 0 && !(p.depth_m > points[i - 1].depth_m)) std::abort();
    }
    return 0;
}
