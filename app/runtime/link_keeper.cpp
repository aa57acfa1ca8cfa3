#include "app/runtime/link_keeper.hpp"

#include <utility>

#include "app/runtime/runtime_text.hpp"
#include "control/decimal.hpp"

namespace edc::app {

LinkKeeper::LinkKeeper(std::string instrument, io::ReopeningTransport* link, double grace_s,
                       const RunClock* clock, EventSink record)
    : instrument_(std::move(instrument)),
      link_(link),
      grace_s_(grace_s),
      clock_(clock),
      record_(std::move(record)) {}

bool LinkKeeper::take(const Error& e) {
    if (link_ == nullptr || clock_ == nullptr || grace_s_ <= 0.0 || !io::is_link_loss(e)) return false;
    if (lost_) return true;
    lost_ = true;
    lost_at_s_ = clock_->now_s();
    next_try_s_ = lost_at_s_ + retry_period_s;
    attempts_ = 0;
    cause_ = describe(e);
    cause_code_ = e.code;
    link_->close();
    if (record_) {
        record_("warning", "link_lost",
                instrument_ + " link lost: " + cause_ + "; reopening " + link_->name() + " every " +
                    decimal::general(retry_period_s, 3) + " s for up to " + decimal::general(grace_s_, 6) +
                    " s");
    }
    return true;
}

LinkKeeper::Retry LinkKeeper::retry() {
    const double now = clock_->now_s();
    if (now - lost_at_s_ > grace_s_) return Retry::expired;
    if (now < next_try_s_) return Retry::waiting;
    next_try_s_ = now + retry_period_s;
    ++attempts_;
    if (auto r = link_->reopen(); !r) {
        last_error_ = describe(r.error());
        return Retry::waiting;
    }
    return Retry::reopened;
}

void LinkKeeper::retry_failed(const Error& e) {
    last_error_ = describe(e);
    link_->close();
}

void LinkKeeper::restored(const std::string& how) {
    const double away = clock_->now_s() - lost_at_s_;
    lost_ = false;
    if (record_) {
        record_("info", "link_restored",
                instrument_ + " link restored after " + decimal::fixed(away, 3) + " s away (" +
                    std::to_string(attempts_) + " attempts): " + how);
    }
}

std::string LinkKeeper::expired_message() const {
    std::string text = instrument_ +
                       " link lost for more than link_loss_grace = " + decimal::general(grace_s_, 6) +
                       " s (" + cause_ + ")";
    if (!last_error_.empty()) text += "; last attempt: " + last_error_;
    return text;
}

Result<void> LinkKeeper::reopen_now() {
    if (link_ == nullptr) return fail("no_reconnect", "this link cannot be reopened", instrument_);
    ++attempts_;
    return link_->reopen();
}

}  // namespace edc::app
