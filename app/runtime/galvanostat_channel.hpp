#pragma once
// The galvanostat as the run sees it (a hardware component in ros2_control's terms): its own
// worker thread makes every driver call, the polling policy runs there between jobs (readings
// while the output is on, a watch on a held instrument), and each step the run asks for is a
// future. Readings go to the control loop through an SPSC queue whose only producer is the
// worker thread; a driver error is reported once through the fault sink.
//
// Thread: owns one (the InstrumentWorker). Callers only post jobs and read atomics.
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>

#include "app/runtime/instrument_worker.hpp"
#include "app/runtime/link_keeper.hpp"
#include "app/runtime/run_clock.hpp"
#include "app/runtime/run_records.hpp"
#include "app/runtime/safe_state_sequencer.hpp"
#include "control/loop/spsc_queue.hpp"
#include "drivers/galvanostat/galvanostat.hpp"

namespace edc::app {

// Any thread: a fault to report (code, message). The run decides what happens next.
using FaultSink = std::function<void(const std::string& code, const std::string& message)>;

class GalvanostatChannel final : public SafeStateChannel {
public:
    // Tests only: an exception in this channel's worker thread (instrument_worker.hpp).
    void throw_in_thread(std::string what) { worker_.throw_in_thread(std::move(what)); }

    // `set_point_a`: the cathodic set current the output is energised at.
    // `link`: reconnection after a lost link (link_keeper.hpp); default: none, a loss faults.
    GalvanostatChannel(std::unique_ptr<Galvanostat> device, const RunClock& clock, double loop_hz,
                       double set_point_a, loop::SpscQueue<GalvanostatSample>& samples, FaultSink fault,
                       LinkKeeper link = {});

    [[nodiscard]] std::future<Result<std::string>> identify();
    // Source range, compliance, sense, limits; the level at 0 with the output still off.
    [[nodiscard]] std::future<Result<void>> configure(const GalvanostatSettings& settings);
    // Level at the set point, output on; readings stream to the loop from now. The loop's view
    // of the output changes on the worker thread together with the switch, so charge is
    // counted from the moment current flows (at the set point until the first reading).
    [[nodiscard]] std::future<Result<void>> energise();
    // Whether the output is on, as the instrument says (a resumed run asks before anything else).
    [[nodiscard]] std::future<Result<bool>> output_state();
    // Level 0, output off; the held instrument is watched from now, whatever this returns.
    [[nodiscard]] std::future<Result<void>> hold();
    // SafeStateChannel: level 0, output off, high impedance; jumps the worker's queue.
    [[nodiscard]] std::string safe_description() const override;
    [[nodiscard]] std::string unconfirmed_description(const Error& e) const override;
    [[nodiscard]] std::future<SafeStepOutcome> make_safe() override;

    // Read by the control loop every tick.
    [[nodiscard]] const std::atomic<bool>& current_on() const noexcept { return current_on_; }

private:
    void poll(Galvanostat& g);
    void watch_held(Galvanostat& g);
    void failed(const Error& e);
    // The link is lost: true once the instrument is back as itself, its output as left.
    [[nodiscard]] bool reconnect(Galvanostat& g);
    // A safe-off that failed for a lost link: again on every fresh connection until confirmed.
    void retry_safe_off(Galvanostat& g);

    const RunClock& clock_;
    double set_point_a_;
    loop::SpscQueue<GalvanostatSample>& samples_;
    FaultSink fault_;
    std::atomic<bool> current_on_{false};
    std::atomic<bool> held_{false};  // output switched off by a hold: watch, don't read
    std::atomic<bool> failed_{false};
    double next_held_check_s_ = 0.0;  // clock seconds; worker thread only
    std::string identity_;             // worker thread only: identify()'s answer
    std::optional<GalvanostatSettings> settings_;  // worker thread only: configure()'s
    bool safe_off_pending_ = false;    // worker thread only
    double next_safe_try_s_ = 0.0;     // worker thread only
    LinkKeeper link_;                  // worker thread only
    InstrumentWorker<Galvanostat> worker_;  // last: its thread starts after everything it uses
};

}  // namespace edc::app
