#include "app/cli/measure_options.hpp"

#include <fmt/format.h>

#include <charconv>
#include <limits>

#include "app/cli/command_support.hpp"

namespace edc::cli {

Result<std::optional<MeasureRequest>> measure_request(const ParsedArgs& args, std::string_view command) {
    const auto path = args.value("--measure");
    if (!path) {
        for (const std::string_view name : {"--measure-noise", "--measure-resolution", "--seed"}) {
            if (args.has(name))
                return fail("usage", fmt::format("{}: {} needs --measure FILE.csv", command, name));
        }
        return std::nullopt;
    }
    if (path->empty()) return fail("usage", fmt::format("{}: --measure needs a file name", command));
    MeasureRequest request;
    request.path = *path;
    if (auto text = args.value("--measure-noise")) {
        auto v = parse_number("--measure-noise", *text);
        if (!v) return fail("usage", fmt::format("{}: {}", command, v.error().message));
        if (*v < 0.0 || *v > 1.0) {
            return fail("usage", fmt::format("{}: --measure-noise is a sigma on x_Bi in 0..1, not {}",
                                             command, *text));
        }
        request.settings.noise_x_bi = *v;
    }
    if (auto text = args.value("--measure-resolution")) {
        auto v = parse_number("--measure-resolution", *text);
        if (!v) return fail("usage", fmt::format("{}: {}", command, v.error().message));
        if (*v < 0.0) {
            return fail("usage", fmt::format("{}: --measure-resolution is a depth in nm >= 0, not {}",
                                             command, *text));
        }
        request.settings.resolution_m = *v * 1e-9;
    }
    if (auto text = args.value("--seed")) {
        unsigned seed = 0;
        const auto* end = text->data() + text->size();
        const auto [ptr, ec] = std::from_chars(text->data(), end, seed);
        if (text->empty() || ec != std::errc{} || ptr != end) {
            return fail("usage", fmt::format("{}: --seed expects a whole number 0..{}, got '{}'", command,
                                             std::numeric_limits<unsigned>::max(), *text));
        }
        request.settings.seed = seed;
    }
    return request;
}

bool write_measurement(Console& console, const MeasureRequest& request,
                       const std::vector<sim::DepositLayer>& deposit) {
    const auto points = sim::measure_depth_profile(deposit, request.settings);
    if (points.size() < 2) {
        console.err << fmt::format("edc: nothing deposited to measure: no profile written to {}\n",
                                   request.path);
        return false;
    }
    if (auto written = sim::write_depth_profile_csv(request.path, points); !written) {
        report_error(console, written.error());
        return false;
    }
    console.out << fmt::format(
        "  measured profile {} ({} points over {:.1f} nm; resolution {:g} nm, noise {:g}, seed {})\n",
        request.path, points.size(), points.back().depth_m * 1e9, request.settings.resolution_m * 1e9,
        request.settings.noise_x_bi, request.settings.seed);
    return true;
}

}  // namespace edc::cli
