// Recipes are untrusted input: any bytes must give a Recipe or an invalid_recipe error whose
// message starts with its file:line:col, never a crash, a hang or an uncaught exception.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "recipes/format/recipe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto r = edc::recipes::parse_recipe(text, "fuzz.toml");
    if (r) {
        // What a valid recipe promises the planner.
        const auto& d = r->plan.deposit;
        if (d.profile.size() < 2 || d.profile.front().depth_fraction != 0.0 || d.profile.back().depth_fraction != 1.0) {
            std::abort();
        }
        if (!(r->plan.cell.cell.max_volume_m3 >= r->plan.cell.cell.initial_volume_m3)) std::abort();
        if (!(d.current_density_a_per_m2 > 0.0) || r->sha256.size() != 64) std::abort();
    } else {
        const auto& e = r.error();
        if (e.code != "invalid_recipe" || e.where.empty() || e.message.rfind(e.where, 0) != 0) std::abort();
    }
    return 0;
}
