// edc run RECIPE [--sim [--plant FILE] [--sim-state FILE]] [--speed N] [--virtual] [--db PATH] [--operator NAME] [--fault KIND@SECONDS ...]
//         [--chemistry FILE] [--measure FILE.csv [--measure-noise S] [--measure-resolution NM] [--seed N]]
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <csignal>
#include <memory>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "app/cli/cli.hpp"
#include "app/cli/command_support.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/journal_view.hpp"
#include "app/cli/measure_options.hpp"
#include "app/cli/plan_report.hpp"
#include "app/cli/plant_option.hpp"
#include "app/cli/sim_state_option.hpp"
#include "app/cli/run_progress.hpp"
#include "app/runtime/run_session.hpp"
#include "app/sim/plant_setup.hpp"
#include "control/clock/virtual_clock.hpp"
#include "control/model/units.hpp"
#include "control/plan/planner.hpp"
#include "drivers/sim/deposit_score.hpp"
#include "drivers/sim/sim_fault.hpp"
#include "recipes/format/chemistry_file.hpp"

namespace edc::cli {
namespace {

constexpr std::array run_options{
    OptionSpec{"--sim", "", false, false},
    OptionSpec{"--speed", "", true, false},
    OptionSpec{"--virtual", "", false, false},
    OptionSpec{"--db", "", true, false},
    OptionSpec{"--operator", "", true, false},
    OptionSpec{"--fault", "", true, true},
    OptionSpec{"--signal", "", true, true},
    OptionSpec{"--plant", "", true, false},
    OptionSpec{"--chemistry", "", true, false},
    measure_option_specs[0],
    measure_option_specs[1],
    measure_option_specs[2],
    measure_option_specs[3],
    sim_state_option_specs[0],
};

constexpr std::string_view run_help =
    R"(Usage: edc run RECIPE [--sim [--plant FILE] [--sim-state FILE]] [--speed N] [--virtual] [--db PATH] [--operator NAME]
               [--fault KIND@SECONDS ...] [--signal NAME@SECONDS ...] [--chemistry FILE]
               [--measure FILE.csv [--measure-noise S] [--measure-resolution NM] [--seed N]]

Runs a deposition: plans the recipe, checks the instruments, primes the feed, deposits under
the charge-indexed scheduler, and journals every sample and event. Ctrl-C or SIGTERM aborts
to the safe state (output off, pump stopped); the abort is journaled.

Options:
  --sim              run against simulated instruments (edc-sim's galvanostat and pump,
                     reached through the real drivers over pseudo-terminals / loopback TCP)
  --plant FILE       with --sim: the simulated cell's truth where it differs from the recipe
                     (a plant file: selectivity, efficiency, baths, volume, mixing time,
                     true syringe bore); its text and hash are journaled
)"
    R"(  --sim-state FILE   with --sim: the simulated instruments' truth (bath, film, syringe and
                     counters, output on/off and current, pump running and rate) is loaded
                     from FILE if it exists and rewritten at least every simulated second
                     and at the end: it outlives edc (`edc resume --sim --sim-state FILE`)
  --speed N          with --sim: simulated time runs N times faster than real time (default 1)
  --virtual          with --sim: virtual time instead of the wall clock (the instruments'
                     models in process, no pseudo-terminals; time advances when every part
                     of the run waits): as fast as the CPU allows, the same run on any load
  --fault KIND@S     with --sim: inject a fault at run time S (simulated seconds from t = 0,
                     when the instrument checks begin: the time the progress lines and the
                     journal show; repeatable); KIND is galvanostat-timeout,
                     galvanostat-disconnect, galvanostat-garbage, galvanostat-scpi-error,
                     compliance-trip, pump-timeout, pump-disconnect, pump-stall, pump-alarm,
                     syringe-empty, galvanostat-reenumerate or pump-reenumerate (KIND@S+AWAY:
                     the port vanishes and returns AWAY s later (default 3) under the same
                     name, on pseudo-terminals too); KIND@safe-state fires it when the run's
                     first safe-state sequence starts (a compound fault, after another fault)
  --signal NAME@S    with --sim: this process sends itself signal NAME (INT, TERM or KILL) at
                     run time S: an operator's Ctrl-C, a service stop or a crash rehearsed
                     at a chosen point of the run (repeatable)
  --chemistry FILE   a chemistry file ([chemistry] keys, e.g. from `edc calibrate`) that
                     overrides the recipe's chemistry and any calibration file it names
)"
    R"(  --measure FILE.csv with --sim: after the run, the simulated film's depth profile as an
                     instrument reports it: depth_nm,x_bi every 10 nm from the substrate,
                     blurred by a Gaussian depth kernel, with Gaussian noise on x_Bi (read it
                     back with `edc compare RUN FILE.csv`)
  --measure-noise S  with --measure: noise sigma on x_Bi (default 0.01; 0: none)
  --measure-resolution NM
                     with --measure: depth resolution sigma in nm (default 30; 0: none)
  --seed N           with --measure: the noise's seed (default 1; a seed repeats exactly)
  --db PATH          the run journal (default $XDG_DATA_HOME/edc/edc.sqlite)
  --operator NAME    who runs it (default: the OS user)
  -v, --verbose      debug logging
  -h, --help         this text

Exit codes: 0 completed, 1 usage or start-up failure, 2 invalid recipe or plant file, 3 infeasible plan,
4 run faulted, 5 run aborted by the operator.
)";

// Set by the signal handler, read by the polling loop: the only thing a handler may touch.
std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_stop_signal(int sig) {
    g_stop_signal.store(sig, std::memory_order_relaxed);
}

// SIGINT and SIGTERM handlers for the duration of a run; the previous ones come back after.
class StopSignals {
public:
    StopSignals() {
        g_stop_signal.store(0);
        struct sigaction sa {};
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int_);
        sigaction(SIGTERM, &sa, &old_term_);
    }
    ~StopSignals() {
        sigaction(SIGINT, &old_int_, nullptr);
        sigaction(SIGTERM, &old_term_, nullptr);
    }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

private:
    struct sigaction old_int_ {};
    struct sigaction old_term_ {};
};

// "TERM@60" -> {SIGTERM, 60}.
Result<std::pair<int, double>> parse_signal_at(std::string_view text) {
    const auto at = text.find('@');
    const std::string_view name = text.substr(0, at);
    int sig = 0;
    if (name == "INT" || name == "SIGINT") sig = SIGINT;
    if (name == "TERM" || name == "SIGTERM") sig = SIGTERM;
    if (name == "KILL" || name == "SIGKILL") sig = SIGKILL;
    if (sig == 0 || at == std::string_view::npos) {
        return fail("usage", fmt::format("'{}' is not NAME@SECONDS with NAME one of INT, TERM, KILL", text), "");
    }
    auto seconds = parse_number("--signal", text.substr(at + 1));
    if (!seconds) return std::unexpected(seconds.error());
    if (*seconds < 0.0) return fail("usage", fmt::format("'{}': the run time must not be negative", text), "");
    return std::pair{sig, *seconds};
}

const char* signal_name(int sig) {
    return sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "signal";
}

void print_summary(std::ostream& out, const app::RunSummary& s, const std::string& db_path) {
    out << fmt::format("run {}: {}\n", s.run_id, run::to_string(s.outcome));
    if (!s.cause.empty()) out << fmt::format("  cause           {}\n", s.cause);
    if (!s.instruments_opened) {
        // Nothing deposited and nothing to verify: no quantities, no safe-state claim (issue 11, defect 4).
        out << "  instruments     none reached: nothing was opened, nothing was energised\n";
        out << fmt::format("  journal         {} (edc show {} --db {})\n", db_path, s.run_id, db_path);
        return;
    }
    if (!s.deposition_started) out << "  deposition      never started: no current was commanded\n";
    // The run's totals record, as journaled: `edc show` prints the same lines from the journal.
    out << totals_text(s.totals);
    out << fmt::format("  samples         {}\n", s.samples);
    if (s.loop_overruns > 0) out << fmt::format("  loop overruns   {}\n", s.loop_overruns);
    if (s.sim_rms_error_at_pct) {
        out << fmt::format("  deposited vs target {:.3f} at.% Bi RMS", *s.sim_rms_error_at_pct);
        if (s.sim_max_error_at_pct) out << fmt::format(", {:.3f} at.% worst", *s.sim_max_error_at_pct);
        out << " (simulated instruments)\n";
    }
    if (s.outcome != run::Outcome::completed) {
        out << fmt::format("  safe state      {}\n", s.safe_state_confirmed ? "confirmed" : "not confirmed");
    }
    out << fmt::format("  journal         {} (edc show {} --db {})\n", db_path, s.run_id, db_path);
}

int exit_code_for(run::Outcome outcome) {
    switch (outcome) {
        case run::Outcome::completed:
            return exit_code::success;
        case run::Outcome::aborted:
            return exit_code::run_aborted;
        case run::Outcome::faulted:
        case run::Outcome::none:
            break;
    }
    return exit_code::run_faulted;
}

// --measure and its options, checked before anything starts: the usage error's exit code, or
// success with `measure` set when a measurement is asked for. Kept out of run_run, whose
// optionals are many already.
int measure_option(const ParsedArgs& args, bool simulate, Console& console,
                   std::optional<MeasureRequest>& measure) {
    auto request = measure_request(args, "run");
    if (!request) return usage_error(console, "run", request.error().message);
    if (request->has_value() && !simulate) {
        return usage_error(console, "run",
                           "run: --measure needs --sim (it reads the simulated film; measure a real one "
                           "and import it with `edc compare`)");
    }
    measure = std::move(*request);
    return exit_code::success;
}

// The run's exit code, after writing the measured profile when one was asked for: a film that
// could not be measured turns a completed run's success into a failure.
int with_measurement(Console& console, const std::optional<MeasureRequest>& measure,
                     const app::RunSession& session, const app::RunSummary& summary) {
    const int code = exit_code_for(summary.outcome);
    if (!measure.has_value()) return code;
    // Whatever was deposited, a faulted run's partial film included (the simulator outlives
    // wait()), up to the charge the loop passed: the film the summary judges. What the stopping
    // phase adds is the host's reaction time times --speed, a simulation artefact.
    const auto snapshot = session.sim_snapshot();
    const bool written =
        snapshot.has_value() &&
        write_measurement(console, *measure, sim::layers_up_to_charge(snapshot->deposit, summary.totals.charge_c),
                          false);
    return !written && code == exit_code::success ? exit_code::failure : code;
}

int run_run(const ParsedArgs& args, Console& console) {
    const bool simulate = args.has("--sim");
    double speed = 1.0;
    if (auto text = args.value("--speed")) {
        if (!simulate)
            return usage_error(console, "run",
                               "run: --speed needs --sim (real instruments run in real time)");
        auto v = parse_number("--speed", *text);
        if (!v) return usage_error(console, "run", "run: " + v.error().message);
        if (*v <= 0.0)
            return usage_error(console, "run", fmt::format("run: --speed must be positive, not {}", *text));
        speed = *v;
    }
    const bool virtual_time = args.has("--virtual");
    if (virtual_time && !simulate) return usage_error(console, "run", "run: --virtual needs --sim");
    const auto faults = args.values("--fault");
    if (!faults.empty() && !simulate) return usage_error(console, "run", "run: --fault needs --sim");
    for (const auto& f : faults) {
        if (auto parsed = sim::parse_fault(f); !parsed) {
            return usage_error(console, "run", "run: --fault: " + parsed.error().message);
        }
    }
    const auto signal_texts = args.values("--signal");
    if (!signal_texts.empty() && !simulate) return usage_error(console, "run", "run: --signal needs --sim");
    std::vector<std::pair<int, double>> self_signals;
    for (const auto& text : signal_texts) {
        auto parsed = parse_signal_at(text);
        if (!parsed) return usage_error(console, "run", "run: --signal: " + parsed.error().message);
        self_signals.push_back(*parsed);
    }
    std::optional<MeasureRequest> measure;
    if (const int code = measure_option(args, simulate, console, measure); code != exit_code::success)
        return code;
    if (args.has("--plant") && !simulate) return usage_error(console, "run", "run: --plant needs --sim");
    const auto plant = load_plant_option(args, console);
    if (!plant) return plant.error();
    const auto sim_state = sim_state_choice(args, simulate, false, "run", console);
    if (!sim_state) return sim_state.error();
    if (auto name = args.value("--operator"); name && name->empty()) {
        return usage_error(console, "run", "run: --operator needs a name");
    }
    const auto path = single_positional(args, console, "run", "RECIPE");
    if (!path) return exit_code::usage;
    // Planned here as well as in RunSession::create, so an infeasible recipe gets the planner's
    // full list of issues and its own exit code before anything is started.
    auto planned = load_and_plan(*path, console, false, args.value("--chemistry"));
    if (!planned) return planned.error();
    auto& recipe = planned->recipe;

    app::RunOptions options;
    // The journal keeps the chemistry the plan used and where it came from (the recipe text
    // stays verbatim); `edc calibrate` starts from it.
    options.provenance.push_back({"chemistry", recipes::chemistry_toml(recipe.plan.cell.chemistry)});
    options.provenance.push_back({"chemistry_source", recipe.chemistry_source});
    std::optional<app::SimRigOptions> sim;
    std::shared_ptr<clk::VirtualClock> vclock;
    std::optional<clk::Attachment> attached;
    if (simulate) {
        sim.emplace();
        sim->speed = speed;
        sim->faults = faults;
        sim->self_signals = self_signals;
        if (virtual_time) {
            vclock = std::make_shared<clk::VirtualClock>(speed);
            sim->clock = vclock;
            sim->in_process = true;
            // This thread takes part in the lock step until the run is over: time stands still
            // while it sets the run up, and its progress polls are waits on the run's clock.
            attached.emplace(*vclock);
        }
        // The simulated plant is the world: where a plant file is silent (or there is none) it
        // holds what the recipe's own text says, not a calibration's estimate.
        model::CellParams recipe_cell = recipe.plan.cell;
        recipe_cell.chemistry = recipe.recipe_chemistry;
        const recipes::PlantFile* file = plant->has_value() ? &plant->value() : nullptr;
        sim->plant = app::make_plant(recipe_cell, file);
        if (file != nullptr) options.provenance.push_back({"plant", app::plant_provenance_text(*file)});
        apply_sim_state_choice(*sim_state, *sim);
    }
    options.recipe = std::move(recipe);
    options.db_path = journal_path(args);
    options.operator_name = args.value("--operator").value_or("");
    const std::string db_path = options.db_path;
    const std::string recipe_name = options.recipe.name;

    auto session = app::RunSession::create(std::move(options), std::move(sim));
    if (!session) return report_error(console, session.error());
    spdlog::info("run of '{}' starting ({}, speed {})", recipe_name,
                 simulate ? "simulated instruments" : "instruments", speed);

    RunProgressView view(console);
    {
        StopSignals signals;
        (*session)->start();
        bool abort_sent = false;
        bool announced = false;
        while (!(*session)->finished()) {
            if (const int sig = g_stop_signal.load(std::memory_order_relaxed); sig != 0 && !abort_sent) {
                (*session)->abort(fmt::format("operator abort ({})", signal_name(sig)));
                abort_sent = true;
                view.note(fmt::format("{}: aborting, bringing the cell to the safe state", signal_name(sig)));
            }
            for (const auto& e : (*session)->take_events()) view.event(e);
            const app::RunSnapshot snapshot = (*session)->snapshot();
            if (!announced && snapshot.run_id != 0) {
                view.note(fmt::format("run {} of {} (journal {})", snapshot.run_id, recipe_name, db_path));
                announced = true;
            }
            view.update(snapshot);
            if (vclock) {
                vclock->sleep_for(vclock->real_to_clock(0.1));
            } else {
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        }
    }
    attached.reset();
    const app::RunSummary summary = (*session)->wait();
    for (const auto& e : (*session)->take_events()) view.event(e);
    view.finish();
    print_summary(console.out, summary, db_path);
    return with_measurement(console, measure, **session, summary);
}

}  // namespace

const Command& run_command() {
    static const Command command{"run", "run a deposition (real or --sim instruments), journaled", run_help,
                                 run_options, run_run};
    return command;
}

}  // namespace edc::cli
