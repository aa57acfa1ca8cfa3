#pragma once
// The safe state, instrument by instrument: every channel's step is started at once (each on
// its own instrument thread, ahead of anything queued there), then each is awaited with a
// limit. A failing, throwing or silent step never keeps the others from being attempted, and
// the report says, per instrument, what was confirmed and what was not. Steps are idempotent
// (level 0 + output off, pump stop): a second sequence after a failed first is always safe.
//
// Thread: runs on the caller's thread (the runtime's job thread); never on the supervisor's.
#include <chrono>
#include <functional>
#include <future>
#include <span>
#include <string>
#include <vector>

#include "control/clock/clock.hpp"
#include "control/error.hpp"

namespace edc::app {

struct SafeStepOutcome {
    Result<void> result;
    std::string note;  // a warning even when confirmed (e.g. a pump left in its safe mode)
};

// One instrument as the sequencer sees it (GalvanostatChannel, PumpChannel, fakes in tests).
class SafeStateChannel {
public:
    virtual ~SafeStateChannel() = default;
    // What "safe" means for this instrument, as the journal says it when confirmed.
    [[nodiscard]] virtual std::string safe_description() const = 0;
    // How a failure reads, e.g. "pump not confirmed stopped: <error>" plus what still protects.
    [[nodiscard]] virtual std::string unconfirmed_description(const Error& e) const = 0;
    // Starts the step (must not block); the future carries its outcome.
    [[nodiscard]] virtual std::future<SafeStepOutcome> make_safe() = 0;
};

struct SafeStepReport {
    bool confirmed = false;
    std::string text;  // safe_description() or unconfirmed_description()
    std::string note;
};

struct SafeStateReport {
    std::vector<SafeStepReport> steps;  // in the channels' order
    std::chrono::milliseconds elapsed{0};
    [[nodiscard]] bool confirmed() const;  // every step confirmed (none: nothing to confirm)
    // Every step's text in order, "; in N ms" when all were confirmed, " (after N ms)" if not:
    // "galvanostat not confirmed off: timeout ...; pump stopped (after 8001 ms)".
    [[nodiscard]] std::string describe() const;
};

// `limit` is per step, counted from when the sequence began, in real time on `clock` (the run's;
// null: the wall clock), as is the elapsed time reported. `started`, if given, is called once
// every step has been started and before any is awaited: the sequence's start event (the sim
// rig fires compound faults on it, issue 13); if it throws, the steps are still awaited.
[[nodiscard]] SafeStateReport drive_safe_state(std::span<SafeStateChannel* const> channels,
                                               std::chrono::milliseconds limit, clk::Clock* clock = nullptr,
                                               const std::function<void()>& started = {});

}  // namespace edc::app
