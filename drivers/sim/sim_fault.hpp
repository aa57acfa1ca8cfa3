#pragma once
// Fault injection for the simulators: `KIND@SECONDS` (simulated seconds since start).
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
};

struct FaultSpec {
    FaultKind kind = FaultKind::galvanostat_timeout;
    double at_sim_s = 0.0;
};

[[nodiscard]] const char* to_string(FaultKind k) noexcept;
[[nodiscard]] std::optional<FaultKind> fault_kind_from_string(std::string_view name) noexcept;
// "pump-stall@12.5" -> {pump_stall, 12.5}. Errors name the offending text and the kinds.
[[nodiscard]] Result<FaultSpec> parse_fault(std::string_view text);
[[nodiscard]] std::string fault_kinds_list();

// Faults in firing order; `due(t)` hands out each one once when simulated time reaches it.
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
