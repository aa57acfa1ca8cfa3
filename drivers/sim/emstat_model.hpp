#pragma once
// Pure model of a PalmSens EmStat4 / EmStat Pico running MethodSCRIPT, as the public
// MethodSCRIPT examples describe it (docs/protocols/methodscript.md): answers 't' and 'i',
// takes a script ("e" ... blank line), runs a chronopotentiometry loop (meas_loop_cp) on the
// shared SimCell and streams packages at the script's interval on the simulated clock, aborts
// on 'Z'. Its own parser: it shares no code with the driver (drivers/galvanostat/methodscript_*).
// No I/O and no threads: SimHost adds the link and the clock.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/error.hpp"
#include "drivers/sim/command_log.hpp"
#include "drivers/sim/sim_cell.hpp"
#include "drivers/sim/sim_clock.hpp"

namespace edc::sim {

struct EmStatOptions {
    std::string model = "palmsens-emstat4";
    double command_processing_s = 0.001;
};

// A script variable: its value (SI), its MethodSCRIPT type ("ja", "ab", "ba", "eb") and its
// status metadata (-1: none).
struct EmStatVar {
    double value = 0.0;
    std::string type = "ja";
    int status = -1;
};

// A running script as a state file keeps it (sim_instrument_state.hpp): its text as uploaded,
// so a restart parses it with the same parser, and where its loop was. Times are relative to
// the simulated time of the save (loop_start_s and timer_zero_s <= 0 < next_s, usually).
struct EmStatScriptState {
    std::vector<std::string> lines;  // the lines between "e" and the blank line
    double loop_start_s = 0.0;
    double next_s = 0.0;  // the loop's next measurement
    double timer_zero_s = 0.0;
    std::map<std::string, EmStatVar> vars;
    int pgstat_mode = 0;
    bool broke = false;  // breakloop ran
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
    // Only in saved(): the running script (state() leaves it empty).
    std::optional<EmStatScriptState> script;
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
    // What a state file keeps at simulated time `now_s`: state() and the running script, its
    // times relative to `now_s`.
    [[nodiscard]] EmStatState saved(double now_s) const;
    // A simulator restarted from its state file (sim_state_file.hpp), its clock at `now_s`: the
    // cell relay and the applied current as saved, the counters, and a running script re-parsed
    // from its text and carried on where its loop was (packages at its interval, its timer's
    // time going on, the loop's remaining time ending it). Without a script (older files) a cell
    // left on stays on at its level, streaming nothing, until 'Z' or a new script. A saved
    // script that does not parse is an error (its line and what), the instrument left as it was.
    [[nodiscard]] Result<void> restore(const EmStatState& saved, double now_s);
    // Shifts the running script's times by `delta_s` (the host's clock restarted after an outage).
    void rebase(double delta_s);
    // When a running loop, left alone, ends (its duration run out or breakloop): the simulated
    // time poll() closes it at; nullopt without a loop.
    [[nodiscard]] std::optional<double> loop_end_s() const;
    [[nodiscard]] double compliance_v() const noexcept { return compliance_v_; }
    // Host lines outside script text, and each script's first command (command_log.hpp).
    [[nodiscard]] std::vector<std::string> command_log() const { return log_.entries(); }

private:
    struct Script;
    void command(std::string_view line, Instant now, std::vector<WireReply>& out);
    void start(Instant now, std::vector<WireReply>& out);
    // Script text -> Script; on an error nullptr and `error` is the "!4001: line N: what" reply.
    [[nodiscard]] std::unique_ptr<Script> parse(const std::vector<std::string>& lines,
                                                std::string& error) const;
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
