#pragma once
// A simulated depth-profiling instrument (EDS line scan, XPS/AES sputter profile, GD-OES): it
// reads the simulator's deposit, not the controller's record, and reports what such an
// instrument would: x_Bi every 10 nm from the substrate, the true profile convolved with a
// Gaussian depth-resolution kernel, plus Gaussian noise, from a fixed seed.
//
//   auto points = edc::sim::measure_depth_profile(snapshot.deposit, {.resolution_m = 30e-9});
//   auto written = edc::sim::write_depth_profile_csv("film.csv", points);
//
// The kernel is renormalised over the film near its ends (no composition below the substrate
// or above the top, as an instrument that finds the interfaces reports it). Pure apart from
// the file writer: no threads, no clock.
#include <span>
#include <string>
#include <vector>

#include "control/error.hpp"
#include "drivers/sim/sim_cell.hpp"

namespace edc::sim {

struct DepthProfilerSettings {
    double step_m = 10e-9;        // point spacing from the substrate
    double resolution_m = 30e-9;  // sigma of the Gaussian depth kernel; 0: no blur
    double noise_x_bi = 0.01;     // sigma of the noise on x_Bi (fraction); 0: none
    unsigned seed = 1;            // the noise repeats exactly for one seed
};

struct MeasuredPoint {
    double depth_m = 0.0;  // above the substrate
    double x_bi = 0.0;     // clipped to [0, 1]
};

// Points at 0, step, 2 step, ... and a last one at the film's top (unless the grid already
// ends there), so the profile spans exactly the film: its extent is the film's thickness.
// Layers are stacked by their own thickness_m. Empty when the deposit has no thickness.
// With resolution 0 and noise 0 each point is the composition of the layer at that depth (the
// layer above a boundary; the top layer at the top).
[[nodiscard]] std::vector<MeasuredPoint> measure_depth_profile(const std::vector<DepositLayer>& layers,
                                                               const DepthProfilerSettings& settings = {});

// "depth_nm,x_bi\n" then one line per point (shortest round-trip decimal text, C locale).
[[nodiscard]] std::string depth_profile_csv(std::span<const MeasuredPoint> points);

// Writes depth_profile_csv to `path` (replaced). Errors: code "measure_write_failed", where the path.
[[nodiscard]] Result<void> write_depth_profile_csv(const std::string& path,
                                                   std::span<const MeasuredPoint> points);

}  // namespace edc::sim
