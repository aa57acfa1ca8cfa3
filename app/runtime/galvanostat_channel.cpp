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
                                       loop::SpscQueue<GalvanostatSample>& samples, FaultSink fault)
    : clock_(clock),
      set_point_a_(set_point_a),
      samples_(samples),
      fault_(std::move(fault)),
      worker_(
          std::move(device), [this](Galvanostat& g) { poll(g); }, 1.0 / loop_hz, clock.clock(),
          [this](const std::string& what) { fault_("internal_error", "galvanostat thread: " + what); }) {}

std::future<Result<std::string>> GalvanostatChannel::identify() {
    return worker_.call([](Galvanostat& g) { return g.identify(); });
}

std::future<Result<void>> GalvanostatChannel::configure(const GalvanostatSettings& settings) {
    return worker_.call([settings](Galvanostat& g) -> Result<void> {
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
    return worker_.call([](Galvanostat& g) { return SafeStepOutcome{g.safe_off(), {}}; }, true);
}

void GalvanostatChannel::failed(const Error& e) {
    if (!failed_.exchange(true)) fault_("galvanostat_" + e.code, describe(e));
}

void GalvanostatChannel::poll(Galvanostat& g) {
    if (failed_) return;
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
