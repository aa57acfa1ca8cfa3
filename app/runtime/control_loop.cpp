#include "app/runtime/control_loop.hpp"

#include <exception>
#include <stdexcept>

#include "control/loop/loop_runner.hpp"

namespace edc::app {

ControlLoop::ControlLoop(const plan::FeedPlan& plan, const model::CellParams& cell,
                         const plan::PumpLimits& pump, const LoopSettings& settings, const RunClock& clock,
                         FeedCommand& feed)
    : scheduler_(plan, cell, pump),
      settings_(settings),
      clock_(clock),
      feed_(feed),
      tick_q_(settings.tick_queue_capacity) {}

ControlLoop::~ControlLoop() {
    stop();
}

void ControlLoop::replan(const plan::FeedPlan& plan, const model::CellParams& cell,
                         const plan::PumpLimits& pump, const run::InterlockLimits& limits) {
    if (thread_.joinable()) return;
    scheduler_ = loop::Scheduler(plan, cell, pump);
    settings_.limits = limits;
}

void ControlLoop::start(const std::atomic<bool>& current_on, journal::JournalWriter* writer,
                        std::function<void(const std::string&)> on_exception) {
    if (thread_.joinable()) return;
    last_tick_s_ = clock_.run_s();
    running_ = true;
    loop::LoopOptions lo;
    lo.period_s = 1.0 / settings_.loop_hz;  // run seconds on the run's clock
    lo.clock = &clock_.clock();
    lo.try_realtime = true;
    lo.try_lock_memory = false;  // mlockall(MCL_FUTURE) would pin every later allocation of the process
    runner_ = std::make_unique<loop::LoopRunner>(lo);
    thread_ = std::thread([this, &current_on, writer, on_exception = std::move(on_exception),
                           attached = clk::Attachment(clock_.clock())] {
        // No exception leaves the thread: std::terminate would end the process with the cell
        // energised. The loop stops; the run faults and goes safe.
        try {
            run(&current_on, writer);
        } catch (const std::exception& e) {
            if (on_exception) on_exception(e.what());
        } catch (...) {
            if (on_exception) on_exception("unknown exception");
        }
    });
}

void ControlLoop::stop() {
    halt_ = stopping;
    if (runner_) runner_->stop();
    if (thread_.joinable()) thread_.join();
    running_ = false;
}

void ControlLoop::freeze() {
    int expected = go;
    halt_.compare_exchange_strong(expected, frozen);
}

void ControlLoop::throw_in_thread() {
    int expected = go;
    halt_.compare_exchange_strong(expected, throwing);
}

void ControlLoop::run(const std::atomic<bool>* current_on, journal::JournalWriter* writer) {
    loop::LoopRunner& runner = *runner_;
    const auto stats = runner.run([&](const loop::TickContext&) {
        const int halt = halt_.load(std::memory_order_relaxed);
        if (halt == stopping) runner.stop();
        if (halt == throwing) throw std::runtime_error("exception injected by a test");
        if (halt != go) return;  // frozen: no tick, no heartbeat
        step(clock_.run_s(), *current_on, writer);
        overruns_.store(runner.overruns(), std::memory_order_relaxed);
    });
    overruns_.store(stats.overruns);
}

void ControlLoop::step(double t, const std::atomic<bool>& current_on, journal::JournalWriter* writer) {
    GalvanostatSample gs;
    while (galvanostat_q_.try_pop(gs)) {
        g_ = gs;
        have_g_ = true;
    }
    PumpSample ps;
    while (pump_q_.try_pop(ps)) {
        p_ = ps;
        have_p_ = true;
    }
    const bool on = current_on.load(std::memory_order_relaxed);
    loop::SchedulerInputs in;
    in.time_s = t;
    in.current_on = on && have_g_;
    in.current_a = in.current_on ? g_.current_a : 0.0;
    in.dispensed_m3 = p_.dispensed_m3;
    in.dispensed_valid = have_p_;
    in.dispensed_age_s = have_p_ ? t - p_.t_s : 0.0;
    const auto out = scheduler_.tick(in);
    feed_.rate_m3_per_s.store(feed_.enabled.load(std::memory_order_relaxed) ? out.feed_rate_m3_per_s : 0.0,
                              std::memory_order_relaxed);

    TickRecord rec;
    rec.t_s = t;
    rec.out = out;
    rec.current_a = in.current_a;
    rec.potential_v = g_.potential_v;
    rec.dispensed_m3 = p_.dispensed_m3;
    bool fresh_trip = false;
    if (on && have_g_ && !tripped_) {
        const auto trip = run::check_interlocks(
            settings_.limits,
            {g_.potential_v, g_.current_a, g_.in_compliance, p_.dispensed_m3, out.bath.bulk.volume_m3});
        if (trip) {
            tripped_ = fresh_trip = trip_unsent_ = true;
            trip_ = *trip;
        }
    }
    const bool done_now = out.done && !done_seen_;
    if (done_now) done_seen_ = done_unsent_ = true;
    const bool due = t >= next_sample_s_ || fresh_trip || done_now;
    if (due) {
        const double sample_period = 1.0 / settings_.sample_hz;
        // On an absolute schedule, so tick jitter does not stretch the sample period.
        next_sample_s_ += sample_period;
        if (next_sample_s_ < t - sample_period) next_sample_s_ = t + sample_period;
        if (writer != nullptr)
            writer->push(journal_sample(t, out, rec.current_a, rec.potential_v, p_.dispensed_m3));
    }
    // A trip and the completion are sent until the queue takes them: a full queue delays them
    // by a tick, it never loses them.
    if (due || trip_unsent_ || done_unsent_) {
        rec.tripped = trip_unsent_;
        rec.trip = trip_;
        if (tick_q_.try_push(rec)) trip_unsent_ = done_unsent_ = false;
    }
    last_tick_s_.store(t, std::memory_order_relaxed);
}

}  // namespace edc::app
