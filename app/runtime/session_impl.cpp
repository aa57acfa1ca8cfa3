#include "app/runtime/session_impl.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>

#include "app/runtime/runtime_text.hpp"
#include "app/runtime/safe_state_sequencer.hpp"
#include "control/decimal.hpp"

namespace edc::app {

namespace {

LoopSettings loop_settings(const RunOptions& o, const run::InterlockLimits& limits) {
    LoopSettings s;
    s.loop_hz = o.loop_hz;
    s.sample_hz = o.sample_hz;
    s.limits = limits;
    return s;
}

run::InterlockLimits limits_for(const recipes::Recipe& r) {
    run::InterlockLimits l;
    l.max_abs_potential_v = r.galvanostat.potential_limit_v.value_or(r.galvanostat.compliance_v);
    l.max_abs_current_a = r.current_a() * 1.25 + 1e-6;
    l.syringe_volume_m3 = r.pump ? r.pump->syringe_volume_m3 : 0.0;
    l.max_cell_volume_m3 =
        r.plan.cell.cell.mode == model::CellMode::growing ? r.plan.cell.cell.max_volume_m3 : 0.0;
    return l;
}

// Real seconds the loop may go without a tick: 20 periods, at least half a second.
// The run's totals, computed once from the loop's last record (see journal/run_totals.hpp). The
// bath's final volume comes from the pump's counter, not from the observer, which integrates
// the commanded rate: after the pump stopped the counter is exact.
journal::RunTotals run_totals(const TickRecord& last, const plan::FeedPlan& plan, model::CellMode mode,
                              double duration_s) {
    journal::RunTotals t;
    t.duration_s = duration_s;
    t.charge_c = last.out.charge_c;
    t.thickness_m = last.out.depth_m;
    t.dispensed_m3 = last.dispensed_m3;
    t.final_volume_m3 = plan.start_bath.volume_m3;
    if (mode == model::CellMode::growing)
        t.final_volume_m3 += std::max(0.0, last.dispensed_m3 - plan.prebolus_m3);
    if (last.out.film_metal_mol > 0.0) t.mean_x_bi = last.out.film_bi_mol / last.out.film_metal_mol;
    return t;
}

double watchdog_real_s(const RunOptions& o, double speed) {
    return std::max(0.5, 20.0 / (o.loop_hz * speed));
}

}  // namespace

RunSession::Impl::Impl(RunOptions options, plan::FeedPlan plan, journal::RunJournal journal,
                       std::unique_ptr<SimRig> sim)
    : options_(std::move(options)),
      plan_(std::move(plan)),
      clock_(sim ? sim->clock() : std::make_shared<clk::WallClock>(1.0)),
      journal_(std::move(journal), clock_.shared()),
      sim_(std::move(sim)),
      current_a_(options_.recipe.current_a()),
      limits_(limits_for(options_.recipe)),
      loop_(plan_, options_.recipe.plan.cell, options_.recipe.plan.pump, loop_settings(options_, limits_),
            clock_, feed_) {
    snapshot_.nominal_duration_s = plan_.totals.duration_s;
    snapshot_.planned_charge_c = plan_.totals.charge_c;
    snapshot_.x_bi_target = plan_.points.empty() ? 0.0 : plan_.points.front().x_target;
    snapshot_.volume_m3 = plan_.start_bath.volume_m3;
}

RunSession::Impl::~Impl() {
    std::unique_ptr<Supervisor> supervisor;
    {
        std::lock_guard lock(mutex_);
        if (!finished_ && supervisor_) {
            abort_requested_ = true;
            supervisor_->post({run::EventKind::abort, "run session destroyed while active"});
        }
        supervisor = std::move(supervisor_);
    }
    supervisor.reset();  // the run reaches its final state and its last job is done
    if (sim_) sim_->stop_faults();
    loop_.stop();
    galvanostat_.reset();  // channels before the io thread their transports run on
    pump_.reset();
    io_.reset();
    sim_.reset();
}

void RunSession::Impl::start() {
    std::lock_guard lock(mutex_);
    if (supervisor_) return;
    clock_.mark_run_start();
    if (sim_) sim_->run_started(clock_);
    const double real_s = watchdog_real_s(options_, clock_.speed());
    supervisor_ = std::make_unique<Supervisor>(*this, clock_.clock(), real_s * clock_.speed(),
                                               "watchdog: the scheduler loop has not ticked for " +
                                                   std::to_string(std::lround(real_s * 1000.0)) + " ms");
    for (auto& e : early_) supervisor_->post(std::move(e));
    early_.clear();
    supervisor_->post({run::EventKind::start, {}});
}

void RunSession::Impl::post(run::RunEvent event) {
    std::lock_guard lock(mutex_);
    if (supervisor_) {
        supervisor_->post(std::move(event));
    } else {
        early_.push_back(std::move(event));
    }
}

void RunSession::Impl::post_command(run::EventKind kind, std::string cause) {
    {
        std::lock_guard lock(mutex_);
        if (finished_) return;
        if (kind == run::EventKind::abort) abort_requested_ = true;
    }
    post({kind, std::move(cause)});
}

bool RunSession::Impl::cancelled() const {
    std::lock_guard lock(mutex_);
    return abort_requested_ || fault_reported_;
}

RunSnapshot RunSession::Impl::snapshot() const {
    std::lock_guard lock(mutex_);
    return snapshot_;
}

bool RunSession::Impl::finished() const {
    std::lock_guard lock(mutex_);
    return finished_;
}

RunSummary RunSession::Impl::wait() {
    std::unique_lock lock(mutex_);
    done_cv_.wait(lock, [this] { return finished_ || !supervisor_; });
    return summary_;
}

std::optional<sim::SimSnapshot> RunSession::Impl::sim_snapshot() const {
    if (!sim_) return std::nullopt;
    return sim_->snapshot();
}

// The first fault stops the run; every later one is journaled too (what else went wrong
// on the way to the safe state matters to whoever reads the journal).
void RunSession::Impl::fault(const std::string& code, const std::string& message) {
    bool first = false;
    {
        std::lock_guard lock(mutex_);
        first = !finished_ && !fault_reported_;
        fault_reported_ = true;
    }
    if (first) {
        post({run::EventKind::fault, code + ": " + message});
    } else {
        record("error", code, message);
    }
}

void RunSession::Impl::record(const std::string& level, const std::string& code, const std::string& message) {
    journal_.record(run_time(), level, code, message);
}

// ---- supervisor thread --------------------------------------------------------------------

void RunSession::Impl::observe(run::RunState state, std::vector<run::RunEvent>& out) {
    if (!journal_failed_) {
        if (auto e = journal_.write_error()) {
            journal_failed_ = true;
            fault("journal_write_failed", describe(*e));
        }
    }
    drain_ticks(state, out);
}

void RunSession::Impl::drain_ticks(run::RunState state, std::vector<run::RunEvent>& out) {
    TickRecord rec;
    bool any = false;
    std::lock_guard tick_lock(tick_mutex_);
    while (loop_.pop_record(rec)) {
        any = true;
        last_tick_ = rec;
        if (rec.tripped) {
            const auto& t = rec.trip;
            fault(std::string(run::to_string(t.trip)), "interlock: measured " + decimal::general(t.value, 6) +
                                                           " against limit " + decimal::general(t.limit, 6));
        }
        if (rec.out.done && state == run::RunState::depositing) {
            out.push_back({run::EventKind::target_reached, "planned charge reached"});
        }
    }
    if (!any) return;
    const auto samples = journal_.samples_written();
    const auto events = journal_.events_written();
    std::lock_guard lock(mutex_);
    snapshot_.t_s = last_tick_.t_s;
    snapshot_.charge_c = last_tick_.out.charge_c;
    snapshot_.current_a = last_tick_.current_a;
    snapshot_.potential_v = last_tick_.potential_v;
    snapshot_.depth_m = last_tick_.out.depth_m;
    snapshot_.x_bi_now = last_tick_.out.x_bi_predicted;
    snapshot_.x_bi_target = last_tick_.out.x_bi_target;
    snapshot_.feed_rate_m3_per_s = last_tick_.out.feed_rate_m3_per_s;
    snapshot_.dispensed_m3 = last_tick_.dispensed_m3;
    snapshot_.volume_m3 = last_tick_.out.bath.bulk.volume_m3;
    snapshot_.samples_journaled = samples;
    snapshot_.events_journaled = events;
    snapshot_.loop_overruns = loop_.overruns();
}

void RunSession::Impl::transitioned(const run::Transition& t, const run::RunEvent& event) {
    std::string msg = std::string(run::to_string(t.from)) + " -> " + std::string(run::to_string(t.to));
    if (!event.cause.empty()) msg += " (" + event.cause + ")";
    const bool bad = event.kind == run::EventKind::fault || event.kind == run::EventKind::watchdog_expired;
    record(bad ? "error" : "info", "state_change", msg);
    std::lock_guard lock(mutex_);
    snapshot_.state = t.to;
}

void RunSession::Impl::refused(const run::Transition& t, const run::RunEvent& event) {
    if (event.kind == run::EventKind::hold || event.kind == run::EventKind::resume ||
        event.kind == run::EventKind::start) {
        record("warning", "command_refused", t.note);
    }
}

std::optional<double> RunSession::Impl::loop_heartbeat_s() const {
    if (!loop_.running()) return std::nullopt;
    return loop_.last_tick_s();
}

// ---- job thread ---------------------------------------------------------------------------

std::optional<run::RunEvent> RunSession::Impl::perform(const ActionJob& job) {
    switch (job.action) {
        case run::Action::check_instruments:
            return check_instruments();
        case run::Action::prime:
            return prime();
        case run::Action::start_deposition:
            return start_deposition();
        case run::Action::pause_deposition:
            return pause_deposition();
        case run::Action::resume_deposition:
            return resume_deposition();
        case run::Action::enter_safe_state:
            return enter_safe_state();
        case run::Action::close_journal:
            return close_journal(job.outcome, job.cause);
    }
    return std::nullopt;
}

std::optional<run::RunEvent> RunSession::Impl::start_deposition() {
    deposition_start_s_ = run_time();
    if (pump_) pump_->start_feeding();
    loop_.start(galvanostat_->current_on(), journal_.writer(),
                [this](const std::string& what) { fault("internal_error", "control loop thread: " + what); });
    if (sim_)
        sim_->deposition_started(
            deposition_start_s_, [this] { loop_.freeze(); }, thrower());
    return resume_deposition();
}

// Tests only: what makes the thread SimRigOptions::throw_in_thread names throw (the parts exist
// by now; the session outlives the fault injector that calls it).
std::function<void()> RunSession::Impl::thrower() {
    const std::string what = "exception injected by a test";
    switch (sim_->options().throw_in_thread) {
        case RuntimeThread::none:
            break;
        case RuntimeThread::supervisor:
            return [this, what] {
                std::lock_guard lock(mutex_);
                if (supervisor_) supervisor_->throw_in_thread(what);
            };
        case RuntimeThread::galvanostat_channel:
            return [g = galvanostat_.get(), what] { g->throw_in_thread(what); };
        case RuntimeThread::pump_channel:
            return [p = pump_.get(), what] {
                if (p != nullptr) p->throw_in_thread(what);
            };
        case RuntimeThread::control_loop:
            return [this] { loop_.throw_in_thread(); };
        case RuntimeThread::journal_writer:
            return [w = journal_.writer(), what] {
                if (w != nullptr) w->throw_in_thread(what);
            };
    }
    return [] {};
}

std::optional<run::RunEvent> RunSession::Impl::resume_deposition() {
    auto on = await(clock_.clock(), galvanostat_->energise(), "galvanostat");
    if (!on) {
        fault("galvanostat_output", describe(on.error()));
        return std::nullopt;
    }
    feed_.enabled = true;
    return std::nullopt;
}

std::optional<run::RunEvent> RunSession::Impl::pause_deposition() {
    feed_.enabled = false;
    auto off = await(clock_.clock(), galvanostat_->hold(), "galvanostat");
    if (!off) fault("galvanostat_output", describe(off.error()));
    return std::nullopt;
}

std::optional<run::RunEvent> RunSession::Impl::enter_safe_state() {
    feed_.enabled = false;
    feed_.rate_m3_per_s = 0.0;
    std::vector<SafeStateChannel*> channels;
    if (galvanostat_) channels.push_back(galvanostat_.get());
    if (pump_) channels.push_back(pump_.get());
    if (channels.empty()) {
        // Nothing was opened, so nothing was energised and nothing can be verified either: say
        // so rather than claim a confirmed safe state (issue 11, defect 4).
        record("info", "safe_state",
               "no instrument was opened and nothing was energised; nothing to switch off");
        return run::RunEvent{run::EventKind::safe_state_reached, {}};
    }
    std::function<void()> started;
    if (sim_) started = [rig = sim_.get()] { rig->safe_state_started(); };
    const auto report = drive_safe_state(channels, call_limit, &clock_.clock(), started);
    if (report.confirmed()) {
        record("info", "safe_state", report.describe());
    } else {
        record("error", "safe_state_unconfirmed", report.describe());
    }
    for (const auto& step : report.steps) {
        if (!step.note.empty()) record("warning", "safe_state_note", step.note);
    }
    {
        std::lock_guard lock(mutex_);
        safe_state_confirmed_ = report.confirmed();
    }
    return run::RunEvent{run::EventKind::safe_state_reached, {}};
}

std::optional<run::RunEvent> RunSession::Impl::close_journal(run::Outcome outcome, const std::string& cause) {
    if (sim_) sim_->stop_faults();  // a fault due after the run's end would only blur the simulator's record
    loop_.stop();
    std::vector<run::RunEvent> late;
    drain_ticks(run::RunState::stopping, late);

    RunSummary s;
    s.run_id = journal_.run_id();
    s.outcome = outcome;
    s.cause = cause;
    const double began = deposition_start_s_.load();
    s.deposition_started = began > 0.0;
    s.instruments_opened = galvanostat_ != nullptr || pump_ != nullptr;
    TickRecord last;
    {
        std::lock_guard lock(tick_mutex_);
        last = last_tick_;
    }
    s.totals = run_totals(last, plan_, options_.recipe.plan.cell.cell.mode,
                          s.deposition_started ? run_time() - began : 0.0);
    s.loop_overruns = loop_.overruns();
    bool sim_confirmed = true;
    if (sim_) {
        const auto v = sim_->verdict(plan_, s.totals.charge_c);
        s.sim_rms_error_at_pct = v.rms_error_at_pct;
        s.sim_max_error_at_pct = v.max_error_at_pct;
        sim_confirmed = v.safe_state_seen;
        record(v.safe_state_seen ? "info" : "error", "sim_safe_state", v.safe_state_text);
        for (const auto& f : sim_->fired()) {
            record("info", "sim_fault",
                   std::string("simulator fired ") + sim::to_string(f.kind) + " at run time " +
                       decimal::fixed(f.run_s, 3) + " s" +
                       (f.in_safe_state ? " (on the safe-state sequence's start)" : ""));
        }
    }
    // Only the deposited quantities of a run that reached its instruments mean something.
    if (s.instruments_opened) journal_.record_totals(run_time(), s.totals);
    record(s.outcome == run::Outcome::completed ? "info" : "error", "run_end",
           std::string("run ") + std::string(run::to_string(s.outcome)) +
               (s.cause.empty() ? "" : ": " + s.cause));
    const auto errors = journal_.finish(s.outcome, run_time());
    s.samples = journal_.samples_written();
    for (const auto& e : errors) record("error", "journal", describe(e));
    // Rows the journal could not write (the totals, the run_end event, a batch, the seal): the
    // record of the run is incomplete, so it did not complete, whatever the cell did. The
    // journal ends it 'faulted' (JournalBridge::finish) or, when even that fails, the next open
    // marks it 'interrupted'.
    if (!errors.empty() && s.outcome != run::Outcome::faulted) {
        s.cause = "journal_write_failed: " + describe(errors.front()) + (s.cause.empty() ? "" : " (after: " + s.cause + ")");
        s.outcome = run::Outcome::faulted;
        outcome = s.outcome;
    }
    std::lock_guard lock(mutex_);
    s.safe_state_confirmed = safe_state_confirmed_ && sim_confirmed;
    s.resume = resume_findings_;
    s.resume_refused = resume_refused_;
    summary_ = s;
    snapshot_.state = outcome == run::Outcome::completed ? run::RunState::completed
                      : outcome == run::Outcome::aborted ? run::RunState::aborted
                                                         : run::RunState::faulted;
    snapshot_.samples_journaled = s.samples;
    snapshot_.events_journaled = journal_.events_written();
    finished_ = true;
    done_cv_.notify_all();
    return std::nullopt;
}

}  // namespace edc::app
