#include "drivers/sim/depth_profiler.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <numbers>
#include <random>

namespace edc::sim {
namespace {

// Layers stacked from the substrate: bottom and top height of each.
struct Slab {
    double z0 = 0.0;
    double z1 = 0.0;
    double x_bi = 0.0;
};

std::vector<Slab> stack(const std::vector<DepositLayer>& layers) {
    std::vector<Slab> out;
    out.reserve(layers.size());
    double z = 0.0;
    for (const auto& l : layers) {
        if (!(l.thickness_m > 0.0)) continue;
        out.push_back({z, z + l.thickness_m, l.x_bi});
        z += l.thickness_m;
    }
    return out;
}

// Standard normal cumulative distribution.
double phi(double u) {
    return 0.5 * std::erfc(-u / std::numbers::sqrt2);
}

double exact_at(const std::vector<Slab>& slabs, double d) {
    // The first layer whose top lies above d: the layer above a boundary, the top one at the top.
    const auto it = std::upper_bound(slabs.begin(), slabs.end(), d,
                                     [](double depth, const Slab& s) { return depth < s.z1; });
    return it == slabs.end() ? slabs.back().x_bi : it->x_bi;
}

// The kernel over the film: each layer's share of the Gaussian around d is exact (a difference
// of normal CDFs); layers beyond 10 sigma add nothing a double can hold next to the rest. The
// shares are renormalised by their own sum, which is the kernel's mass inside the film.
double blurred_at(const std::vector<Slab>& slabs, double d, double sigma) {
    const double reach = 10.0 * sigma;
    auto it = std::upper_bound(slabs.begin(), slabs.end(), d - reach,
                               [](double depth, const Slab& s) { return depth < s.z1; });
    double weight = 0.0;
    double sum = 0.0;
    for (; it != slabs.end() && it->z0 <= d + reach; ++it) {
        const double w = phi((it->z1 - d) / sigma) - phi((it->z0 - d) / sigma);
        weight += w;
        sum += w * it->x_bi;
    }
    return weight > 0.0 ? sum / weight : exact_at(slabs, d);
}

void append_number(std::string& out, double v, std::chars_format format, int precision) {
    std::array<char, 64> buf{};
    const auto r = precision < 0 ? std::to_chars(buf.data(), buf.data() + buf.size(), v, format)
                                 : std::to_chars(buf.data(), buf.data() + buf.size(), v, format, precision);
    out.append(buf.data(), r.ptr);
}

}  // namespace

std::vector<MeasuredPoint> measure_depth_profile(const std::vector<DepositLayer>& layers,
                                                 const DepthProfilerSettings& settings) {
    const auto slabs = stack(layers);
    if (slabs.empty() || !(settings.step_m > 0.0)) return {};
    const double top = slabs.back().z1;

    std::vector<double> depths;
    const auto n = static_cast<std::size_t>(std::floor(top / settings.step_m + 1e-9));
    depths.reserve(n + 2);
    for (std::size_t k = 0; k <= n; ++k) depths.push_back(static_cast<double>(k) * settings.step_m);
    // A grid ending within 1 % of a step below the top already reaches it.
    if (top - depths.back() > 0.01 * settings.step_m) depths.push_back(top);

    std::mt19937 rng(settings.seed);
    std::normal_distribution<double> noise(0.0, 1.0);
    std::vector<MeasuredPoint> out;
    out.reserve(depths.size());
    for (const double d : depths) {
        double x =
            settings.resolution_m > 0.0 ? blurred_at(slabs, d, settings.resolution_m) : exact_at(slabs, d);
        if (settings.noise_x_bi > 0.0) x += settings.noise_x_bi * noise(rng);
        out.push_back({d, std::clamp(x, 0.0, 1.0)});
    }
    return out;
}

std::string depth_profile_csv(std::span<const MeasuredPoint> points) {
    std::string out = "depth_nm,x_bi\n";
    out.reserve(out.size() + points.size() * 20);
    for (const auto& p : points) {
        // Depth to 0.001 nm, written shortest ("30", not "30.000000000000004"); x_Bi to 1e-6.
        append_number(out, std::round(p.depth_m * 1e12) / 1e3, std::chars_format::general, -1);
        out += ',';
        append_number(out, p.x_bi, std::chars_format::fixed, 6);
        out += '\n';
    }
    return out;
}

Result<void> write_depth_profile_csv(const std::string& path, std::span<const MeasuredPoint> points) {
    const std::string text = depth_profile_csv(points);
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file) return fail("measure_write_failed", "cannot open the profile file for writing", path);
    file.write(text.data(), static_cast<std::streamsize>(text.size()));
    file.close();
    if (!file) return fail("measure_write_failed", "writing the profile file failed", path);
    return {};
}

}  // namespace edc::sim
