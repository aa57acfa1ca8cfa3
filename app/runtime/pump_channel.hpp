#pragma once
// The syringe pump as the run sees it: its own worker thread makes every driver call; between
// jobs the polling policy keeps the link alive while checking and priming (an NE-1000 in safe
// mode alarms when the host goes quiet) and, once the loop feeds, sets the loop's commanded
// rate and reports the dispensed volume to the loop through an SPSC queue. Each step the run
// asks for is a future; the safe state jumps the queue. No concrete pump type is named here.
//
// Thread: owns one (the InstrumentWorker). Callers only post jobs and set atomics.
#include <atomic>
#include <future>
#include <memory>
#include <string>

#include "app/runtime/galvanostat_channel.hpp"
#include "app/runtime/instrument_worker.hpp"
#include "app/runtime/link_keeper.hpp"
#include "app/runtime/run_clock.hpp"
#include "app/runtime/run_records.hpp"
#include "app/runtime/safe_state_sequencer.hpp"
#include "control/loop/spsc_queue.hpp"
#include "drivers/pump/syringe_pump.hpp"

namespace edc::app {

class PumpChannel final : public SafeStateChannel {
public:
    // Tests only: an exception in this channel's worker thread (instrument_worker.hpp).
    void throw_in_thread(std::string what) { worker_.throw_in_thread(std::move(what)); }

    // `safe_mode_timeout_s`: the pump's own host watchdog (0: none), named when a stop fails.
    // `link`: reconnection after a lost link (link_keeper.hpp); default: none, a loss faults.
    PumpChannel(std::unique_ptr<SyringePump> device, const RunClock& clock, const FeedCommand& feed,
                long safe_mode_timeout_s, loop::SpscQueue<PumpSample>& samples, FaultSink fault,
                LinkKeeper link = {});

    // identify() acknowledges a power-up alarm; polling (keep-alive) starts with it.
    [[nodiscard]] std::future<Result<std::string>> identify();
    void start_keepalive();
    // Bore and one rate unit for the whole run; returns the rate resolution at `top_rate`.
    // `plan_feed_m3` (bolus included) arms the pump's own stop where it has one (Harvard target
    // volume): before every start the pump is told the plan's remaining volume, so it stops by
    // itself if edc dies mid-run. 0: no target.
    [[nodiscard]] std::future<Result<double>> set_up(double diameter_m, double top_rate_m3_per_s,
                                                     double plan_feed_m3 = 0.0);
    [[nodiscard]] std::future<Result<void>> clear_dispensed();
    [[nodiscard]] std::future<Result<void>> start_bolus(double rate_m3_per_s);
    [[nodiscard]] std::future<Result<PumpStatus>> status();
    [[nodiscard]] std::future<Result<void>> stop_bolus();
    // From the first deposition on, the poll carries out the loop's FeedCommand.
    void start_feeding();

    [[nodiscard]] std::string safe_description() const override;
    [[nodiscard]] std::string unconfirmed_description(const Error& e) const override;
    // A confirmed stop also takes the pump out of any host-watchdog mode: nothing will command
    // the stopped pump any more. An unreachable pump keeps it and stops by itself.
    [[nodiscard]] std::future<SafeStepOutcome> make_safe() override;

private:
    void poll(SyringePump& p);
    void failed(const Error& e);
    // The link is lost: true once the pump is back as itself (worker thread).
    [[nodiscard]] bool reconnect(SyringePump& p);
    // set_target_volume(the plan's remaining volume) before a start (worker thread).
    [[nodiscard]] Result<void> arm_target(SyringePump& p) const;

    const RunClock& clock_;
    const FeedCommand& feed_;
    long safe_mode_timeout_s_;
    loop::SpscQueue<PumpSample>& samples_;
    FaultSink fault_;
    std::atomic<bool> feeding_{false};
    std::atomic<bool> failed_{false};
    bool running_ = false;                  // worker thread only
    double rate_set_ = 0.0;                 // worker thread only
    double plan_feed_m3_ = 0.0;             // worker thread only
    double dispensed_m3_ = 0.0;             // worker thread only: the pump's counter, last read
    std::string identity_;                  // worker thread only: identify()'s answer
    LinkKeeper link_;                       // worker thread only
    InstrumentWorker<SyringePump> worker_;  // last: its thread starts after everything it uses
};

}  // namespace edc::app
