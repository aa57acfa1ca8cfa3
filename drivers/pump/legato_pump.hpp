#pragma once
// KD Scientific Legato 100/180/200 over its USB virtual COM port or RS-232 (115200 8N1 by
// default). The Legato's firmware speaks the Pump 11 Elite's protocol, so the exchange (framing,
// stale-reply discard, typed errors, rate units, `@irate` while infusing, `tvolume` as the host
// watchdog it lacks) is HarvardPump's; this class adds the Legato's identity and its NVRAM switch.
#include <chrono>
#include <memory>
#include <string>

#include "drivers/io/transport.hpp"
#include "drivers/pump/harvard_pump.hpp"
#include "drivers/pump/legato_protocol.hpp"
#include "drivers/pump/syringe_pump.hpp"

namespace edc {

struct LegatoOptions {
    std::string model = "kds-legato-100";  // the recipe's name; identify() checks `ver` against it
    int address = 0;                       // 0: no address prefix
    std::chrono::milliseconds timeout{1000};
};

class LegatoPump final : public SyringePump {
public:
    LegatoPump(std::unique_ptr<io::ByteTransport> transport, LegatoOptions options = {});
    ~LegatoPump() override;

    // `nvram none`: rate changes are not written to non-volatile memory (KD Scientific's advice
    // for computer control; a rate change every control tick would wear it).
    Result<void> disable_nvram();

    // `ver` only (changes nothing). Error "wrong_model" when another Legato answers.
    Result<std::string> identify() override;
    Result<void> set_diameter(double inner_diameter_m) override {
        return link_.set_diameter(inner_diameter_m);
    }
    Result<double> select_rate_unit(double max_planned_rate_m3_per_s) override {
        return link_.select_rate_unit(max_planned_rate_m3_per_s);
    }
    Result<double> set_rate(double rate_m3_per_s) override { return link_.set_rate(rate_m3_per_s); }
    Result<void> start() override { return link_.start(); }
    Result<void> stop() override { return link_.stop(); }
    Result<PumpStatus> status() override { return link_.status(); }
    Result<void> clear_dispensed() override { return link_.clear_dispensed(); }
    Result<void> safe_stop() override { return link_.safe_stop(); }
    Result<bool> set_target_volume(double volume_m3) override { return link_.set_target_volume(volume_m3); }
    Result<bool> leave_safe_mode() override { return link_.leave_safe_mode(); }

private:
    LegatoOptions options_;
    HarvardPump link_;
};

}  // namespace edc
