#pragma once
// Harvard Apparatus Pump 11 Elite over its USB virtual COM port or RS-232. Rate changes while
// infusing use the `@` prefix with `NVRAM off` (about 50 ms per change instead of an NVRAM
// write). Rates have 4 significant digits in the unit chosen by select_rate_unit.
#include <chrono>
#include <memory>
#include <optional>

#include "drivers/io/transport.hpp"
#include "drivers/pump/harvard_protocol.hpp"
#include "drivers/pump/pump_link.hpp"
#include "drivers/pump/syringe_pump.hpp"

namespace edc {

struct HarvardOptions {
    int address = 0;  // 0: no address prefix
    std::chrono::milliseconds timeout{1000};
};

class HarvardPump final : public SyringePump {
public:
    HarvardPump(std::unique_ptr<io::ByteTransport> transport, HarvardOptions options = {});
    ~HarvardPump() override;

    Result<void> disable_nvram();  // `NVRAM off`: fast rate updates, settings not persisted

    Result<std::string> identify() override;
    Result<void> set_diameter(double inner_diameter_m) override;
    Result<double> select_rate_unit(double max_planned_rate_m3_per_s) override;
    Result<double> set_rate(double rate_m3_per_s) override;
    Result<void> start() override;
    Result<void> stop() override;
    Result<PumpStatus> status() override;
    Result<void> clear_dispensed() override;
    Result<void> safe_stop() override;
    // `tvolume <n> ml|ul`, rounded up; the Elite stops with prompt T* when it has infused that
    // much since `irun`.
    Result<bool> set_target_volume(double volume_m3) override;
    // `ctvolume`: a stopped pump keeps no target once the run is over. True (a target was cleared).
    Result<bool> leave_safe_mode() override;

    // One command line and its reply; "Command error"/"Argument error" become typed errors.
    Result<harvard::Reply> command(std::string_view command);
    std::optional<harvard::RateLimits> rate_limits() const { return limits_; }

private:
    PumpLink link_;
    HarvardOptions options_;
    std::optional<harvard::RateUnit> unit_;
    std::optional<harvard::RateLimits> limits_;
    bool running_ = false;
};

}  // namespace edc
