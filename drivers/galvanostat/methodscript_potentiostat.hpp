#pragma once
// A PalmSens EmStat4 or EmStat Pico as a galvanostat over MethodSCRIPT (USB virtual COM port).
// Constant current = a chronopotentiometry script (meas_loop_cp) streaming time, potential and
// current; a new level = abort and a new script (a running script takes no new parameters from
// the host); off = abort ("Z") and a script that switches the cell off. docs/protocols/methodscript.md.
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "drivers/galvanostat/galvanostat.hpp"
#include "drivers/galvanostat/keithley_limits.hpp"
#include "drivers/galvanostat/methodscript_protocol.hpp"
#include "drivers/io/transport.hpp"

namespace edc {

struct MethodScriptModel {
    const char* model;            // recipe name: "palmsens-emstat4"
    const char* display;          // "PalmSens EmStat4"
    const char* firmware_prefix;  // what 't' answers: "es4_" (LR and HR), "espico"
    unsigned default_baud;
    int pgstat_mode;  // set_pgstat_mode for galvanostatic operation
    keithley::ModelLimits limits;
};

// The entry for a recipe model name; nullptr if it is none of ours.
[[nodiscard]] const MethodScriptModel* find_methodscript_model(std::string_view model);
[[nodiscard]] std::span<const MethodScriptModel> methodscript_models();

struct MethodScriptOptions {
    std::chrono::milliseconds timeout{2000};
    double interval_s = 0.1;  // one package per 100 ms: the control loop's 10 Hz
    double script_duration_s =
        3600;  // a script ends by itself; a dead host leaves the cell on at most this long
};

class MethodScriptPotentiostat final : public Galvanostat {
public:
    MethodScriptPotentiostat(const MethodScriptModel& model, std::unique_ptr<io::ByteTransport> transport,
                             MethodScriptOptions options = {});
    ~MethodScriptPotentiostat() override;

    Result<std::string> identify() override;
    Result<void> configure(const GalvanostatSettings& settings) override;
    Result<void> set_current(double amps) override;
    Result<void> output(bool on) override;
    Result<GalvanostatReading> read() override;
    Result<bool> output_is_on() override;
    Result<void> safe_off() override;

private:
    Result<std::string> line(std::chrono::milliseconds timeout);
    Result<void> start_script();
    Result<void> abort_script();
    Result<void> run_to_end(const std::string& script, std::string_view what);
    Result<void> take(std::string_view l, bool& ended);  // one streamed line
    Error here(std::string code, std::string message) const;

    const MethodScriptModel& model_;
    std::unique_ptr<io::ByteTransport> transport_;
    MethodScriptOptions options_;
    std::optional<GalvanostatSettings> settings_;
    double level_a_ = 0.0;
    bool running_ = false;  // our CP script is streaming
    std::optional<methodscript::Package> latest_;
    bool fresh_ = false;    // latest_ arrived since the last read()
    std::string identity_;  // what 't' answered last
    long packages_ = 0;     // packages taken so far
};

}  // namespace edc
