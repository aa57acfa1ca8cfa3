#pragma once
// New Era NE-1000 family (also WPI Aladdin) over RS-232, 19200 8N1 by default.
// Basic mode, or safe mode (`SAF n`: CRC-checked packets, and the pump stops with alarm T when
// the host is silent for n seconds, so the caller must talk to it, e.g. poll status(), faster
// than that).
#include <chrono>
#include <memory>
#include <optional>

#include "drivers/io/transport.hpp"
#include "drivers/pump/newera_protocol.hpp"
#include "drivers/pump/pump_link.hpp"
#include "drivers/pump/syringe_pump.hpp"

namespace edc {

struct NewEraOptions {
    int address = 0;
    std::chrono::milliseconds timeout{1000};
};

class NewEraPump final : public SyringePump {
public:
    NewEraPump(std::unique_ptr<io::ByteTransport> transport, NewEraOptions options = {});
    ~NewEraPump() override;

    // SAF <host_timeout_s>: from now on CRC packets; 0 returns to basic mode.
    Result<void> set_safe_mode(int host_timeout_s);
    bool safe_mode() const { return safe_mode_; }

    // Sends an empty packet (a status query). A pump that lost power answers the first packet
    // after power-up with alarm R, and that reply acknowledges it. Returns the alarm letter
    // acknowledged, or 0. Called at start-up; mid-run alarms are for the caller to judge. A pump
    // that does not answer in basic mode is asked again in safe mode (left there by a controller
    // that died) and returned to basic mode.
    Result<char> acknowledge_alarm();

    Result<std::string> identify() override;
    Result<void> set_diameter(double inner_diameter_m) override;
    Result<double> select_rate_unit(double max_planned_rate_m3_per_s) override;
    Result<double> set_rate(double rate_m3_per_s) override;
    Result<void> start() override;
    Result<void> stop() override;
    Result<PumpStatus> status() override;
    Result<void> clear_dispensed() override;
    Result<bool> leave_safe_mode() override;
    Result<void> safe_stop() override;

    // One command and its reply, alarms and ?errors left in the reply. In safe mode an alarm
    // packet the pump sent unasked before the reply is recognised and dropped (pump_link.hpp).
    Result<newera::Reply> exchange(std::string_view command);
    // exchange(), with alarms and ?errors turned into typed errors.
    Result<newera::Reply> command(std::string_view command);

    // Alarm packets the pump sent unasked in safe mode, recognised and dropped so far, and the
    // last one's letter (0: none). They do not acknowledge the alarm: the reply to the command
    // that followed did, and reported it (an alarm status, or error "pump_alarm").
    [[nodiscard]] int unasked_alarms() const { return unasked_alarms_; }
    [[nodiscard]] char last_unasked_alarm() const { return last_unasked_alarm_; }

private:
    void enter_safe_mode(bool on);

    PumpLink link_;
    NewEraOptions options_;
    bool safe_mode_ = false;
    bool running_ = false;
    int unasked_alarms_ = 0;
    char last_unasked_alarm_ = 0;
    std::optional<newera::RateUnit> unit_;
    bool unit_sent_ = false;  // the pump has been told unit_ (with a RAT)
    double last_dispensed_m3_ = 0.0;
};

}  // namespace edc
