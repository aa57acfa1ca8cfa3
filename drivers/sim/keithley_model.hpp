#pragma once
// Pure model of a SCPI source-meter used as a galvanostat, one per entry of the simulator's
// dialect table (smu_dialect.hpp): the Keithley 2400 series (SCPI over RS-232), the 2450,
// 2460 and 2461 (native SCPI over LAN), the Keysight B2901A/B2902A (SCPI over LAN), as
// protocols.md sections 1-3 and docs/scpi-source-meters.md describe them. Bytes in, reply bytes out; the cell physics answers :READ?.
// No I/O and no threads: the wire adapter (sim_host) adds the link and the clock.
#include <string>
#include <string_view>
#include <vector>

#include "drivers/sim/scpi_error_queue.hpp"
#include "drivers/sim/scpi_parser.hpp"
#include "drivers/sim/command_log.hpp"
#include "drivers/sim/sim_cell.hpp"
#include "drivers/sim/sim_clock.hpp"
#include "drivers/sim/smu_dialect.hpp"

namespace edc::sim {

enum class OutputOffMode { normal, high_impedance, zero, guard };

[[nodiscard]] const char* to_string(OutputOffMode m) noexcept;

struct KeithleyOptions {
    SmuModel model = SmuModel::keithley2400;
    std::string idn;               // empty: the dialect table's
    std::string reply_terminator;  // empty: the dialect table's ("\r" on RS-232, "\n" on LAN)
    double line_frequency_hz = 50.0;
    double command_processing_s = 0.001;
    double read_overhead_s = 0.003;  // autozero and formatting on top of the NPLC integration
};

// 2400 :FORM:ELEM entries.
enum class ReadElement { volt, curr, res, time, stat };

// What the instrument has been told; observers (tests, SimHost) read it.
struct KeithleyState {
    bool output_on = false;
    bool output_ever_on = false;
    OutputOffMode off_mode = OutputOffMode::normal;  // power-on default: the output shorts the cell
    bool source_current = false;                     // 2400 powers up sourcing voltage
    double level_a = 0.0;
    double range_a = 1.05e-4;
    bool range_auto = true;
    double compliance_v = 21.0;
    double nplc = 1.0;
    bool sense_volt = false;
    bool volt_range_auto = true;
    double volt_range_v = 21.0;
    bool remote_sense = false;
    bool beep = true;
    bool ascii = true;
    std::vector<ReadElement> elements{ReadElement::volt, ReadElement::curr, ReadElement::res,
                                      ReadElement::time, ReadElement::stat};
    double timestamp_zero_s = 0.0;
    bool tripped = false;  // last reading was limited by the compliance
    long commands = 0;
    long reads = 0;
};

class KeithleyModel {
public:
    KeithleyModel(SimCell& cell, KeithleyOptions options);

    // Bytes from the host; complete lines are executed in order. Each line that produces
    // output yields one reply (query answers joined by `;`, then the terminator).
    [[nodiscard]] std::vector<WireReply> receive(std::string_view bytes, Instant now);

    // Fault injection: an instrument-side error (e.g. +810 over temperature switches the output off).
    void inject_error(int code, const std::string& text);

    [[nodiscard]] const KeithleyState& state() const noexcept { return state_; }
    // Every command as parsed, in order (command_log.hpp).
    [[nodiscard]] std::vector<std::string> command_log() const { return log_.entries(); }
    // A simulator restarted from its state file (sim_state_file.hpp): the settings saved there
    // (output, off mode, source function, level, range, compliance, NPLC, sense) take effect.
    void restore(const KeithleyState& saved);
    [[nodiscard]] std::size_t pending_errors() const noexcept { return errors_.size(); }
    [[nodiscard]] SmuModel model() const noexcept { return options_.model; }
    [[nodiscard]] SmuFamily family() const noexcept { return dialect_.family; }

private:
    CommandLog log_;
    struct Context;
    enum class Cmd;
    struct Entry;

    void execute_line(std::string_view line, Instant now, std::vector<WireReply>& out);
    void execute(const ScpiCommand& c, Context& ctx);
    void error(int code, std::string_view text);
    void reset();
    void apply_drive();
    [[nodiscard]] std::string read_reply(const ScpiCommand& c, Context& ctx);
    [[nodiscard]] const std::vector<Entry>& table() const;

    SimCell& cell_;
    KeithleyOptions options_;
    const SmuDialect& dialect_;
    KeithleyState state_;
    ScpiErrorQueue errors_{10};
    int esr_ = 0;
    std::string line_;
};

}  // namespace edc::sim
