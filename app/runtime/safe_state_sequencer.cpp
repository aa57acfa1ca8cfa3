#include "app/runtime/safe_state_sequencer.hpp"

#include <cmath>
#include <exception>
#include <optional>

namespace edc::app {

namespace {

Error thrown(const char* what) {
    return Error{"exception", std::string("the safe-state step threw: ") + what,
                 "app/runtime/safe_state_sequencer.cpp"};
}

}  // namespace

bool SafeStateReport::confirmed() const {
    for (const auto& s : steps) {
        if (!s.confirmed) return false;
    }
    return true;
}

std::string SafeStateReport::describe() const {
    std::string out;
    for (const auto& s : steps) out += (out.empty() ? "" : "; ") + s.text;
    const auto ms = std::to_string(elapsed.count());
    if (steps.empty()) return "no instrument was opened, nothing to make safe; in " + ms + " ms";
    return confirmed() ? out + "; in " + ms + " ms" : out + " (after " + ms + " ms)";
}

SafeStateReport drive_safe_state(std::span<SafeStateChannel* const> channels,
                                 std::chrono::milliseconds limit, clk::Clock* clock,
                                 const std::function<void()>& started) {
    clk::WallClock wall;
    clk::Clock& on = *(clock != nullptr ? clock : &wall);
    const double begun = on.now_s();
    const double deadline = begun + on.real_to_clock(limit);
    // Start every step before waiting for any: the instruments go safe in parallel.
    std::vector<std::optional<std::future<SafeStepOutcome>>> pending;
    std::vector<std::optional<Error>> early;
    pending.reserve(channels.size());
    early.reserve(channels.size());
    for (auto* c : channels) {
        try {
            pending.emplace_back(c->make_safe());
            early.emplace_back();
        } catch (const std::exception& e) {
            pending.emplace_back();
            early.emplace_back(thrown(e.what()));
        }
    }
    if (started) {
        try {
            started();
        } catch (const std::exception&) {  // whoever listens must not keep a step from being awaited
        }
    }
    SafeStateReport report;
    for (std::size_t i = 0; i < channels.size(); ++i) {
        SafeStepReport step;
        std::optional<Error> error = early[i];
        auto& slot = pending[i];
        if (!error && slot.has_value()) {
            auto& f = *slot;
            if (!clk::wait_ready(on, f, deadline)) {
                error =
                    Error{"timeout", "did not answer within " + std::to_string(limit.count()) + " ms", {}};
            } else {
                try {
                    auto outcome = f.get();
                    step.note = std::move(outcome.note);
                    if (!outcome.result) error = outcome.result.error();
                } catch (const std::exception& e) {
                    error = thrown(e.what());
                }
            }
        }
        step.confirmed = !error;
        step.text = error ? channels[i]->unconfirmed_description(*error) : channels[i]->safe_description();
        report.steps.push_back(std::move(step));
    }
    report.elapsed = std::chrono::milliseconds(std::llround(on.clock_to_real(on.now_s() - begun) * 1000.0));
    return report;
}

}  // namespace edc::app
