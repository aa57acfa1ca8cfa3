#pragma once
// The simulator models SimHost can start, keyed by the names recipes and the driver registry
// (drivers/registry) use: one entry each, saying which end of the rig it sits on, how it is
// wired (PTY at a default baud, or TCP) and how it is built. SimHost starts any entry the same
// way (sim_host.cpp): a new simulated instrument is its model file plus one entry here.
//
// The entries build into the host's typed slots (SimSlots), which the faults, the snapshot and
// the state file still read per model.
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/sim/emstat_model.hpp"
#include "drivers/sim/harvard_model.hpp"
#include "drivers/sim/keithley_model.hpp"
#include "drivers/sim/newera_model.hpp"
#include "drivers/sim/sim_clock.hpp"
#include "drivers/sim/sim_host.hpp"

namespace edc::sim {

enum class SimRole { galvanostat, pump };

// The wire side of one simulated instrument: bytes in, replies out, its own timers. Called by
// the host with its lock held and the plant advanced to `now`.
class SimInstrument {
public:
    virtual ~SimInstrument() = default;
    [[nodiscard]] virtual std::vector<WireReply> receive(std::string_view bytes, Instant now) = 0;
    // Unsolicited output (a safe-mode pump's alarm packets); only when has_poll().
    [[nodiscard]] virtual std::vector<WireReply> poll(Instant now) {
        (void)now;
        return {};
    }
    [[nodiscard]] virtual bool has_poll() const { return false; }
};

// Where the built models live (SimHost's members).
struct SimSlots {
    std::optional<KeithleyModel>& smu;
    std::optional<NewEraModel>& ne;
    std::optional<HarvardModel>& elite;
    std::optional<EmStatModel>& emstat;
};

struct SimModelEntry {
    std::string_view name;  // "keithley-2400", "ne-1000", "kds-legato-180"
    SimRole role = SimRole::galvanostat;
    bool lan = false;           // TCP on loopback instead of a PTY
    unsigned default_baud = 0;  // PTY models, when the config gives none (0: USB CDC, no byte timing)
    bool config_baud = true;    // false: the config's baud (a 2400's setting) does not apply
    // Builds the model into `slots` (on `cell`, with the config's options) and returns its wire side.
    std::unique_ptr<SimInstrument> (*build)(const SimModelEntry&, SimCell&, const SimHostConfig&,
                                            SimSlots) = nullptr;
};

[[nodiscard]] std::span<const SimModelEntry> sim_models();
// nullptr when `name` is no entry of that role.
[[nodiscard]] const SimModelEntry* find_sim_model(std::string_view name, SimRole role);
// "keithley-2400, keithley-2450, ..." for error messages.
[[nodiscard]] std::string sim_model_names(SimRole role);

}  // namespace edc::sim
