#include "app/runtime/sim_rig.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>  // mkdtemp
#include <exception>
#include <filesystem>
#include <system_error>

#include "drivers/registry/instrument_registry.hpp"
#include "drivers/sim/deposit_score.hpp"
#include "drivers/sim/sim_fault.hpp"
#include "drivers/sim/smu_dialect.hpp"

namespace edc::app {
namespace {

// A private directory for the simulated adapters' stable names, as udev gives real ones.
Result<std::filesystem::path> make_link_dir() {
    std::error_code ec;
    auto tmp = std::filesystem::temp_directory_path(ec);
    if (ec)
        return fail("sim_link", "no temporary directory for the simulator's port links: " + ec.message(),
                    "SimRig");
    std::string name = (tmp / "edc-sim-ports-XXXXXX").string();
    if (::mkdtemp(name.data()) == nullptr) {
        return fail("sim_link", "cannot create a directory for the simulator's port links in " + tmp.string(),
                    "SimRig");
    }
    return std::filesystem::path(name);
}

}  // namespace

Result<std::unique_ptr<SimRig>> SimRig::start(const recipes::Recipe& recipe, SimRigOptions options) {
    std::vector<sim::FaultSpec> faults;
    for (const auto& text : options.faults) {
        auto spec = sim::parse_fault(text);
        if (!spec) return std::unexpected(spec.error());
        const auto* smu = sim::find_smu_dialect(recipes::to_string(recipe.galvanostat.model));
        if (spec->kind == sim::FaultKind::galvanostat_reenumerate && !options.in_process && smu != nullptr &&
            smu->lan) {
            return fail("fault_kind",
                        "galvanostat-reenumerate: the " +
                            std::string(recipes::to_string(recipe.galvanostat.model)) +
                            " is on LAN (TCP), it has no USB adapter to re-enumerate (use --virtual)",
                        "--fault " + text);
        }
        faults.push_back(*spec);
    }
    sim::SimHostConfig cfg;
    // The simulator that stands in for the recipe's model is the registry entry's.
    auto simulator_of = [](std::string_view model) {
        const InstrumentModel* m = find_instrument(model);
        return std::string(m != nullptr ? m->sim_model : model);
    };
    cfg.galvanostat_model = simulator_of(recipes::to_string(recipe.galvanostat.model));
    cfg.pump_model = recipe.pump ? simulator_of(recipes::to_string(recipe.pump->model)) : std::string();
    cfg.cell = recipe.plan.cell;
    cfg.plant = options.plant;
    if (recipe.pump) {
        cfg.syringe_diameter_m = recipe.pump->syringe_diameter_m;
        cfg.syringe_volume_m3 = recipe.pump->syringe_volume_m3;
        cfg.pump_baud = static_cast<unsigned>(recipe.pump->baud);
    }
    cfg.galvanostat_baud =
        recipe.galvanostat.baud > 0 ? static_cast<unsigned>(recipe.galvanostat.baud) : 9600U;
    if (!options.clock) options.clock = std::make_shared<clk::WallClock>(options.speed);
    cfg.speed_factor = options.clock->speed();
    cfg.clock = options.clock;
    cfg.in_process = options.in_process;
    cfg.link_delays = options.link_delays;
    cfg.state_file = options.state_file;
    cfg.outage_s = options.outage_s;
    std::unique_ptr<SimRig> rig(new SimRig(std::move(options), faults));
    if (!cfg.in_process) {  // the drivers open the PTYs by stable names, and reopen by them
        auto dir = make_link_dir();
        if (!dir) return std::unexpected(dir.error());
        rig->link_dir_ = *dir;
        cfg.link_dir = *dir;
    }
    rig->host_ = std::make_unique<sim::SimHost>(cfg);
    auto ends = rig->host_->start();
    if (!ends) return std::unexpected(ends.error());
    rig->endpoints_ = *ends;
    if (!rig->link_dir_.empty()) {
        if (rig->endpoints_.galvanostat.starts_with("/dev/"))
            rig->endpoints_.galvanostat = (rig->link_dir_ / "galvanostat").string();
        if (rig->endpoints_.pump.starts_with("/dev/"))
            rig->endpoints_.pump = (rig->link_dir_ / "pump").string();
    }
    return rig;
}

SimRig::SimRig(SimRigOptions options, const std::vector<sim::FaultSpec>& faults)
    : options_(std::move(options)), wake_(*options_.clock) {
    for (const auto& f : faults) {
        if (f.trigger == sim::FaultTrigger::at_safe_state) {
            on_safe_state_.push_back(f);
        } else {
            due_.push_back({f.at_sim_s, [this, f] { fire_fault(f, false); }});
        }
    }
    for (const auto& [signal, at_s] : options_.self_signals) {
        due_.push_back({at_s, [signal] { (void)std::raise(signal); }});
    }
}

void SimRig::fire_fault(const sim::FaultSpec& f, bool in_safe_state) {
    host_->inject(f.kind, f.away_s);
    std::lock_guard lock(mutex_);
    fired_.push_back({f.kind, run_clock_ != nullptr ? run_clock_->run_s() : 0.0, in_safe_state});
}

void SimRig::safe_state_started() {
    std::vector<sim::FaultSpec> now;
    {
        std::lock_guard lock(mutex_);
        if (stop_) return;
        now.swap(on_safe_state_);
    }
    for (const auto& f : now) fire_fault(f, true);
}

std::vector<FiredFault> SimRig::fired() const {
    std::lock_guard lock(mutex_);
    return fired_;
}

SimRig::~SimRig() {
    stop_faults();
    if (host_) host_->stop();  // removes the links
    if (!link_dir_.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(link_dir_, ec);
    }
}

void SimRig::run_started(const RunClock& clock) {
    std::lock_guard lock(mutex_);
    if (injector_.joinable() || stop_) return;
    run_clock_ = &clock;
    injector_ = std::thread([this, &clock, attached = clk::Attachment(clock.clock())] { inject(&clock); });
}

void SimRig::deposition_started(double t_s, std::function<void()> stall_loop,
                                std::function<void()> throw_in) {
    {
        std::lock_guard lock(mutex_);
        if (options_.stall_loop_at_s > 0.0)
            due_.push_back({t_s + options_.stall_loop_at_s, std::move(stall_loop)});
        if (options_.throw_in_thread != RuntimeThread::none)
            due_.push_back({t_s + options_.throw_at_s, std::move(throw_in)});
    }
    wake_.notify_all();
}

void SimRig::stop_faults() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (injector_.joinable()) injector_.join();
}

// Sleeps until the earliest item is due on the run clock, fires it, repeats; items added later
// (the loop stall) wake it.
void SimRig::inject(const RunClock* clock) {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (stop_) return;
        if (due_.empty()) {
            wake_.wait(lock, [this] { return stop_ || !due_.empty(); });
            continue;
        }
        auto next = std::min_element(due_.begin(), due_.end(),
                                     [](const Due& a, const Due& b) { return a.t_s < b.t_s; });
        if (clock->run_s() < next->t_s) {
            const auto count = due_.size();
            (void)wake_.wait_until(lock, clock->at(next->t_s),
                                   [this, count] { return stop_ || due_.size() != count; });
            continue;
        }
        auto fire = std::move(next->fire);
        due_.erase(next);
        lock.unlock();
        try {
            fire();
        } catch (const std::exception&
                     e) {  // a fault that cannot be injected is the test's problem, not the run's
            std::fputs(("edc: fault injection failed: " + std::string(e.what()) + "\n").c_str(), stderr);
        }
        lock.lock();
    }
}

SimVerdict SimRig::verdict(const plan::FeedPlan& plan, double charge_c) const {
    const auto snap = host_->snapshot();
    SimVerdict v;
    // Judged against the plant's truth: the film's own depth fraction against the plan's, up
    // to the charge the loop passed (what the stopping phase adds is a speed artefact). A run
    // that ended early grew the plan's bottom part only: its film is set against the plan's
    // depth at that charge, not against the whole profile.
    const auto film = sim::layers_up_to_charge(snap.deposit, charge_c);
    const double planned_depth_m = plan.depth_at(std::min(charge_c, plan.totals.charge_c));
    const auto score = sim::score_deposit(
        film, [&plan, planned_depth_m](double f) { return plan.x_target_at_depth(f * planned_depth_m); });
    if (!score.bins.empty()) {
        v.rms_error_at_pct = 100.0 * score.rms_x_bi;
        v.max_error_at_pct = 100.0 * score.max_abs_x_bi;
    }
    v.safe_state_seen =
        !snap.output_on && snap.output_off_mode == sim::OutputOffMode::high_impedance && !snap.pump_running;
    v.safe_state_text = std::string("simulator sees: output ") + (snap.output_on ? "ON" : "off") +
                        ", output-off mode " + sim::to_string(snap.output_off_mode) + ", pump " +
                        (snap.pump_running ? "RUNNING" : "stopped");
    return v;
}

}  // namespace edc::app
