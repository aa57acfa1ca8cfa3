#pragma once
// One simulated instrument as SimHost sees it, whatever its model: the wire (bytes in, replies
// out, unsolicited output), its part of each plant step, its own faults, its half of the
// snapshot and its section of the state file. SimHost holds one per role and never asks which
// model it is; each model family's adapter (sim_instruments.cpp) owns its model.
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/error.hpp"
#include "drivers/sim/emstat_model.hpp"
#include "drivers/sim/harvard_model.hpp"
#include "drivers/sim/keithley_model.hpp"
#include "drivers/sim/newera_model.hpp"
#include "drivers/sim/sim_clock.hpp"
#include "drivers/sim/sim_fault.hpp"
#include "drivers/sim/sim_host.hpp"

namespace edc::sim {

// Every call is made by the host with its lock held (and, for receive/poll, the plant advanced
// to `now`).
class SimInstrument {
public:
    SimInstrument() = default;
    SimInstrument(const SimInstrument&) = delete;
    SimInstrument& operator=(const SimInstrument&) = delete;
    virtual ~SimInstrument() = default;

    [[nodiscard]] virtual std::vector<WireReply> receive(std::string_view bytes, Instant now) = 0;
    // Unsolicited output (a safe-mode pump's alarm packets, the EmStat's measurement packages);
    // only when has_poll().
    [[nodiscard]] virtual std::vector<WireReply> poll(Instant now) {
        (void)now;
        return {};
    }
    [[nodiscard]] virtual bool has_poll() const { return false; }

    // One plant step, to `t1_s` (`dt_s` long), before the cell moves: a pump's motor runs first
    // so a stall stops the feed at once; a source-measure unit counts its time shorted.
    virtual void advance(double t1_s, double dt_s) = 0;
    // An instrument-level fault (scpi_error, pump_stall, pump_alarm, syringe_empty); false: not
    // one this instrument has. The link-level faults are the host's.
    virtual bool fire(FaultKind kind) = 0;
    // Its half of the snapshot (the galvanostat's or the pump's fields).
    virtual void fill(SimSnapshot& s) const = 0;

    // Its section of the state file, without "model" (sim_instrument_state.hpp).
    [[nodiscard]] virtual nlohmann::json save() const = 0;
    // Puts back what save() wrote, its own clock restarting at 0. `file` and `where` (the
    // section) name a bad field.
    [[nodiscard]] virtual Result<void> restore(const nlohmann::json& fields, const std::string& file,
                                               const std::string& where) = 0;
    // Left alone (an outage with no controller), the instrument acts by itself this many
    // simulated seconds after its clock's 0 (the NE-1000's safe-mode host timeout); then the
    // host calls watchdog_expired(). nullopt: never.
    [[nodiscard]] virtual std::optional<double> watchdog_s() const { return std::nullopt; }
    virtual void watchdog_expired() {}
    // Its own clock restarts at `sim_s` (the host's did, after an outage).
    virtual void rebase(double sim_s) { (void)sim_s; }
};

[[nodiscard]] std::unique_ptr<SimInstrument> keithley_instrument(SimCell& cell,
                                                                 const KeithleyOptions& options);
[[nodiscard]] std::unique_ptr<SimInstrument> emstat_instrument(SimCell& cell, const EmStatOptions& options);
[[nodiscard]] std::unique_ptr<SimInstrument> newera_instrument(SimCell& cell, const NewEraOptions& options);
// The Pump 11 Elite and the Legatos (the same firmware, legato_model.hpp).
[[nodiscard]] std::unique_ptr<SimInstrument> harvard_instrument(SimCell& cell, const HarvardOptions& options);

}  // namespace edc::sim
