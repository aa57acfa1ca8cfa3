#pragma once
// Simulated time: seconds since a shared epoch, N times faster than the wall clock. Link
// delays and host timeouts stay in real time (they belong to the wire, not to the chemistry),
// so every model call receives both readings of the same instant.
#include <chrono>
#include <string>

namespace edc::sim {

struct Instant {
    double sim_s = 0.0;
    double real_s = 0.0;
};

class SimClock {
public:
    explicit SimClock(double speed_factor = 1.0)
        : epoch_(std::chrono::steady_clock::now()), speed_(speed_factor > 0.0 ? speed_factor : 1.0) {}

    [[nodiscard]] double speed_factor() const noexcept { return speed_; }
    [[nodiscard]] double real_s() const noexcept {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_).count();
    }
    [[nodiscard]] double sim_s() const noexcept { return real_s() * speed_; }
    [[nodiscard]] Instant now() const noexcept {
        const double r = real_s();
        return {r * speed_, r};
    }

private:
    std::chrono::steady_clock::time_point epoch_;
    double speed_;
};

// What a model hands back to its wire adapter: the bytes of one reply and how long the
// instrument takes to produce them (real seconds, before the bytes start on the wire).
struct WireReply {
    std::string bytes;
    double processing_s = 0.0;
};

}  // namespace edc::sim
