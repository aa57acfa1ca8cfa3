#pragma once
// Fault injection for the simulators: `KIND@SECONDS` (simulated seconds since start), or
// `KIND@safe-state` (compound faults, issue 13: fired when the run's first safe-state sequence
// starts; only a run knows when that is, so only `edc run --sim` takes it, not edc-sim).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/error.hpp"

namespace edc::sim {

enum class FaultKind {
    galvanostat_timeout,     // stops answering
    galvanostat_disconnect,  // closes its port: reads fail with EIO / EOF
    galvanostat_garbage,     // replies junk bytes
    galvanostat_scpi_error,  // +810 over temperature: error queued, output switched off
    compliance_trip,         // the cell's impedance jumps: the current hits the compliance
    pump_timeout,
    pump_disconnect,
    pump_stall,     // alarm S (New Era) / prompt * (Harvard)
    pump_alarm,     // alarm R: power glitch, the motor stopped
    syringe_empty,  // the syringe is used up: the motor stalls
    // The USB adapter vanishes and comes back under the same name (issue 13 item 3): the link
    // fails like an unplugged device (ENODEV/EIO, open refused) for FaultSpec::away_s, then
    // opens again; the instrument behind it keeps its state.
    galvanostat_reenumerate,
    pump_reenumerate,
};

// When a fault fires: at a simulated time, or on the run's safe-state sequence starting.
enum class FaultTrigger { at_time, at_safe_state };

struct FaultSpec {
    FaultKind kind = FaultKind::galvanostat_timeout;
    double at_sim_s = 0.0;  // at_time only
    FaultTrigger trigger = FaultTrigger::at_time;
    double away_s = default_away_s;  // re-enumerate kinds: how long the port is gone
    static constexpr double default_away_s = 3.0;
};

[[nodiscard]] const char* to_string(FaultKind k) noexcept;
[[nodiscard]] std::optional<FaultKind> fault_kind_from_string(std::string_view name) noexcept;
// "pump-stall@12.5" -> {pump_stall, 12.5}; "pump-stall@safe-state" -> {pump_stall, 0,
// at_safe_state}; the re-enumerate kinds take how long the port is gone after a '+':
// "pump-reenumerate@60+8" (default 3 s). Errors name the offending text and the kinds.
[[nodiscard]] Result<FaultSpec> parse_fault(std::string_view text);
[[nodiscard]] std::string fault_kinds_list();
[[nodiscard]] bool is_reenumerate(FaultKind k) noexcept;

// Faults in firing order; `due(t)` hands out each one once when simulated time reaches it.
// at_safe_state faults are not the schedule's: it drops them (the run's SimRig fires them).
class FaultSchedule {
public:
    explicit FaultSchedule(std::vector<FaultSpec> faults = {});
    [[nodiscard]] std::vector<FaultSpec> due(double sim_s);
    [[nodiscard]] std::size_t pending() const noexcept { return faults_.size() - next_; }

private:
    std::vector<FaultSpec> faults_;
    std::size_t next_ = 0;
};

}  // namespace edc::sim
