#pragma once
// --measure FILE.csv [--measure-noise SIGMA] [--measure-resolution NM] [--seed N]: after a
// simulated deposition, the simulated depth profiler (drivers/sim/depth_profiler.hpp) reads the
// simulator's deposit and writes what an EDS / XPS / GD-OES depth profile would report. Shared
// by `edc run --sim` and `edc simulate`.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/cli/arg_parser.hpp"
#include "app/cli/console.hpp"
#include "control/error.hpp"
#include "drivers/sim/depth_profiler.hpp"

namespace edc::cli {

inline constexpr std::array measure_option_specs{
    OptionSpec{"--measure", "", true, false},
    OptionSpec{"--measure-noise", "", true, false},
    OptionSpec{"--measure-resolution", "", true, false},
    OptionSpec{"--seed", "", true, false},
};

struct MeasureRequest {
    std::string path;
    sim::DepthProfilerSettings settings;
};

// nullopt without --measure. Usage errors ("usage", message starting with `command`: ) for a
// bad value, or --measure-noise/--measure-resolution/--seed without --measure.
[[nodiscard]] Result<std::optional<MeasureRequest>> measure_request(const ParsedArgs& args,
                                                                    std::string_view command);

// Measures the deposit and writes the file; prints one line on console.out. False (the error
// printed on console.err) when nothing was deposited or the file cannot be written.
bool write_measurement(Console& console, const MeasureRequest& request,
                       const std::vector<sim::DepositLayer>& deposit);

}  // namespace edc::cli
