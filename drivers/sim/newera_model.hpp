#pragma once
// Pure model of a New Era NE-1000 family syringe pump (protocols.md section 4): basic mode
// (`[addr]CMD args\r` -> STX addr status [data|?err] ETX) and safe mode (length-prefixed
// packets with CRC-16/XMODEM and a host-timeout watchdog), alarms, rate limits derived from
// the syringe diameter, dispensed counters and the syringe's capacity. The motor drives
// SimCell's feed. No I/O, no threads.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/sim/command_log.hpp"
#include "drivers/sim/sim_cell.hpp"
#include "drivers/sim/sim_clock.hpp"
#include "drivers/sim/syringe_mechanics.hpp"

namespace edc::sim {

[[nodiscard]] std::uint16_t crc16_xmodem(std::string_view bytes) noexcept;
// STX <len> payload <crc hi> <crc lo> ETX, len = payload + 4.
[[nodiscard]] std::string newera_safe_packet(std::string_view payload);
// The pump's number format: 4 significant digits, at most 3 decimals ("26.59", "5.000", "1234").
[[nodiscard]] std::string newera_number(double v);

enum class NeRateUnit { ul_per_min, ml_per_min, ul_per_h, ml_per_h };
enum class NeVolumeUnit { ul, ml };

struct NewEraOptions {
    int address = 0;
    std::string firmware = "NE1000V3.928";
    double diameter_m = 26.59e-3;
    double syringe_volume_m3 = 60e-6;
    // Plunger speed limits of the drive; rate limits are these times the syringe's area.
    // Exact NE-1000 table unverified: 185 mm/min gives ~103 mL/min at 26.59 mm, ~3.2 mL/min at 4.7 mm.
    double min_speed_m_per_s = 6.8e-7 / 60.0;
    double max_speed_m_per_s = 0.185 / 60.0;
    double processing_s = 0.002;
};

struct NewEraState {
    bool running = false;
    bool paused = false;
    bool infusing = true;     // direction
    double rate_value = 0.0;  // as given, in rate_unit
    NeRateUnit rate_unit = NeRateUnit::ml_per_min;
    double target_volume = 0.0;  // in volume_unit, 0 = continuous
    NeVolumeUnit volume_unit = NeVolumeUnit::ml;
    double diameter_m = 0.0;
    double dispensed_inf_m3 = 0.0;
    double dispensed_wdr_m3 = 0.0;
    double run_dispensed_m3 = 0.0;  // since the last RUN from stopped
    double syringe_content_m3 = 0.0;
    char alarm = 'R';        // pending alarm letter, 0 = none; power-up reports R
    int safe_timeout_s = 0;  // 0 = basic mode
    long commands = 0;
    long rate_changes_while_running = 0;
};

class NewEraModel {
public:
    NewEraModel(SimCell& cell, NewEraOptions options);

    [[nodiscard]] std::vector<WireReply> receive(std::string_view bytes, Instant now);
    // Runs the motor up to `now` and returns unsolicited packets (safe-mode alarms).
    [[nodiscard]] std::vector<WireReply> poll(Instant now);
    void advance(double sim_s);

    // Faults: motor stall (alarm S), a power glitch (alarm R), the syringe used up.
    void raise_alarm(char letter);
    void empty_syringe() noexcept { state_.syringe_content_m3 = 0.0; }

    [[nodiscard]] const NewEraState& state() const noexcept { return state_; }
    // Every command as parsed, in order (command_log.hpp).
    [[nodiscard]] std::vector<std::string> command_log() const { return log_.entries(); }
    // A simulator restarted from its state file (sim_state_file.hpp), its own clock restarting
    // at `sim_s`: settings, counters, the motor and a pending alarm as saved. The safe-mode
    // watchdog starts counting afresh (no host packet since the restart).
    void restore(const NewEraState& saved, double sim_s);
    [[nodiscard]] double rate_m3_per_s() const noexcept;
    [[nodiscard]] double min_rate_m3_per_s() const noexcept;
    [[nodiscard]] double max_rate_m3_per_s() const noexcept;

private:
    CommandLog log_;
    void handle_packet(std::string_view text, bool safe, Instant now, std::vector<WireReply>& out);
    [[nodiscard]] std::string execute(std::string_view command, std::string_view args, bool& known);
    [[nodiscard]] char status_letter() const noexcept;
    void stop_motor(bool pause);
    void apply_motor();
    [[nodiscard]] PlungerMotion motion() const noexcept;
    [[nodiscard]] std::string frame(std::string_view payload, bool safe) const;

    SimCell& cell_;
    NewEraOptions options_;
    NewEraState state_;
    std::string basic_;
    std::string safe_;
    double last_sim_s_ = 0.0;
    double last_safe_packet_real_s_ = 0.0;
    bool unsolicited_pending_ = false;
};

}  // namespace edc::sim
