#pragma once
// One simulated run with one injected fault, and what the journal says about it afterwards:
// the run's status, its events and samples, and the times the checks of issue 6 need
// (deposition start, fault detection, safe state), all read back from the SQLite file.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "app/journal/run_journal.hpp"
#include "run_fixture.hpp"

namespace edc::testing {

struct FaultRunSpec {
    std::string recipe = "g-bi033sb067.toml";
    std::string galvanostat_model;          // replaces the recipe's (e.g. "keithley-2450"); empty: keep
    std::string pump_model;                 // replaces the recipe's (e.g. "harvard-elite"); empty: keep
    std::string syringe_diameter;           // replaces the recipe's (e.g. "48 mm"); empty: keep
    std::string fault;                      // "KIND@SECONDS" (simulated run seconds); empty: none
    std::vector<std::string> more_faults;   // further --fault texts, e.g. "KIND@safe-state"
    double speed = 20.0;
    double abort_at_s = 0.0;                // operator abort at this run time, once depositing (0: never)
    double hold_at_s = 0.0;                 // operator hold at this run time, once depositing (0: never)
    double stall_scheduler_at_s = 0.0;      // SimRigOptions::stall_loop_at_s
    std::filesystem::path db;               // empty: a fresh temp file
    std::chrono::seconds limit{150};        // real-time cap on the run
    double watch_sim_after_end_s = 0.0;     // keep reading the simulator this long (real s) after the run
    // A lock-step virtual clock and in-process instruments (run_fixture.hpp); false: wall time
    // at `speed` over PTY/TCP, as `edc run --sim`. `limit` and the polls are then run time / speed.
    bool virtual_time = true;
};

// What the simulator's pump did by itself, read every poll (20 ms real) during the run and for
// FaultRunSpec::watch_sim_after_end_s after it (RunSession::sim_snapshot()).
struct SimPumpWatch {
    // The first alarm raised after the pump was seen clear (the power-up alarm R pending until
    // the driver's first contact does not count).
    std::optional<double> first_alarm_sim_s;  // simulator seconds when it was first seen
    char alarm = 0;                           // its letter (T: safe-mode host timeout)
    std::optional<double> last_running_sim_s; // last time the motor was seen running
    bool running_at_end = false;              // at the last read
    double last_read_sim_s = 0.0;
    bool seen_clear = false;
    std::optional<double> fault_fired_sim_s;  // when the simulator fired the first injected fault
    void read(const sim::SimSnapshot& s) {
        if (!fault_fired_sim_s && !s.faults_fired.empty()) fault_fired_sim_s = s.faults_fired.front().at_sim_s;
        if (s.pump_alarm == 0) seen_clear = true;
        if (s.pump_alarm != 0 && seen_clear && !first_alarm_sim_s) {
            first_alarm_sim_s = s.sim_time_s;
            alarm = s.pump_alarm;
        }
        if (s.pump_running) last_running_sim_s = s.sim_time_s;
        running_at_end = s.pump_running;
        last_read_sim_s = s.sim_time_s;
    }
};

struct FaultRunResult {
    app::RunSummary summary;
    double real_s = 0.0;                     // wall time of the whole run
    std::string db;
    std::optional<journal::RunStatus> status;
    std::vector<journal::JournalEvent> events;
    std::vector<journal::JournalSample> samples;
    std::string integrity;
    std::optional<double> deposition_start_s;   // "-> depositing" state change, run seconds
    std::optional<double> detected_s;           // first error-level state change (fault / watchdog)
    std::optional<double> safe_state_s;         // the "safe_state" / "safe_state_unconfirmed" event
    std::optional<long> safe_state_ms;          // real ms the safe-state sequence took, from its message
    std::string detection_message;
    std::string safe_state_message;
    std::string sim_safe_state_message;
    SimPumpWatch sim_pump;

    [[nodiscard]] bool any_event_mentions(const std::string& needle) const {
        return std::any_of(events.begin(), events.end(), [&](const journal::JournalEvent& e) {
            return e.message.find(needle) != std::string::npos || e.code.find(needle) != std::string::npos;
        });
    }
    // Largest gap between consecutive journaled samples with t_s in [from, to], run seconds.
    [[nodiscard]] double max_sample_gap(double from, double to) const {
        double gap = 0.0;
        const journal::JournalSample* prev = nullptr;
        for (const auto& s : samples) {
            if (s.t_s < from || s.t_s > to) continue;
            if (prev) gap = std::max(gap, s.t_s - prev->t_s);
            prev = &s;
        }
        return gap;
    }
    [[nodiscard]] std::size_t samples_between(double from, double to) const {
        return static_cast<std::size_t>(std::count_if(samples.begin(), samples.end(), [&](const journal::JournalSample& s) {
            return s.t_s >= from && s.t_s <= to;
        }));
    }
};

// The example recipe with its instrument models swapped, as a lab would edit the text.
inline SimRunOptions variant_options(const FaultRunSpec& spec, const std::filesystem::path& db) {
    auto o = sim_options(spec.recipe, db, spec.speed);
    if (spec.galvanostat_model.empty() && spec.pump_model.empty() && spec.syringe_diameter.empty()) return o;
    std::string text = o.run.recipe.text;
    auto swap = [&text](const std::string& from, const std::string& to) {
        const auto at = text.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        if (at != std::string::npos) text.replace(at, from.size(), to);
    };
    if (!spec.galvanostat_model.empty()) {
        swap("model = \"" + std::string(recipes::to_string(o.run.recipe.galvanostat.model)) + "\"",
             "model = \"" + spec.galvanostat_model + "\"");
    }
    if (!spec.pump_model.empty() && o.run.recipe.pump) {
        swap("model = \"" + std::string(recipes::to_string(o.run.recipe.pump->model)) + "\"",
             "model = \"" + spec.pump_model + "\"");
        // NE-1000 safe mode has no Elite counterpart: the recipe refuses the key for other pumps.
        if (const auto at = text.find("\nsafe_mode_timeout"); at != std::string::npos && spec.pump_model != "ne-1000") {
            text.erase(at + 1, text.find('\n', at + 1) - at);
        }
    }
    if (!spec.syringe_diameter.empty()) {
        const auto at = text.find("syringe_diameter = \"");
        EXPECT_NE(at, std::string::npos);
        if (at != std::string::npos) {
            const auto open = at + std::string("syringe_diameter = \"").size();
            text.replace(open, text.find('"', open) - open, spec.syringe_diameter);
        }
    }
    auto r = recipes::parse_recipe(text, spec.recipe + " (instrument variant)");
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    if (r) o.run.recipe = *r;
    return o;
}

// Runs the spec to its end and reads the journal back (with a fresh connection, as `edc show` would).
inline FaultRunResult run_with_fault(const FaultRunSpec& spec) {
    FaultRunResult r;
    const auto db = spec.db.empty() ? temp_db("fault") : spec.db;
    r.db = db.string();
    auto options = variant_options(spec, db);
    if (!spec.fault.empty()) options.sim.faults.push_back(spec.fault);
    for (const auto& f : spec.more_faults) options.sim.faults.push_back(f);
    options.sim.stall_loop_at_s = spec.stall_scheduler_at_s;
    std::optional<VirtualRun> lockstep;
    if (spec.virtual_time) lockstep.emplace(use_virtual_time(options));
    const auto t_begin = std::chrono::steady_clock::now();
    auto session = create_session(std::move(options));
    if (!session) {
        ADD_FAILURE() << "RunSession::create: " << session.error().message;
        return r;
    }
    (*session)->start();
    bool aborted = false;
    bool held = false;
    auto on_poll = [&](const app::RunSnapshot& s) {
        // (The snapshot's t_s is the last tick's time: it only moves once the deposition runs.)
        if (auto sim = (*session)->sim_snapshot()) r.sim_pump.read(*sim);
        if (spec.hold_at_s > 0.0 && !held && s.state == run::RunState::depositing && s.t_s >= spec.hold_at_s) {
            (*session)->hold();
            held = true;
        }
        if (spec.abort_at_s > 0.0 && !aborted && s.state == run::RunState::depositing && s.t_s >= spec.abort_at_s) {
            (*session)->abort("operator abort (fault matrix)");
            aborted = true;
        }
    };
    if (lockstep) {
        const double poll_s = 0.02 * spec.speed;  // as the wall-clock poll below, in run time
        r.summary = lockstep->run_to_end(**session, static_cast<double>(spec.limit.count()) * spec.speed, poll_s, on_poll);
        r.real_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_begin).count();
        const double watch_until = lockstep->clock().now_s() + spec.watch_sim_after_end_s * spec.speed;
        do {
            if (auto sim = (*session)->sim_snapshot()) r.sim_pump.read(*sim);
            lockstep->clock().sleep_for(poll_s);
        } while (lockstep->clock().now_s() < watch_until);
        lockstep->release();
    } else {
        r.summary = run_to_end(**session, spec.limit, on_poll);
        r.real_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_begin).count();
        const auto watch_until =
            std::chrono::steady_clock::now() + std::chrono::duration<double>(spec.watch_sim_after_end_s);
        do {
            if (auto sim = (*session)->sim_snapshot()) r.sim_pump.read(*sim);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        } while (std::chrono::steady_clock::now() < watch_until);
    }
    session->reset();

    auto j = journal::RunJournal::open(db.string());
    if (!j) {
        ADD_FAILURE() << "reopen journal: " << j.error().message;
        return r;
    }
    if (auto run = j->get_run(r.summary.run_id)) r.status = run->status;
    if (auto ev = j->events(r.summary.run_id)) r.events = std::move(*ev);
    if (auto sm = j->samples(r.summary.run_id)) r.samples = std::move(*sm);
    r.integrity = j->integrity_check().value_or("integrity_check failed");

    const std::regex ms_re("in ([0-9]+) ms|after ([0-9]+) ms");
    for (const auto& e : r.events) {
        if (e.code == "state_change" && !r.deposition_start_s && e.message.find("-> depositing") != std::string::npos) {
            r.deposition_start_s = e.t_s;
        }
        if (e.code == "state_change" && e.level == "error" && !r.detected_s) {
            r.detected_s = e.t_s;
            r.detection_message = e.message;
        }
        if ((e.code == "safe_state" || e.code == "safe_state_unconfirmed") && !r.safe_state_s) {
            r.safe_state_s = e.t_s;
            r.safe_state_message = e.message;
            std::smatch m;
            if (std::regex_search(e.message, m, ms_re)) r.safe_state_ms = std::stol(m[1].matched ? m[1].str() : m[2].str());
        }
        if (e.code == "sim_safe_state") r.sim_safe_state_message = e.message;
    }
    return r;
}

// One line per run, collected by docs/reliability.md's table (grep "FAULT-MATRIX").
inline void print_fault_row(const std::string& name, const FaultRunResult& r, double fault_at_s, double speed) {
    const double det = r.detected_s.value_or(-1.0);
    const double safe = r.safe_state_s.value_or(-1.0);
    std::printf("FAULT-MATRIX %-24s outcome=%-9s confirmed=%d fault_at=%.1f detected=%.2f (+%.0f ms real) "
                "safe_state=%.2f (+%.0f ms real after detection; sequence %ld ms) samples=%zu journaled_summary=%llu "
                "real=%.1f s | %s | %s | %s\n",
                name.c_str(), std::string(run::to_string(r.summary.outcome)).c_str(), r.summary.safe_state_confirmed ? 1 : 0,
                fault_at_s, det, det >= 0 ? (det - fault_at_s) / speed * 1000.0 : -1.0, safe,
                (safe >= 0 && det >= 0) ? (safe - det) / speed * 1000.0 : -1.0, r.safe_state_ms.value_or(-1),
                r.samples.size(), static_cast<unsigned long long>(r.summary.samples), r.real_s,
                r.detection_message.c_str(), r.safe_state_message.c_str(), r.sim_safe_state_message.c_str());
    std::fflush(stdout);
}

}  // namespace edc::testing
