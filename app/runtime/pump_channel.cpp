#include "app/runtime/pump_channel.hpp"

#include <algorithm>

#include "app/runtime/runtime_text.hpp"
#include "control/decimal.hpp"
#include "control/model/units.hpp"

namespace edc::app {

PumpChannel::PumpChannel(std::unique_ptr<SyringePump> device, const RunClock& clock, const FeedCommand& feed,
                         long safe_mode_timeout_s, loop::SpscQueue<PumpSample>& samples, FaultSink fault,
                         LinkKeeper link)
    : clock_(clock),
      feed_(feed),
      safe_mode_timeout_s_(safe_mode_timeout_s),
      samples_(samples),
      fault_(std::move(fault)),
      link_(std::move(link)),
      worker_(
          std::move(device), [this](SyringePump& p) { poll(p); }, 0.2, clock.clock(),
          [this](const std::string& what) { fault_("internal_error", "pump thread: " + what); }) {}

std::future<Result<std::string>> PumpChannel::identify() {
    return worker_.call([this](SyringePump& p) {
        auto id = p.identify();
        if (id) identity_ = *id;
        return id;
    });
}

// Polled from identify() until the safe state, in every phase: the NE-1000 in safe mode stops
// with alarm T when the host is silent for safe_mode_timeout real seconds, and the longest
// silence must not depend on --speed (the mixing wait alone lasts 9 s at 1x).
void PumpChannel::start_keepalive() {
    worker_.set_streaming(true);
}

std::future<Result<double>> PumpChannel::set_up(double diameter_m, double top_rate_m3_per_s, double plan_feed_m3) {
    return worker_.call([this, diameter_m, top_rate_m3_per_s, plan_feed_m3](SyringePump& p) -> Result<double> {
        plan_feed_m3_ = plan_feed_m3;
        if (auto d = p.set_diameter(diameter_m); !d) return std::unexpected(d.error());
        return p.select_rate_unit(top_rate_m3_per_s);
    });
}

std::future<Result<void>> PumpChannel::clear_dispensed() {
    return worker_.call([this](SyringePump& p) {
        auto r = p.clear_dispensed();
        if (r) dispensed_m3_ = 0.0;
        return r;
    });
}

// The closed loop feeds somewhat more than the plan (the paper run on the Elite: 1.8 % more,
// tests/integration/test_fault_matrix.cpp EliteLinkLoss), so the target carries a margin of 5 %
// of the plan: a healthy run never meets it, and a pump left alone stops within 5 % of the
// plan's end instead of emptying the syringe.
Result<void> PumpChannel::arm_target(SyringePump& p) const {
    if (plan_feed_m3_ <= 0.0) return {};
    constexpr double margin = 0.05;
    const double remaining = std::max(plan_feed_m3_ - dispensed_m3_, 0.0) + margin * plan_feed_m3_;
    auto set = p.set_target_volume(remaining);
    if (!set) return std::unexpected(set.error());
    return {};
}

std::future<Result<void>> PumpChannel::start_bolus(double rate_m3_per_s) {
    return worker_.call([this, rate_m3_per_s](SyringePump& p) -> Result<void> {
        auto set = p.set_rate(rate_m3_per_s);
        if (!set) return std::unexpected(set.error());
        if (auto t = arm_target(p); !t) return t;
        if (auto st = p.start(); !st) return st;
        running_ = true;
        return {};
    });
}

std::future<Result<PumpStatus>> PumpChannel::status() {
    return worker_.call([](SyringePump& p) { return p.status(); });
}

std::future<Result<void>> PumpChannel::stop_bolus() {
    return worker_.call([this](SyringePump& p) {
        running_ = false;
        return p.stop();
    });
}

void PumpChannel::start_feeding() {
    feeding_ = true;
    worker_.set_streaming(true);
}

std::string PumpChannel::safe_description() const {
    return "pump stopped";
}

std::string PumpChannel::unconfirmed_description(const Error& e) const {
    std::string text = "pump not confirmed stopped: " + describe(e);
    if (safe_mode_timeout_s_ > 0) {
        text += " (its safe mode stops it by itself " + std::to_string(safe_mode_timeout_s_) +
                " s after the last command it received)";
    }
    return text;
}

std::future<SafeStepOutcome> PumpChannel::make_safe() {
    worker_.set_streaming(false);
    return worker_.call(
        [this](SyringePump& p) -> SafeStepOutcome {
            running_ = false;
            // A lost link: the stop on every fresh connection, for most of the sequence's wait.
            auto stopped = on_fresh_links(link_, clock_.clock(), clock_.clock().real_to_clock(5.0),
                                          [&p] { return p.safe_stop(); });
            std::string note;
            if (!stopped && stopped.error().code == "pump_alarm") {
                // An alarm raised during the safe state (a second fault) can answer the stop in
                // its place, also the driver's own repeat (the NE-1000 in safe mode sends it
                // unsolicited too). Stopping is idempotent: once more, after safe_stop's drain.
                note = "pump alarm during the safe state, stop repeated: " + describe(stopped.error());
                stopped = p.safe_stop();
            }
            if (!stopped) return {stopped, note};
            auto left = p.leave_safe_mode();
            if (!left) {
                note += (note.empty() ? "" : "; ") +
                        std::string("pump stopped but still in safe mode (it will alarm T when this host goes quiet): ") +
                        describe(left.error());
            }
            return {stopped, note};
        },
        true);
}

void PumpChannel::failed(const Error& e) {
    if (link_.take(e)) return;  // a lost link: reopened from the next poll on
    if (!failed_.exchange(true)) fault_("pump_" + e.code, describe(e));
}

// The adapter came back: the pump behind it kept its settings and its counter, and may have
// stopped by itself meanwhile (its safe mode); the feed is late, and the scheduler's volume
// control catches up from the counter as after a stall.
bool PumpChannel::reconnect(SyringePump& p) {
    switch (link_.retry()) {
        case LinkKeeper::Retry::waiting:
            return false;
        case LinkKeeper::Retry::expired:
            if (!failed_.exchange(true)) fault_("pump_" + link_.cause_code(), link_.expired_message());
            return false;
        case LinkKeeper::Retry::reopened:
            break;
    }
    auto id = p.identify();
    if (!id) {
        link_.retry_failed(id.error());
        return false;
    }
    if (*id != identity_) {
        if (!failed_.exchange(true)) {
            fault_("pump_identity", "a different pump answered on the reopened link: '" + *id + "', was '" +
                                        identity_ + "'");
        }
        return false;
    }
    auto status = p.status();
    if (!status) {
        link_.retry_failed(status.error());
        return false;
    }
    const bool infusing = status->state == PumpState::infusing;
    if (running_ && !infusing) running_ = false;  // the next poll starts it at the loop's rate
    link_.restored("the same pump (" + *id + "), " + std::string(to_string(status->state)) + ", " +
                   decimal::general(units::m3_to_ml(status->dispensed_m3), 6) + " mL dispensed");
    return true;
}

void PumpChannel::poll(SyringePump& p) {
    if (failed_) return;
    if (link_.lost() && !reconnect(p)) return;
    if (!feeding_) {
        // Checking and priming: the run's jobs drive the pump (the pre-bolus); this poll keeps
        // the link alive and reports an alarm as soon as it appears.
        auto status = p.status();
        if (!status) return failed(status.error());
        dispensed_m3_ = status->dispensed_m3;
        if (status->state == PumpState::alarm || !status->alarm.empty()) {
            return failed(Error{"alarm", "pump alarm " + status->alarm, {}});
        }
        return;
    }
    const double want = feed_.wanted();
    if (want <= 0.0) {
        if (running_) {
            if (auto st = p.stop(); !st) return failed(st.error());
            running_ = false;
        }
    } else if (!running_ || want != rate_set_) {
        auto set = p.set_rate(want);
        if (!set) return failed(set.error());
        rate_set_ = want;
        if (!running_) {
            if (auto t = arm_target(p); !t) return failed(t.error());
            if (auto st = p.start(); !st) return failed(st.error());
            running_ = true;
        }
    }
    auto status = p.status();
    if (!status) return failed(status.error());
    if (status->state == PumpState::alarm || !status->alarm.empty()) {
        return failed(Error{"alarm", "pump alarm " + status->alarm, {}});
    }
    dispensed_m3_ = status->dispensed_m3;
    if (running_ && status->state == PumpState::stopped) {
        return failed(
            Error{"stopped", "the pump stopped by itself while infusing (stall or empty syringe?)", {}});
    }
    samples_.try_push({clock_.run_s(), status->dispensed_m3});
}

}  // namespace edc::app
