// edc resume RUN [--yes] [--db PATH] [--max-gap S] [--json] [--sim --sim-state FILE [--sim-outage S]
// [--virtual]]
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <ctime>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "app/cli/cli.hpp"
#include "app/cli/command_support.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/journal_view.hpp"
#include "app/cli/sim_state_option.hpp"
#include "app/runtime/resume_request.hpp"
#include "app/runtime/run_session.hpp"
#include "app/sim/plant_setup.hpp"
#include "control/clock/virtual_clock.hpp"
#include "control/plan/planner.hpp"
#include "drivers/sim/deposit_score.hpp"
#include "drivers/sim/sim_state_file.hpp"
#include "recipes/format/chemistry_file.hpp"

namespace edc::cli {
namespace {

constexpr std::array resume_options{
    OptionSpec{"--yes", "", false, false},
    OptionSpec{"--db", "", true, false},
    OptionSpec{"--max-gap", "", true, false},
    OptionSpec{"--json", "", false, false},
    OptionSpec{"--sim", "", false, false},
    OptionSpec{"--virtual", "", false, false},
    OptionSpec{"--speed", "", true, false},
    sim_state_option_specs[0],
    sim_state_option_specs[1],
};

constexpr std::string_view resume_help =
    R"(Usage: edc resume RUN [--yes] [--db PATH] [--max-gap S] [--json]
                  [--sim --sim-state FILE [--sim-outage S] [--virtual]]

Continues an interrupted run (its controller died: `edc runs` shows it 'interrupted'). Reopens
and identifies the run's instruments (refused when they are not the journaled ones), asks them
what they are doing and switches off whatever was left on, counts what they did while no
controller watched (the pump's own counter; the charge of an output left on), rebuilds the bath
from the journal and re-plans the rest of the profile from the depth reached. Nothing is
energised until the operator confirms (a prompt on a terminal; --yes for scripts). The
continuation is a new run in the same journal, linked to the interrupted one.

Refused (exit 1, nothing energised) when the run is not interrupted or already resumed, has no
samples, ended longer ago than --max-gap, when its instruments differ, when the syringe cannot
supply the rest, or without confirmation.

Options:
  --yes              confirm without a prompt (needed when stdin is not a terminal)
  --max-gap S        refuse a run that stopped more than S seconds ago (default 3600)
  --sim              the simulated instruments (with --sim-state: as the killed run left them)
  --virtual          with --sim: virtual time (the instruments' models in process)
  --speed N          with --virtual: the virtual clock's pace (default 1; fewer journal commits
                     per run second when higher)
  --db PATH          the run journal (default $XDG_DATA_HOME/edc/edc.sqlite)
  --json             the summary as one JSON object
)"
    R"(
Exit codes: 0 completed, 1 usage error or refused, 4 run faulted, 5 run aborted by the operator.
)";

int refuse(Console& console, std::int64_t run, const std::string& why) {
    return report_error(console, app::resume_refused(run, why));
}

// The operator's yes: --yes, a "y" typed on a terminal, nothing else.
app::ResumeConfirm confirmation(bool yes, Console& console) {
    return [yes, &console](const app::ResumeFindings& f) {
        console.err << app::resume_text(f) << "\n";
        if (yes) return true;
        if (::isatty(STDIN_FILENO) == 0) {
            console.err << "stdin is not a terminal: pass --yes to resume without a prompt\n";
            return false;
        }
        console.err << "Energise the cell and continue? [y/N] " << std::flush;
        std::string answer;
        std::getline(std::cin, answer);
        return answer == "y" || answer == "Y" || answer == "yes";
    };
}

// The film the state file holds against the original plan's target: RMS over the film and over
// the depth band the pause touched (deposited while dead, and the re-plan's first 5 % of depth).
struct FilmScore {
    double rms_pct = 0.0;
    double band_rms_pct = 0.0;
};

std::optional<FilmScore> score_film(const std::filesystem::path& state_file, const plan::FeedPlan& fresh,
                                    const app::ResumeFindings& f) {
    auto layers = sim::load_film_layers(state_file);
    if (!layers) return std::nullopt;
    const double thickness = fresh.totals.thickness_m;
    const auto score =
        sim::score_deposit(*layers, [&](double frac) { return fresh.x_target_at_depth(frac * thickness); });
    FilmScore out;
    out.rms_pct = score.rms_x_bi * 100.0;
    const double lo = f.depth_before_m / thickness - 0.01;
    const double hi = fresh.depth_at(f.start.charge_c) / thickness + 0.05;
    double sum = 0.0;
    int n = 0;
    for (const auto& b : score.bins) {
        if (b.fraction < lo || b.fraction > hi) continue;
        sum += (b.x_deposited - b.x_target) * (b.x_deposited - b.x_target);
        ++n;
    }
    out.band_rms_pct = n > 0 ? std::sqrt(sum / n) * 100.0 : 0.0;
    return out;
}

int exit_for(run::Outcome o) {
    if (o == run::Outcome::completed) return exit_code::success;
    if (o == run::Outcome::aborted) return exit_code::run_aborted;
    return exit_code::run_faulted;
}

int run_resume(const ParsedArgs& args, Console& console) {
    const bool simulate = args.has("--sim");
    const bool virtual_time = args.has("--virtual");
    if (virtual_time && !simulate) return usage_error(console, "resume", "resume: --virtual needs --sim");
    double speed = 1.0;
    if (auto text = args.value("--speed")) {
        auto v = parse_number("--speed", *text);
        if (!virtual_time || !v || !(*v > 0.0) || *v > 1000.0)
            return usage_error(console, "resume", "resume: --speed needs --virtual and 0 < N <= 1000");
        speed = *v;
    }
    const auto sim_state = sim_state_choice(args, simulate, true, "resume", console);
    if (!sim_state) return sim_state.error();
    double max_gap_s = 3600.0;
    if (auto text = args.value("--max-gap")) {
        auto v = parse_number("--max-gap", *text);
        if (!v || *v < 0.0) return usage_error(console, "resume", "resume: --max-gap needs seconds >= 0");
        max_gap_s = *v;
    }
    const auto run_text = single_positional(args, console, "resume", "RUN");
    if (!run_text) return exit_code::usage;
    auto run_number = parse_number("RUN", *run_text);
    if (!run_number || *run_number < 1.0)
        return usage_error(console, "resume", "resume: RUN is a run number");
    const auto id = static_cast<std::int64_t>(*run_number);
    const std::string db_path = journal_path(args);

    // The journal's side: what the interrupted run had reached, and its refusals.
    auto req = app::prepare_resume(db_path, id, static_cast<double>(std::time(nullptr)));
    if (!req) return report_error(console, req.error());
    if (req->simulated != simulate) {
        return refuse(
            console, id,
            req->simulated ? "it ran on simulated instruments: add --sim" : "it ran on real instruments");
    }
    if (req->wall_gap_s > max_gap_s) {
        return refuse(
            console, id,
            fmt::format("it stopped {:.0f} s ago, more than --max-gap {:.0f} s", req->wall_gap_s, max_gap_s));
    }
    if (simulate) req->options.resume->gap_s = sim_state->outage_s;
    std::optional<app::SimRigOptions> sim;
    std::shared_ptr<clk::VirtualClock> vclock;
    std::optional<clk::Attachment> attached;
    if (simulate) {
        sim.emplace();
        apply_sim_state_choice(*sim_state, *sim);
        if (virtual_time) {
            vclock = std::make_shared<clk::VirtualClock>(speed);
            sim->speed = speed;
            sim->clock = vclock;
            sim->in_process = true;
            attached.emplace(*vclock);
        }
        sim->plant = app::make_plant(req->plant_cell, req->plant ? &*req->plant : nullptr);
    }
    app::RunOptions options = std::move(req->options);
    options.confirm_resume = confirmation(args.has("--yes"), console);

    auto session = app::RunSession::create(std::move(options), std::move(sim));
    if (!session) return report_error(console, session.error());
    (*session)->start();
    while (!(*session)->finished()) {
        for (const auto& e : (*session)->take_events()) {
            if (e.level != "info")
                console.err << fmt::format("[{:8.1f} s] {} {}: {}\n", e.t_s, e.level, e.code, e.message);
        }
        if (vclock) {
            vclock->sleep_for(vclock->real_to_clock(0.1));
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    attached.reset();
    const app::RunSummary s = (*session)->wait();
    session->reset();  // the simulators stop and write their state file a last time
    if (s.resume_refused) return refuse(console, id, s.cause);

    std::optional<FilmScore> film;
    if (simulate && !sim_state->state_file.empty() && s.resume)
        film = score_film(sim_state->state_file, req->plan, *s.resume);
    if (args.has("--json")) {
        nlohmann::ordered_json j;
        j["run"] = s.run_id;
        j["resumes_run"] = id;
        j["outcome"] = std::string(run::to_string(s.outcome));
        j["cause"] = s.cause;
        j["planned_charge_c"] = req->plan.totals.charge_c;
        j["charge_c"] = s.totals.charge_c;
        if (s.resume) {
            j["gap_s"] = s.resume->gap_s;
            j["gap_charge_c"] = s.resume->gap_charge_c;
            j["gap_volume_m3"] = s.resume->gap_volume_m3;
            j["resumed_at_charge_c"] = s.resume->start.charge_c;
        }
        if (film) {
            j["film_rms_at_pct"] = film->rms_pct;
            j["pause_band_rms_at_pct"] = film->band_rms_pct;
        }
        write_json(console.out, j);
        return exit_for(s.outcome);
    }
    console.out << fmt::format("run {}: {} (resumes run {})\n", s.run_id, run::to_string(s.outcome), id);
    if (!s.cause.empty()) console.out << fmt::format("  cause           {}\n", s.cause);
    if (s.resume) console.out << "  pause           " << app::resume_text(*s.resume) << "\n";
    console.out << totals_text(s.totals);
    console.out << fmt::format("  planned charge  {:.3f} C (the whole film)\n", req->plan.totals.charge_c);
    if (film) {
        console.out << fmt::format(
            "  film vs target  {:.3f} at.% Bi RMS, {:.3f} at.% over the pause's depth band "
            "(simulated instruments' film)\n",
            film->rms_pct, film->band_rms_pct);
    }
    console.out << fmt::format("  journal         {} (edc show {} --db {})\n", db_path, s.run_id, db_path);
    return exit_for(s.outcome);
}

}  // namespace

const Command& resume_command() {
    static const Command command{"resume", "continue an interrupted run (its controller died)", resume_help,
                                 resume_options, run_resume};
    return command;
}

}  // namespace edc::cli
