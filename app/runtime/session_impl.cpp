#include "app/runtime/session_impl.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>

#include <nlohmann/json.hpp>

#include "app/runtime/instrument_ports.hpp"
#include "control/loop/loop_runner.hpp"
#include "control/model/units.hpp"
#include "drivers/galvanostat/galvanostat_factory.hpp"
#include "drivers/pump/newera_pump.hpp"
#include "drivers/pump/pump_factory.hpp"
#include "drivers/sim/deposit_score.hpp"
#include "edc/version.hpp"

namespace edc::app {

namespace {

using namespace std::chrono_literals;

long long steady_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string describe(const Error& e) { return e.where.empty() ? e.message : e.where + ": " + e.message; }

journal::RunStatus status_of(run::Outcome o) {
    switch (o) {
        case run::Outcome::completed: return journal::RunStatus::completed;
        case run::Outcome::aborted: return journal::RunStatus::aborted;
        default: return journal::RunStatus::faulted;
    }
}

// Waits for a worker's answer, at most `limit`; a worker stuck in a dead instrument's timeout
// must not hold the supervisor forever.
template <class T>
Result<T> await(std::future<Result<T>> f, std::chrono::milliseconds limit, const char* what) {
    if (f.wait_for(limit) != std::future_status::ready) {
        return fail("timeout", std::string(what) + " did not answer within " + std::to_string(limit.count()) + " ms");
    }
    return f.get();
}

constexpr auto call_limit = 8000ms;
// Real time at any --speed: a lost link of a held cell should show within a second, and one
// :OUTP? plus :SYST:ERR? (some 35 bytes, tens of ms at 9600 baud) still leaves the line idle.
constexpr auto held_check_period = 500ms;

}  // namespace

RunSession::Impl::Impl(RunOptions options, plan::FeedPlan plan, journal::RunJournal journal)
    : options_(std::move(options)),
      plan_(std::move(plan)),
      journal_(std::move(journal)),
      clock_(options_.simulate ? options_.speed : 1.0) {
    const auto& r = options_.recipe;
    current_a_ = r.current_a();
    limits_.max_abs_potential_v = r.galvanostat.potential_limit_v.value_or(r.galvanostat.compliance_v);
    limits_.max_abs_current_a = current_a_ * 1.25 + 1e-6;
    limits_.syringe_volume_m3 = r.pump ? r.pump->syringe_volume_m3 : 0.0;
    limits_.max_cell_volume_m3 = r.plan.cell.cell.mode == model::CellMode::growing ? r.plan.cell.cell.max_volume_m3 : 0.0;
    snapshot_.nominal_duration_s = plan_.totals.duration_s;
    snapshot_.planned_charge_c = plan_.totals.charge_c;
    snapshot_.x_bi_target = plan_.points.empty() ? 0.0 : plan_.points.front().x_target;
    snapshot_.volume_m3 = plan_.start_bath.volume_m3;
}

RunSession::Impl::~Impl() {
    {
        std::lock_guard lock(mutex_);
        if (!finished_ && supervisor_.joinable()) {
            commands_.push_back({run::EventKind::abort, "run session destroyed while active"});
            abort_requested_ = true;
        }
    }
    if (supervisor_.joinable()) supervisor_.join();
    stop_fault_injector();
    scheduler_stop_ = true;
    if (scheduler_thread_.joinable()) scheduler_thread_.join();
    galvanostat_.reset();  // workers before the io thread their transports run on
    pump_.reset();
    io_.reset();
    if (sim_) sim_->stop();
}

Result<void> RunSession::Impl::start_simulators() {
    const auto& r = options_.recipe;
    sim::SimHostConfig cfg;
    cfg.galvanostat_model = std::string(recipes::to_string(r.galvanostat.model));
    cfg.pump_model = r.pump ? std::string(recipes::to_string(r.pump->model)) : std::string();
    cfg.cell = r.plan.cell;
    cfg.plant = options_.sim_plant;
    if (r.pump) {
        cfg.syringe_diameter_m = r.pump->syringe_diameter_m;
        cfg.syringe_volume_m3 = r.pump->syringe_volume_m3;
        cfg.pump_baud = static_cast<unsigned>(r.pump->baud);
    }
    cfg.galvanostat_baud = r.galvanostat.baud > 0 ? static_cast<unsigned>(r.galvanostat.baud) : 9600U;
    cfg.speed_factor = options_.speed;
    cfg.link_delays = options_.sim_link_delays;
    for (const auto& text : options_.faults) {
        auto spec = sim::parse_fault(text);
        if (!spec) return std::unexpected(spec.error());
        fault_plan_.push_back(*spec);  // fired by inject_faults() from run t = 0
    }
    std::sort(fault_plan_.begin(), fault_plan_.end(),
              [](const sim::FaultSpec& a, const sim::FaultSpec& b) { return a.at_sim_s < b.at_sim_s; });
    sim_ = std::make_unique<sim::SimHost>(cfg);
    auto ends = sim_->start();
    if (!ends) return std::unexpected(ends.error());
    endpoints_ = *ends;
    return {};
}

void RunSession::Impl::inject_faults(std::chrono::steady_clock::time_point t0, double speed) {
    std::unique_lock lock(injector_mutex_);
    for (const auto& f : fault_plan_) {
        const auto due = t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                  std::chrono::duration<double>(f.at_sim_s / speed));
        if (injector_cv_.wait_until(lock, due, [this] { return injector_stop_; })) return;
        sim_->inject(f.kind);
    }
}

void RunSession::Impl::stop_fault_injector() {
    {
        std::lock_guard lock(injector_mutex_);
        injector_stop_ = true;
    }
    injector_cv_.notify_all();
    if (injector_.joinable()) injector_.join();
}

void RunSession::Impl::start() {
    t0_ = clock_.now_s();
    if (sim_ && !fault_plan_.empty()) {
        const auto t0 = std::chrono::steady_clock::now();
        injector_ = std::thread([this, t0] { inject_faults(t0, clock_.speed()); });
    }
    {
        std::lock_guard lock(mutex_);
        commands_.push_back({run::EventKind::start, {}});
    }
    supervisor_ = std::thread([this] { supervise(); });
}

void RunSession::Impl::post_command(run::EventKind kind, std::string cause) {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    if (kind == run::EventKind::abort) abort_requested_ = true;
    commands_.push_back({kind, std::move(cause)});
}

bool RunSession::Impl::abort_requested() const {
    std::lock_guard lock(mutex_);
    return abort_requested_ || fault_reported_;
}

RunSnapshot RunSession::Impl::snapshot() const {
    std::lock_guard lock(mutex_);
    return snapshot_;
}

std::vector<RunEventRecord> RunSession::Impl::take_events() {
    std::lock_guard lock(mutex_);
    std::vector<RunEventRecord> out;
    out.swap(events_);
    return out;
}

bool RunSession::Impl::finished() const {
    std::lock_guard lock(mutex_);
    return finished_;
}

RunSummary RunSession::Impl::wait() {
    std::unique_lock lock(mutex_);
    done_cv_.wait(lock, [this] { return finished_ || !supervisor_.joinable(); });
    return summary_;
}

std::optional<sim::SimSnapshot> RunSession::Impl::sim_snapshot() const {
    if (!sim_) return std::nullopt;
    return sim_->snapshot();
}

void RunSession::Impl::fault(const std::string& code, const std::string& message) {
    std::lock_guard lock(mutex_);
    if (finished_ || fault_reported_) {
        events_.push_back({run_time(), "error", code, message});
        return;
    }
    fault_reported_ = true;
    commands_.push_back({run::EventKind::fault, code + ": " + message});
}

void RunSession::Impl::record(const std::string& level, const std::string& code, const std::string& message) {
    const double t = run_time();
    journal::JournalEvent e{t, level, code, message};
    {
        std::lock_guard lock(mutex_);
        events_.push_back({t, level, code, message});
    }
    if (writer_) {
        writer_->push_event(std::move(e));
    } else {
        unjournaled_.push_back(std::move(e));
    }
}

// ---- supervisor -------------------------------------------------------------------------

void RunSession::Impl::supervise() {
    const double period_real_s = 1.0 / (options_.loop_hz * clock_.speed());
    const long long watchdog_ns = static_cast<long long>(std::max(0.5, 20.0 * period_real_s) * 1e9);
    bool watchdog_fired = false;
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            while (!commands_.empty()) {
                pending_.push_back(std::move(commands_.front()));
                commands_.pop_front();
            }
        }
        drain_ticks();
        if (writer_ && !journal_failed_) {
            if (auto e = writer_->error()) {
                journal_failed_ = true;
                fault("journal_write_failed", describe(*e));
            }
        }
        if (scheduler_running_ && !watchdog_fired && steady_ns() - last_tick_ns_.load() > watchdog_ns) {
            watchdog_fired = true;
            pending_.push_back({run::EventKind::watchdog_expired,
                                "watchdog: the scheduler loop has not ticked for " +
                                    std::to_string(watchdog_ns / 1000000) + " ms"});
        }
        while (!pending_.empty()) {
            auto e = std::move(pending_.front());
            pending_.pop_front();
            handle(e);
        }
        if (machine_.finished()) break;
        std::this_thread::sleep_for(5ms);
    }
}

void RunSession::Impl::handle(const run::RunEvent& event) {
    const auto t = machine_.handle(event);
    if (!t.accepted) {
        if (event.kind == run::EventKind::hold || event.kind == run::EventKind::resume ||
            event.kind == run::EventKind::start) {
            record("warning", "command_refused", t.note);
        }
        return;
    }
    if (t.from != t.to) {
        std::string msg = std::string(run::to_string(t.from)) + " -> " + std::string(run::to_string(t.to));
        if (!event.cause.empty()) msg += " (" + event.cause + ")";
        const bool bad = event.kind == run::EventKind::fault || event.kind == run::EventKind::watchdog_expired;
        record(bad ? "error" : "info", "state_change", msg);
        std::lock_guard lock(mutex_);
        snapshot_.state = t.to;
    }
    for (auto a : t.actions) execute(a);
}

void RunSession::Impl::execute(run::Action action) {
    switch (action) {
        case run::Action::check_instruments: check_instruments(); break;
        case run::Action::prime: prime(); break;
        case run::Action::start_deposition: start_deposition(); break;
        case run::Action::pause_deposition: pause_deposition(); break;
        case run::Action::resume_deposition: resume_deposition(); break;
        case run::Action::enter_safe_state: enter_safe_state(); break;
        case run::Action::close_journal: close_journal(); break;
    }
}

void RunSession::Impl::check_instruments() {
    const auto& r = options_.recipe;
    io_ = std::make_unique<io::IoThread>();
    std::vector<std::string> problems;
    nlohmann::json instruments = nlohmann::json::object();

    const std::string gport = options_.simulate ? endpoints_.galvanostat : galvanostat_port(r.galvanostat);
    GalvanostatOptions gopt;
    if (r.galvanostat.baud > 0) gopt.baud = static_cast<unsigned>(r.galvanostat.baud);
    instruments["galvanostat"] = {{"model", recipes::to_string(r.galvanostat.model)}, {"port", gport}};
    if (auto g = make_galvanostat(std::string(recipes::to_string(r.galvanostat.model)), gport, gopt, *io_)) {
        galvanostat_ = std::make_unique<InstrumentWorker<Galvanostat>>(
            std::move(*g), [this](Galvanostat& d) { poll_galvanostat(d); }, clock_.real(1.0 / options_.loop_hz));
        auto id = await(galvanostat_->call([](Galvanostat& d) { return d.identify(); }), call_limit, "galvanostat");
        if (id) {
            instruments["galvanostat"]["idn"] = *id;
        } else {
            problems.push_back("galvanostat on " + gport + ": " + describe(id.error()));
        }
    } else {
        problems.push_back("galvanostat on " + gport + ": " + describe(g.error()));
    }

    if (r.pump) {
        const std::string pport = options_.simulate ? endpoints_.pump : r.pump->port;
        PumpOptions popt;
        popt.baud = static_cast<unsigned>(r.pump->baud);
        popt.safe_mode_timeout_s = static_cast<int>(std::lround(r.pump->safe_mode_timeout_s));
        instruments["pump"] = {{"model", recipes::to_string(r.pump->model)}, {"port", pport}};
        if (auto p = make_syringe_pump(std::string(recipes::to_string(r.pump->model)), pport, popt, *io_)) {
            pump_ = std::make_unique<InstrumentWorker<SyringePump>>(
                std::move(*p), [this](SyringePump& d) { poll_pump(d); }, clock_.real(0.2));
            auto id = await(pump_->call([](SyringePump& d) { return d.identify(); }), call_limit, "pump");
            if (id) {
                instruments["pump"]["version"] = *id;
                // Polled from now (identify() has acknowledged a power-up alarm) until the safe
                // state, in every phase: the NE-1000 in safe mode stops with alarm T when the host
                // is silent for safe_mode_timeout real seconds, and the longest silence must not
                // depend on --speed (the mixing wait alone lasts 9 s at 1x).
                pump_->set_streaming(true);
            } else {
                problems.push_back("pump on " + pport + ": " + describe(id.error()));
            }
        } else {
            problems.push_back("pump on " + pport + ": " + describe(p.error()));
        }
    }
    if (options_.simulate) instruments["simulated"] = true;

    journal::RunStart start;
    start.recipe_name = r.name;
    start.recipe_text = r.text;
    start.recipe_sha256 = r.sha256;
    start.software_version = edc::version;
    start.git_revision = edc::git_revision;
    start.instruments_json = instruments.dump();
    start.operator_name = options_.operator_name;
    auto id = journal_.begin_run(start);
    if (!id) {
        fault("journal", describe(id.error()));
        return;
    }
    run_id_ = *id;
    {
        std::lock_guard lock(mutex_);
        snapshot_.run_id = run_id_;
    }
    auto writer = journal::JournalWriter::start(journal_.path(), run_id_);
    if (!writer) {
        fault("journal", describe(writer.error()));
        return;
    }
    writer_ = std::move(*writer);
    for (auto& e : unjournaled_) writer_->push_event(std::move(e));
    unjournaled_.clear();
    for (const auto& p : options_.provenance) writer_->push_event({run_time(), "info", p.code, p.message});
    record("info", "instruments", instruments.dump());

    if (!problems.empty()) {
        std::string all;
        for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
        fault("instrument_check", all);
        return;
    }
    if (r.pump) {
        const double diameter = r.pump->syringe_diameter_m;
        auto d = await(pump_->call([diameter](SyringePump& p) { return p.set_diameter(diameter); }), call_limit,
                       "pump");
        if (!d) return fault("pump_setup", describe(d.error()));
        const double top = std::max(plan_.totals.max_feed_rate_m3_per_s, 1e-12);
        auto unit = await(pump_->call([top](SyringePump& p) { return p.select_rate_unit(top); }), call_limit, "pump");
        if (!unit) return fault("pump_setup", describe(unit.error()));
        record("info", "pump_rate_unit",
               "rate resolution " + std::to_string(units::m3_per_s_to_ul_per_min(*unit)) + " uL/min at up to " +
                   std::to_string(units::m3_per_s_to_ml_per_min(top)) + " mL/min");
    }
    pending_.push_back({run::EventKind::checks_passed, {}});
}

void RunSession::Impl::prime() {
    const auto& r = options_.recipe;
    GalvanostatSettings s;
    s.current_range_a = r.galvanostat.current_range_a > 0.0 ? r.galvanostat.current_range_a
                                                             : current_range_for(current_a_);
    s.compliance_v = r.galvanostat.compliance_v;
    s.four_wire = true;
    s.nplc = 1.0;
    s.potential_limit_v = limits_.max_abs_potential_v;
    auto c = await(galvanostat_->call([s](Galvanostat& g) -> Result<void> {
                       if (auto e = g.configure(s); !e) return e;
                       return g.set_current(0.0);
                   }),
                   call_limit, "galvanostat");
    if (!c) return fault("galvanostat_setup", describe(c.error()));

    if (pump_) {
        auto clr = await(pump_->call([](SyringePump& p) { return p.clear_dispensed(); }), call_limit, "pump");
        if (!clr) return fault("pump_setup", describe(clr.error()));
    }
    if (plan_.prebolus_m3 > 0.0 && pump_) {
        const double rate = options_.recipe.plan.pump.max_rate_m3_per_s;
        record("info", "prebolus",
               "dispensing a pre-dilution bolus of " + std::to_string(units::m3_to_ml(plan_.prebolus_m3)) + " mL");
        auto go = await(pump_->call([this, rate](SyringePump& p) -> Result<void> {
                            auto set = p.set_rate(rate);
                            if (!set) return std::unexpected(set.error());
                            if (auto st = p.start(); !st) return st;
                            pump_running_ = true;
                            return {};
                        }),
                        call_limit, "pump");
        if (!go) return fault("pump_prebolus", describe(go.error()));
        const double deadline = run_time() + 3.0 * plan_.prebolus_m3 / rate + 30.0;
        for (;;) {
            if (abort_requested()) return;
            auto st = await(pump_->call([](SyringePump& p) { return p.status(); }), call_limit, "pump");
            if (!st) return fault("pump_prebolus", describe(st.error()));
            if (st->dispensed_m3 >= plan_.prebolus_m3 * (1.0 - 1e-3)) break;
            if (run_time() > deadline) return fault("pump_prebolus", "the bolus did not complete in time");
            std::this_thread::sleep_for(clock_.real(0.2));
        }
        auto stop = await(pump_->call([this](SyringePump& p) {
                              pump_running_ = false;
                              return p.stop();
                          }),
                          call_limit, "pump");
        if (!stop) return fault("pump_prebolus", describe(stop.error()));
        // Let the bath mix before current starts.
        const double until = run_time() + 3.0 * r.plan.cell.cell.mixing_time_s;
        while (run_time() < until) {
            if (abort_requested()) return;
            std::this_thread::sleep_for(clock_.real(0.1));
        }
    }
    pending_.push_back({run::EventKind::primed, {}});
}

void RunSession::Impl::start_deposition() {
    deposition_start_s_ = run_time();
    pump_feeding_ = true;
    last_tick_ns_ = steady_ns();
    scheduler_running_ = true;
    scheduler_thread_ = std::thread([this] { schedule(); });
    resume_deposition();
}

void RunSession::Impl::resume_deposition() {
    // The output switch and the scheduler's view of it change together on the worker thread
    // (the only producer of galvanostat samples): charge is counted from the moment current
    // flows, at the set point until the first reading arrives.
    const double amps = instrument_current_from_cathodic(current_a_);
    auto on = await(galvanostat_->call([this, amps](Galvanostat& g) -> Result<void> {
                        if (auto e = g.set_current(amps); !e) return e;
                        if (auto e = g.output(true); !e) return e;
                        galvanostat_q_.try_push({run_time(), current_a_, 0.0, false});
                        galvanostat_held_ = false;
                        current_on_ = true;
                        return {};
                    }),
                    call_limit, "galvanostat");
    if (!on) return fault("galvanostat_output", describe(on.error()));
    galvanostat_->set_streaming(true);
    pump_enabled_ = true;
    if (pump_) pump_->set_streaming(true);
}

void RunSession::Impl::pause_deposition() {
    pump_enabled_ = false;
    auto off = await(galvanostat_->call([this](Galvanostat& g) -> Result<void> {
                         auto level = g.set_current(0.0);
                         auto out = g.output(false);
                         current_on_ = false;  // counted until the output is off
                         galvanostat_q_.try_push({run_time(), 0.0, 0.0, false});
                         galvanostat_held_ = true;  // watched from now, whatever this returns
                         return !level ? level : out;
                     }),
                     call_limit, "galvanostat");
    if (!off) fault("galvanostat_output", describe(off.error()));
}

void RunSession::Impl::enter_safe_state() {
    current_on_ = false;
    galvanostat_held_ = false;
    pump_enabled_ = false;
    commanded_rate_ = 0.0;
    const auto begun = std::chrono::steady_clock::now();
    std::optional<std::future<Result<void>>> g;
    std::optional<std::future<Result<void>>> p;
    if (galvanostat_) {
        galvanostat_->set_streaming(false);
        g = galvanostat_->call([](Galvanostat& d) { return d.safe_off(); }, true);
    }
    // A confirmed stop also takes an NE-1000 out of safe mode: nothing will command the stopped
    // pump any more, and its watchdog would otherwise alarm (and beep) once this process goes quiet.
    // An unreachable pump keeps safe mode and stops by itself after its timeout.
    auto left_safe_mode = std::make_shared<std::string>();
    if (pump_) {
        pump_->set_streaming(false);
        p = pump_->call(
            [this, left_safe_mode](SyringePump& d) -> Result<void> {
                pump_running_ = false;
                auto stopped = d.safe_stop();
                if (!stopped) return stopped;
                if (auto* ne = dynamic_cast<NewEraPump*>(&d); ne != nullptr && ne->safe_mode()) {
                    auto basic = ne->set_safe_mode(0);
                    *left_safe_mode = basic ? "ok" : describe(basic.error());
                }
                return stopped;
            },
            true);
    }
    std::string problems;
    if (g) {
        auto r = await(std::move(*g), call_limit, "galvanostat");
        if (!r) problems += "galvanostat not confirmed off: " + describe(r.error());
    }
    const auto& pump_recipe = options_.recipe.pump;
    const long safe_mode_s = pump_recipe ? std::lround(pump_recipe->safe_mode_timeout_s) : 0L;
    std::string pump_note;
    if (p) {
        auto r = await(std::move(*p), call_limit, "pump");
        if (!r) {
            problems += std::string(problems.empty() ? "" : "; ") +
                        "pump not confirmed stopped: " + describe(r.error());
            if (safe_mode_s > 0) {
                problems += " (its safe mode stops it by itself " + std::to_string(safe_mode_s) +
                            " s after the last command it received)";
            }
        } else if (!left_safe_mode->empty() && *left_safe_mode != "ok") {
            pump_note = "pump stopped but still in safe mode (it will alarm T when this host goes quiet): " +
                        *left_safe_mode;
        }
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begun);
    if (problems.empty()) {
        record("info", "safe_state",
               "galvanostat level 0, output off (high impedance); pump stopped; in " + std::to_string(ms.count()) +
                   " ms");
    } else {
        record("error", "safe_state_unconfirmed", problems + " (after " + std::to_string(ms.count()) + " ms)");
    }
    if (!pump_note.empty()) record("warning", "pump_safe_mode", pump_note);
    {
        std::lock_guard lock(mutex_);
        summary_.safe_state_confirmed = problems.empty();
    }
    pending_.push_back({run::EventKind::safe_state_reached, {}});
}

void RunSession::Impl::close_journal() {
    stop_fault_injector();  // a fault due after the run's end would only blur the simulator's record
    scheduler_stop_ = true;
    if (scheduler_thread_.joinable()) scheduler_thread_.join();
    scheduler_running_ = false;
    drain_ticks();

    RunSummary s;
    s.run_id = run_id_;
    s.outcome = machine_.outcome();
    s.cause = machine_.cause();
    s.duration_s = deposition_start_s_ > 0.0 ? run_time() - deposition_start_s_ : 0.0;
    s.charge_c = last_tick_.out.charge_c;
    s.thickness_m = last_tick_.out.depth_m;
    s.feed_volume_m3 = last_tick_.dispensed_m3;
    s.final_volume_m3 = last_tick_.out.bath.bulk.volume_m3 > 0.0 ? last_tick_.out.bath.bulk.volume_m3
                                                                  : plan_.start_bath.volume_m3;
    s.mean_x_bi = plan_.totals.mean_x_bi;
    s.loop_overruns = overruns_.load();
    if (sim_) {
        const auto snap = sim_->snapshot();
        // Judged against the plant's truth: the film's own depth fraction against the plan's,
        // up to the charge the loop passed (what the stopping phase adds is a speed artefact).
        const auto film = sim::layers_up_to_charge(snap.deposit, s.charge_c);
        const auto score = sim::score_deposit(film, [this](double f) {
            return plan_.x_target_at_depth(f * plan_.totals.thickness_m);
        });
        if (!score.bins.empty()) {
            s.sim_rms_error_at_pct = 100.0 * score.rms_x_bi;
            s.sim_max_error_at_pct = 100.0 * score.max_abs_x_bi;
            s.mean_x_bi = score.mean_x_bi;
        }
        s.thickness_m = snap.thickness_m;
        s.final_volume_m3 = snap.bath.volume_m3;
        const bool confirmed = !snap.output_on && snap.output_off_mode == sim::OutputOffMode::high_impedance &&
                               !snap.pump_running;
        record(confirmed ? "info" : "error", "sim_safe_state",
               std::string("simulator sees: output ") + (snap.output_on ? "ON" : "off") + ", output-off mode " +
                   sim::to_string(snap.output_off_mode) + ", pump " + (snap.pump_running ? "RUNNING" : "stopped"));
        std::lock_guard lock(mutex_);
        summary_.safe_state_confirmed = summary_.safe_state_confirmed && confirmed;
    }
    record(s.outcome == run::Outcome::completed ? "info" : "error", "run_end",
           std::string("run ") + std::string(run::to_string(s.outcome)) + (s.cause.empty() ? "" : ": " + s.cause));
    if (writer_) {
        auto stopped = writer_->stop();
        if (!stopped) record("error", "journal", describe(stopped.error()));
        s.samples = writer_->samples_written();
    }
    if (run_id_ > 0) {
        auto ended = journal_.end_run(run_id_, status_of(s.outcome));
        if (!ended) record("error", "journal", describe(ended.error()));
    }
    std::lock_guard lock(mutex_);
    s.safe_state_confirmed = summary_.safe_state_confirmed;
    summary_ = s;
    snapshot_.state = machine_.state();
    snapshot_.samples_journaled = s.samples;
    finished_ = true;
    done_cv_.notify_all();
}

void RunSession::Impl::drain_ticks() {
    TickRecord rec;
    bool any = false;
    while (tick_q_.try_pop(rec)) {
        any = true;
        last_tick_ = rec;
        if (rec.tripped) {
            const auto& t = rec.trip;
            fault(std::string(run::to_string(t.trip)),
                  "interlock: measured " + std::to_string(t.value) + " against limit " + std::to_string(t.limit));
        }
        if (rec.out.done && machine_.state() == run::RunState::depositing) {
            pending_.push_back({run::EventKind::target_reached, "planned charge reached"});
        }
    }
    if (!any) return;
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
    snapshot_.samples_journaled = writer_ ? writer_->samples_written() : 0;
    snapshot_.loop_overruns = overruns_.load();
}

// ---- scheduler thread -------------------------------------------------------------------

void RunSession::Impl::schedule() {
    const auto& r = options_.recipe;
    loop::Scheduler scheduler(plan_, r.plan.cell, r.plan.pump);
    loop::LoopOptions lo;
    lo.period_s = 1.0 / (options_.loop_hz * clock_.speed());
    lo.try_realtime = true;
    lo.try_lock_memory = false;  // mlockall(MCL_FUTURE) would pin every later allocation of the process
    loop::LoopRunner runner(lo);
    GalvanostatSample g{};
    PumpSample p{};
    bool have_g = false;
    bool have_p = false;
    bool tripped = false;
    bool done_sent = false;
    double next_sample = 0.0;
    const double sample_period = 1.0 / options_.sample_hz;
    const auto stats = runner.run([&](const loop::TickContext&) {
        if (scheduler_stop_.load(std::memory_order_relaxed)) {
            runner.stop();
            return;
        }
        if (options_.stall_scheduler_at_s > 0.0 && run_time() - deposition_start_s_ >= options_.stall_scheduler_at_s) {
            return;  // a stalled loop (fault injection): no tick, no watchdog kick
        }
        const double t = run_time();
        GalvanostatSample gs;
        while (galvanostat_q_.try_pop(gs)) {
            g = gs;
            have_g = true;
        }
        PumpSample ps;
        while (pump_q_.try_pop(ps)) {
            p = ps;
            have_p = true;
        }
        const bool on = current_on_.load(std::memory_order_relaxed);
        loop::SchedulerInputs in;
        in.time_s = t;
        in.current_on = on && have_g;
        in.current_a = in.current_on ? g.current_a : 0.0;
        in.dispensed_m3 = p.dispensed_m3;
        in.dispensed_valid = have_p;
        in.dispensed_age_s = have_p ? t - p.t_s : 0.0;
        const auto out = scheduler.tick(in);
        commanded_rate_.store(pump_enabled_.load(std::memory_order_relaxed) ? out.feed_rate_m3_per_s : 0.0,
                              std::memory_order_relaxed);

        TickRecord rec;
        rec.t_s = t;
        rec.out = out;
        rec.current_a = in.current_a;
        rec.potential_v = g.potential_v;
        rec.dispensed_m3 = p.dispensed_m3;
        if (on && have_g && !tripped) {
            const auto trip = run::check_interlocks(
                limits_, {g.potential_v, g.current_a, g.in_compliance, p.dispensed_m3, out.bath.bulk.volume_m3});
            if (trip) {
                tripped = true;
                rec.tripped = true;
                rec.trip = *trip;
            }
        }
        const bool done_now = out.done && !done_sent;
        if (t >= next_sample || rec.tripped || done_now) {
            done_sent = done_sent || out.done;
            // On an absolute schedule, so tick jitter does not stretch the sample period.
            next_sample += sample_period;
            if (next_sample < t - sample_period) next_sample = t + sample_period;
            journal::JournalSample s;
            s.t_s = t;
            s.current_a = rec.current_a;
            s.potential_v = rec.potential_v;
            s.charge_c = out.charge_c;
            s.feed_rate_m3_s = out.feed_rate_m3_per_s;
            s.dispensed_m3 = p.dispensed_m3;
            s.volume_m3 = out.bath.bulk.volume_m3;
            s.n_bi = out.bath.bulk.n_bi_mol;
            s.n_sb = out.bath.bulk.n_sb_mol;
            s.depth_m = out.depth_m;
            s.x_bi_predicted = out.x_bi_predicted;
            s.x_bi_target = out.x_bi_target;
            if (writer_) writer_->push(s);
            tick_q_.try_push(rec);
        }
        overruns_.store(runner.overruns(), std::memory_order_relaxed);
        last_tick_ns_.store(steady_ns(), std::memory_order_relaxed);
    });
    overruns_.store(stats.overruns);
}

// ---- instrument workers -----------------------------------------------------------------

void RunSession::Impl::poll_galvanostat(Galvanostat& g) {
    if (galvanostat_failed_) return;
    if (galvanostat_held_) return watch_held_galvanostat(g);
    if (!current_on_) return;
    auto r = g.read();
    if (!r) {
        if (!galvanostat_failed_.exchange(true)) fault("galvanostat_" + r.error().code, describe(r.error()));
        return;
    }
    GalvanostatSample s;
    s.t_s = run_time();
    s.current_a = cathodic_current_from_instrument(r->current_a);
    s.potential_v = r->potential_v;
    s.in_compliance = r->in_compliance;
    galvanostat_q_.try_push(s);
}

// A held run is resumable, so its galvanostat must stay reachable, error-free and off: a lost
// link, a queued error or an output that came back on faults the run now, not at resume.
void RunSession::Impl::watch_held_galvanostat(Galvanostat& g) {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_held_check_) return;
    next_held_check_ = now + held_check_period;
    auto on = g.output_is_on();
    if (!on) {
        if (!galvanostat_failed_.exchange(true)) fault("galvanostat_" + on.error().code, describe(on.error()));
        return;
    }
    if (*on && !galvanostat_failed_.exchange(true)) {
        fault("galvanostat_output_on",
              "the output is on while the run is held (switched on at the instrument or by another program?)");
    }
}

void RunSession::Impl::poll_pump(SyringePump& p) {
    if (pump_failed_) return;
    auto failed = [this](const Error& e) {
        if (!pump_failed_.exchange(true)) fault("pump_" + e.code, describe(e));
    };
    if (!pump_feeding_) {
        // Checking and priming: the supervisor's jobs run the pump (the pre-bolus); this poll keeps
        // the link alive and reports an alarm as soon as it appears.
        auto status = p.status();
        if (!status) return failed(status.error());
        if (status->state == PumpState::alarm || !status->alarm.empty()) {
            return failed(Error{"alarm", "pump alarm " + status->alarm, {}});
        }
        return;
    }
    const double want = pump_enabled_ ? commanded_rate_.load() : 0.0;
    if (want <= 0.0) {
        if (pump_running_) {
            if (auto st = p.stop(); !st) return failed(st.error());
            pump_running_ = false;
        }
    } else if (!pump_running_ || want != pump_rate_set_) {
        auto set = p.set_rate(want);
        if (!set) return failed(set.error());
        pump_rate_set_ = want;
        if (!pump_running_) {
            if (auto st = p.start(); !st) return failed(st.error());
            pump_running_ = true;
        }
    }
    auto status = p.status();
    if (!status) return failed(status.error());
    if (status->state == PumpState::alarm || !status->alarm.empty()) {
        return failed(Error{"alarm", "pump alarm " + status->alarm, {}});
    }
    if (pump_running_ && status->state == PumpState::stopped) {
        return failed(Error{"stopped", "the pump stopped by itself while infusing (stall or empty syringe?)", {}});
    }
    pump_q_.try_push({run_time(), status->dispensed_m3});
}

}  // namespace edc::app
