#pragma once
// An instrument channel's watch over its link (issue 13 item 3). When a USB adapter vanishes
// and returns under the same name, the channel hands the error here: the link is closed and the
// loss journaled (link_lost); the channel then asks retry() from its polling, which reopens by
// the stable name every `retry_period_s` of run-clock time; once the instrument answers as the
// same instrument, restored() journals the gap (link_restored, seconds away). A link away for
// longer than the recipe's link_loss_grace is the channel's fault to report.
//
// Thread: the channel's worker thread only (the transport is the driver's).
#include <functional>
#include <string>

#include "app/runtime/run_clock.hpp"
#include "control/clock/clock.hpp"
#include "control/error.hpp"
#include "drivers/io/reopening_transport.hpp"

namespace edc::app {

// Any thread: an event for the journal (level, code, message).
using EventSink =
    std::function<void(const std::string& level, const std::string& code, const std::string& message)>;

class LinkKeeper {
public:
    static constexpr double retry_period_s = 0.5;

    LinkKeeper() = default;  // no reconnection: every link loss is a fault at once
    // `instrument`: "galvanostat" or "pump"; `link` is owned by the driver.
    LinkKeeper(std::string instrument, io::ReopeningTransport* link, double grace_s, const RunClock* clock,
               EventSink record);

    [[nodiscard]] bool lost() const noexcept { return lost_; }
    // The link failed with `e`. True when this keeper takes it over (a link loss, reconnection
    // on): the link is closed and the loss journaled. False: the caller's fault as before.
    [[nodiscard]] bool take(const Error& e);

    enum class Retry { waiting, reopened, expired };
    // While lost: time to try again? Reopens the link (reopened), or not yet (waiting), or the
    // grace is over (expired: report expired_message()).
    [[nodiscard]] Retry retry();
    // Reopened, but the instrument did not answer as itself: closed again, retried later.
    void retry_failed(const Error& e);
    // The instrument is back and checked: journaled with the time away.
    void restored(const std::string& how);
    [[nodiscard]] std::string expired_message() const;
    // The fault code of an expired loss: the error that began it ("disconnected"), so a link
    // that never came back faults as it did before reconnection existed, only later.
    [[nodiscard]] const std::string& cause_code() const noexcept { return cause_code_; }
    // Safe state with the link lost: reopen now, whatever the grace (one attempt).
    [[nodiscard]] Result<void> reopen_now();
    [[nodiscard]] double grace_s() const noexcept { return grace_s_; }
    [[nodiscard]] bool can_reopen() const noexcept { return link_ != nullptr; }
    void close() noexcept {
        if (link_ != nullptr) link_->close();
    }

private:
    std::string instrument_;
    io::ReopeningTransport* link_ = nullptr;
    double grace_s_ = 0.0;
    const RunClock* clock_ = nullptr;
    EventSink record_;
    bool lost_ = false;
    double lost_at_s_ = 0.0;  // clock seconds
    double next_try_s_ = 0.0;
    long attempts_ = 0;
    std::string cause_;
    std::string cause_code_;
    std::string last_error_;
};

}  // namespace edc::app

namespace edc::app {

// A safe-state step on a link that may be lost: the step, and while it fails for a lost link,
// a fresh connection and the step again. Only an absent port (a USB adapter away, open refused)
// is waited for, one retry period at a time for up to `for_s` clock seconds: a port that opens
// but whose instrument still does not answer is a fault of its own, reported at once.
// (Worker thread; a virtual clock's sleeps are turns of the run.)
template <class Step>
auto on_fresh_links(LinkKeeper& keeper, clk::Clock& clock, double for_s, Step step) -> decltype(step()) {
    auto r = step();
    const double until = clock.now_s() + for_s;
    while (!r && io::is_link_loss(r.error()) && keeper.can_reopen()) {
        auto fresh = keeper.reopen_now();
        if (fresh) {
            r = step();
            if (!r && io::is_link_loss(r.error())) keeper.close();  // present but dead
            return r;
        }
        if (!io::is_port_absent(fresh.error()) || clock.now_s() + LinkKeeper::retry_period_s > until) return r;
        clock.sleep_for(LinkKeeper::retry_period_s);
    }
    return r;
}

}  // namespace edc::app
