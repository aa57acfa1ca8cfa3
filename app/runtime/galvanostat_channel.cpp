#include "app/runtime/galvanostat_channel.hpp"

#include "app/runtime/runtime_text.hpp"

namespace edc::app {

namespace {

// Real seconds at any --speed: a lost link of a held cell should show within a second, and one
// :OUTP? plus :SYST:ERR? (some 35 bytes, tens of ms at 9600 baud) still leaves the line idle.
constexpr double held_check_period_real_s = 0.5;

}  // namespace

GalvanostatChannel::GalvanostatChannel(std::unique_ptr<Galvanostat> device, const RunClock& clock,
                                       double loop_hz, double set_point_a,
                                       loop::SpscQueue<GalvanostatSample>& samples, FaultSink fault,
                                       LinkKeeper link)
    : clock_(clock),
      set_point_a_(set_point_a),
      samples_(samples),
      fault_(std::move(fault)),
      link_(std::move(link)),
      worker_(
          std::move(device), [this](Galvanostat& g) { poll(g); }, 1.0 / loop_hz, clock.clock(),
          [this](const std::string& what) { fault_("internal_error", "galvanostat thread: " + what); }) {}

std::future<Result<std::string>> GalvanostatChannel::identify() {
    return worker_.call([this](Galvanostat& g) {
        auto id = g.identify();
        if (id) identity_ = *id;
        return id;
    });
}

std::future<Result<void>> GalvanostatChannel::configure(const GalvanostatSettings& settings) {
    return worker_.call([this, settings](Galvanostat& g) -> Result<void> {
        settings_ = settings;
        if (auto e = g.configure(settings); !e) return e;
        return g.set_current(0.0);
    });
}

std::future<Result<bool>> GalvanostatChannel::output_state() {
    return worker_.call([](Galvanostat& g) { return g.output_is_on(); });
}

std::future<Result<void>> GalvanostatChannel::energise() {
    auto done = worker_.call([this](Galvanostat& g) -> Result<void> {
        if (auto e = g.set_current(instrument_current_from_cathodic(set_point_a_)); !e) return e;
        if (auto e = g.output(true); !e) return e;
        samples_.try_push({clock_.run_s(), set_point_a_, 0.0, false});
        held_ = false;
        current_on_ = true;
        return {};
    });
    worker_.set_streaming(true);
    return done;
}

std::future<Result<void>> GalvanostatChannel::hold() {
    return worker_.call([this](Galvanostat& g) -> Result<void> {
        auto level = g.set_current(0.0);
        auto out = g.output(false);
        current_on_ = false;  // counted until the output is off
        samples_.try_push({clock_.run_s(), 0.0, 0.0, false});
        held_ = true;
        return !level ? level : out;
    });
}

std::string GalvanostatChannel::safe_description() const {
    return "galvanostat level 0, output off (high impedance)";
}

std::string GalvanostatChannel::unconfirmed_description(const Error& e) const {
    return "galvanostat not confirmed off: " + describe(e);
}

std::future<SafeStepOutcome> GalvanostatChannel::make_safe() {
    current_on_ = false;  // the loop stops counting charge now, not when the instrument answers
    held_ = false;
    worker_.set_streaming(false);
    return worker_.call(
        [this](Galvanostat& g) {
            // A lost link: the safe-off on every fresh connection, for most of the sequence's
            // wait, and after it from the polling until one is confirmed.
            auto off = on_fresh_links(link_, clock_.clock(), clock_.clock().real_to_clock(5.0),
                                      [&g] { return g.safe_off(); });
            std::string note;
            if (!off && io::is_link_loss(off.error()) && link_.can_reopen()) {
                if (link_.reopen_now()) {
                    off = g.safe_off();  // back just as the window ran out
                } else if (link_.take(off.error())) {
                    // Still away, reconnection on (journaled as lost, unless it already was):
                    // keep trying from the polling.
                    safe_off_pending_ = true;
                    next_safe_try_s_ = clock_.now_s() + LinkKeeper::retry_period_s;
                    worker_.set_streaming(true);
                    note = "galvanostat safe-off retried on every fresh connection until confirmed";
                }
            }
            return SafeStepOutcome{off, note};
        },
        true);
}

void GalvanostatChannel::retry_safe_off(Galvanostat& g) {
    const double now = clock_.now_s();
    if (now < next_safe_try_s_) return;
    next_safe_try_s_ = now + LinkKeeper::retry_period_s;
    if (!link_.reopen_now()) return;
    if (auto off = g.safe_off(); off) {
        safe_off_pending_ = false;
        link_.restored("safe-off confirmed on a fresh connection");
    }
}

void GalvanostatChannel::failed(const Error& e) {
    if (link_.take(e)) return;  // a lost link: reopened from the next poll on
    if (!failed_.exchange(true)) fault_("galvanostat_" + e.code, describe(e));
}

// The adapter came back: the instrument behind it kept sourcing (the loop kept counting charge
// at the last reading), so it must answer as itself with its output as the run left it.
bool GalvanostatChannel::reconnect(Galvanostat& g) {
    switch (link_.retry()) {
        case LinkKeeper::Retry::waiting:
            return false;
        case LinkKeeper::Retry::expired:
            if (!failed_.exchange(true)) fault_("galvanostat_" + link_.cause_code(), link_.expired_message());
            return false;
        case LinkKeeper::Retry::reopened:
            break;
    }
    auto id = g.identify();
    if (!id) {
        link_.retry_failed(id.error());
        return false;
    }
    if (*id != identity_) {
        if (!failed_.exchange(true)) {
            fault_("galvanostat_identity", "a different instrument answered on the reopened link: '" + *id +
                                               "', was '" + identity_ + "'");
        }
        return false;
    }
    auto on = g.output_is_on();
    if (!on) {
        link_.retry_failed(on.error());
        return false;
    }
    const bool want_on = current_on_.load();
    std::string how = "the same instrument, output " + std::string(*on ? "on" : "off");
    if (want_on && !*on) {
        // It switched off meanwhile (its own protection, a power glitch): settings and output
        // again, as energise() left them.
        Result<void> back = settings_ ? g.configure(*settings_) : Result<void>{};
        if (back) back = g.set_current(instrument_current_from_cathodic(set_point_a_));
        if (back) back = g.output(true);
        if (!back) {
            link_.retry_failed(back.error());
            return false;
        }
        how += ", settings restored and output on again";
    } else if (!want_on && *on) {
        link_.restored(how);
        failed(Error{"output_on", "the output is on after the link came back, while the run has it off", {}});
        return false;
    }
    link_.restored(how);
    return true;
}

void GalvanostatChannel::poll(Galvanostat& g) {
    if (safe_off_pending_) return retry_safe_off(g);
    if (failed_) return;
    if (link_.lost() && !reconnect(g)) return;
    if (held_) return watch_held(g);
    if (!current_on_) return;
    auto r = g.read();
    if (!r) return failed(r.error());
    GalvanostatSample s;
    s.t_s = clock_.run_s();
    s.current_a = cathodic_current_from_instrument(r->current_a);
    s.potential_v = r->potential_v;
    s.in_compliance = r->in_compliance;
    samples_.try_push(s);
}

// A held run is resumable, so its galvanostat must stay reachable, error-free and off: a lost
// link, a queued error or an output that came back on faults the run now, not at resume.
void GalvanostatChannel::watch_held(Galvanostat& g) {
    const double now = clock_.now_s();
    if (now < next_held_check_s_) return;
    next_held_check_s_ = now + clock_.clock().real_to_clock(held_check_period_real_s);
    auto on = g.output_is_on();
    if (!on) return failed(on.error());
    if (*on) {
        failed(Error{
            "output_on",
            "the output is on while the run is held (switched on at the instrument or by another program?)",
            {}});
    }
}

}  // namespace edc::app
