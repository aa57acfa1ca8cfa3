#pragma once
// x_Bi over depth drawn to a PNG: the recipe's target, the controller's prediction and a
// measured profile (`edc compare --png`). No Qt in this header, so the CLI that calls it stays
// a plain C++ program; the drawing (depth_chart.cpp) uses QImage + QPainter and, when no Qt
// application exists yet, creates a QGuiApplication on the "offscreen" platform (no display).
#include <string>
#include <utility>
#include <vector>

#include "control/error.hpp"

namespace edc::report {

struct DepthCurve {
    std::string label;
    std::vector<std::pair<double, double>> points;  // (depth nm from the substrate, x_Bi)
};

struct DepthChart {
    std::string title;     // first line above the plot
    std::string subtitle;  // second line: the figures
    DepthCurve target;     // dashed line
    DepthCurve predicted;  // solid line
    DepthCurve measured;   // markers
    int width_px = 960;
    int height_px = 600;
};

// Errors: "png_write_failed" (where = path) when the image cannot be saved.
[[nodiscard]] Result<void> write_depth_chart_png(const DepthChart& chart, const std::string& path);

}  // namespace edc::report
