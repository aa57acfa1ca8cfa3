#pragma once
// Limits validated at recipe load are enforced again here, on every measurement, independent of
// the instruments' own compliance. Pure and allocation-free so the loop can call it each tick.
#include <optional>
#include <string_view>

namespace edc::run {

struct InterlockLimits {
    double max_abs_potential_v = 10.0;    // software limit on the measured electrode potential
    double max_abs_current_a = 0.0;       // 0: unchecked; otherwise set point * margin
    double syringe_volume_m3 = 0.0;       // 0: no pump
    double max_cell_volume_m3 = 0.0;      // 0: unchecked (overflow mode keeps volume constant)
};

struct InterlockInputs {
    double potential_v = 0.0;
    double current_a = 0.0;
    bool in_compliance = false;
    double dispensed_m3 = 0.0;
    double cell_volume_m3 = 0.0;
};

enum class InterlockTrip { potential_limit, compliance, overcurrent, syringe_empty, cell_overflow };

struct InterlockReport {
    InterlockTrip trip;
    double value;  // the measured value that tripped, SI
    double limit;  // the limit it crossed, SI
};

[[nodiscard]] std::optional<InterlockReport> check_interlocks(const InterlockLimits& limits,
                                                              const InterlockInputs& in) noexcept;

[[nodiscard]] std::string_view to_string(InterlockTrip t) noexcept;

// Trips when the loop has not kicked it for longer than the timeout (times in seconds, any
// monotonic clock). The runtime checks it from a thread other than the one that kicks it.
class Watchdog {
public:
    explicit Watchdog(double timeout_s) noexcept : timeout_s_(timeout_s) {}
    void kick(double now_s) noexcept { last_kick_s_ = now_s; armed_ = true; }
    void disarm() noexcept { armed_ = false; }
    [[nodiscard]] bool expired(double now_s) const noexcept { return armed_ && now_s - last_kick_s_ > timeout_s_; }
    [[nodiscard]] double timeout_s() const noexcept { return timeout_s_; }

private:
    double timeout_s_;
    double last_kick_s_ = 0.0;
    bool armed_ = false;
};

}  // namespace edc::run
