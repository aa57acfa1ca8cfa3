#pragma once
// A valid recipe written line by line, so a test can replace one line and state by hand the
// line:col its error must point at. Line numbers are in the comments.
#include <string>
#include <vector>

namespace edc::recipes::test {

inline std::vector<std::string> base_lines() {
    return {
        "[recipe]",                                  // 1
        "name = \"t\"",                              // 2
        "",                                          // 3
        "[chemistry]",                               // 4
        R"(a = { Bi = "50 mM", Sb = "50 mM" })",     // 5
        R"(b = { Bi = "0 mM", Sb = "50 mM" })",      // 6
        "selectivity_k = 1.0",                       // 7
        "current_efficiency = 0.725",                // 8
        "packing_fraction = 0.868",                  // 9
        "",                                          // 10
        "[cell]",                                    // 11
        "mode = \"growing\"",                        // 12
        "initial_volume = \"20 mL\"",                // 13
        "max_volume = \"150 mL\"",                   // 14
        "electrode_area = \"1 cm2\"",                // 15
        "mixing_time = \"3 s\"",                     // 16
        "",                                          // 17
        "[galvanostat]",                             // 18
        "model = \"keithley-2400\"",                 // 19
        "port = \"/dev/ttyUSB0\"",                   // 20
        "compliance = \"10 V\"",                     // 21
        "",                                          // 22
        "[pump]",                                    // 23
        "model = \"ne-1000\"",                       // 24
        "port = \"/dev/ttyUSB1\"",                   // 25
        "syringe_diameter = \"26.59 mm\"",           // 26
        "syringe_volume = \"60 mL\"",                // 27
        "max_rate = \"100 mL/min\"",                 // 28
        "",                                          // 29
        "[deposit]",                                 // 30
        "current_density = \"5.7 mA/cm2\"",          // 31
        "duration = \"200 s\"",                      // 32
        "profile = [[0.0, 0.50], [1.0, 0.16]]",      // 33
    };
}

inline std::string join(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

inline std::string base_text() { return join(base_lines()); }

// The base recipe with line `line` (1-based) replaced by `text` (which may hold several lines).
inline std::string with_line(int line, const std::string& text) {
    auto lines = base_lines();
    lines.at(static_cast<std::size_t>(line - 1)) = text;
    return join(lines);
}

}  // namespace edc::recipes::test
