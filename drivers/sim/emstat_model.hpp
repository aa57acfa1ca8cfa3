#pragma once
// Pure model of a PalmSens EmStat4 / EmStat Pico running MethodSCRIPT, as the public
// MethodSCRIPT examples describe it (docs/protocols/methodscript.md): answers 't' and 'i',
// takes a script ("e" ... blank line), runs a chronopotentiometry loop (meas_loop_cp) on the
// shared SimCell and streams packages at the script's interval on the simulated clock, aborts
// on 'Z'. Its own parser: it shares no code with the driver (drivers/galvanostat/methodscript_*).
// No I/O and no threads: SimHost adds the link and the clock.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/sim/command_log.hpp"
#include "drivers/sim/sim_cell.hpp"
#include "drivers/sim/sim_clock.hpp"

namespace edc::sim {

struct EmStatOptions {
    std::string model = "palmsens-emstat4";
    double command_processing_s = 0.001;
};

// What the instrument has been told; observers (tests, SimHost) read it.
struct EmStatState {
    bool cell_on = false;
    bool cell_ever_on = false;
    bool script_running = false;
    double level_a = 0.0;  // the running loop's applied current, instrument sign
    long commands = 0;     // host lines outside script text
    long scripts = 0;      // scripts started
    long aborts = 0;
};

class EmStatModel {
public:
    EmStatModel(SimCell& cell, EmStatOptions options);
    ~EmStatModel();
    EmStatModel(const EmStatModel&) = delete;
    EmStatModel& operator=(const EmStatModel&) = delete;

    [[nodiscard]] std::vector<WireReply> receive(std::string_view bytes, Instant now);
    // The packages due by `now` (the loop's own timer).
    [[nodiscard]] std::vector<WireReply> poll(Instant now);
    // The running script fails with "!CODE: text" (cell off), as on an overload or hardware fault.
    void inject_error(unsigned code, const std::string& text);

    [[nodiscard]] const EmStatState& state() const noexcept { return state_; }
    // A simulator restarted from its state file (sim_state_file.hpp): the cell relay and the
    // applied current as saved, and the counters. A script's text is not saved, so none runs
    // after a restart: a cell left on stays on at its level, streaming nothing, until the host
    // aborts ('Z' switches it off) or starts a new script.
    void restore(const EmStatState& saved);
    [[nodiscard]] double compliance_v() const noexcept { return compliance_v_; }
    // Host lines outside script text, and each script's first command (command_log.hpp).
    [[nodiscard]] std::vector<std::string> command_log() const { return log_.entries(); }

private:
    struct Script;
    void command(std::string_view line, Instant now, std::vector<WireReply>& out);
    void start(Instant now, std::vector<WireReply>& out);
    void finish(std::string& out, bool ended_by_abort);
    void iterate(double t, std::string& out);
    void drive(bool on, double amps);

    SimCell& cell_;
    EmStatOptions options_;
    EmStatState state_;
    double compliance_v_ = 8.0;
    std::string firmware_;
    std::string serial_;
    int range_code_ = 24;
    std::string line_;
    bool uploading_ = false;
    std::vector<std::string> upload_;
    std::unique_ptr<Script> script_;
    std::optional<std::string> pending_error_;
    CommandLog log_;
};

}  // namespace edc::sim
