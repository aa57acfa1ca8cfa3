#pragma once
// Pure model of a Harvard Apparatus Pump 11 Elite, and of the KD Scientific Legato, whose firmware
// speaks the same protocol (legato_model.hpp gives its options) (protocols.md section 5): `\r`-terminated
// commands abbreviable to 4 letters, replies as `\n[nn:]text\r` lines closed by
// `\n[nn]<prompt>` (`:` idle, `>` infusing, `<` withdrawing, `*` stalled, `T*` target reached),
// `@` prefix and `NVRAM off` for fast rate changes. The motor drives SimCell's feed.
#include <string>
#include <string_view>
#include <vector>

#include "drivers/sim/command_log.hpp"
#include "drivers/sim/sim_cell.hpp"
#include "drivers/sim/sim_clock.hpp"
#include "drivers/sim/syringe_mechanics.hpp"

namespace edc::sim {

struct HarvardOptions {
    int address = 0;
    std::string version = " 11 Elite 3.0.4";
    double diameter_m = 26.59e-3;
    double syringe_volume_m3 = 60e-6;
    // Plunger speed limits chosen so a 26.59 mm syringe gives protocols.md's
    // "0.0366 ul/min to 26.64 ml/min" (the Elite's own table is unverified).
    double min_speed_m_per_s = 6.5911e-8 / 60.0;
    double max_speed_m_per_s = 0.047975 / 60.0;
    double query_processing_s = 0.01;
    double fast_set_processing_s = 0.04;   // `@` prefix with NVRAM off
    double nvram_set_processing_s = 0.15;  // a setting written to non-volatile memory
    bool withdraws = true;  // false: an infuse-only pump (Legato 100) answers `wrun` with a command error
    bool poll = false;      // poll mode at power-up: XON (0x11) after every prompt (`poll on|off`)
};

struct HarvardState {
    bool running = false;
    bool infusing = true;
    bool stalled = false;
    bool target_reached = false;
    double rate_m3_per_s = 0.0;
    std::string rate_unit = "ml/min";
    double diameter_m = 0.0;
    double infused_m3 = 0.0;
    double withdrawn_m3 = 0.0;
    double target_m3 = 0.0;  // 0 = none
    double run_volume_m3 = 0.0;
    double syringe_content_m3 = 0.0;
    bool nvram = true;
    bool poll = false;
    long commands = 0;
    long fast_commands = 0;
};

class HarvardModel {
public:
    HarvardModel(SimCell& cell, HarvardOptions options);

    [[nodiscard]] std::vector<WireReply> receive(std::string_view bytes, Instant now);
    void advance(double sim_s);

    void stall();  // fault: the motor stalls
    void empty_syringe() noexcept { state_.syringe_content_m3 = 0.0; }

    [[nodiscard]] const HarvardState& state() const noexcept { return state_; }
    // Every command as parsed, in order (command_log.hpp).
    [[nodiscard]] std::vector<std::string> command_log() const { return log_.entries(); }
    // A simulator restarted from its state file (sim_state_file.hpp), its own clock restarting
    // at `sim_s`: settings, counters, target and the motor as saved.
    void restore(const HarvardState& saved, double sim_s);
    [[nodiscard]] double min_rate_m3_per_s() const noexcept;
    [[nodiscard]] double max_rate_m3_per_s() const noexcept;

private:
    CommandLog log_;
    void handle_line(std::string_view line, Instant now, std::vector<WireReply>& out);
    [[nodiscard]] std::string prompt() const;
    void apply_motor();
    [[nodiscard]] PlungerMotion motion() const noexcept;
    void stop_motor();

    SimCell& cell_;
    HarvardOptions options_;
    HarvardState state_;
    std::string line_;
    double last_sim_s_ = 0.0;
};

// "3.2 u/m", "12.5 ml/min", "1 m/h": value and unit -> m3/s and the display unit ("ul/min").
// False when the unit is not understood.
[[nodiscard]] bool parse_harvard_rate(std::string_view value, std::string_view unit, double& m3_per_s,
                                      std::string& display_unit);
[[nodiscard]] std::string harvard_rate_text(double m3_per_s, std::string_view display_unit);

}  // namespace edc::sim
