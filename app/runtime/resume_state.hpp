#pragma once
// Resuming an interrupted run (`edc resume`, issue 13 item 2): what the journal says the run had
// reached, what the instruments say they did while no controller watched them, and the state
// the rest of the profile is planned from. The session finds the instruments' state in its
// checking step (session_resume.cpp) and energises nothing until `confirm` agrees.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/journal/journal_records.hpp"
#include "control/model/cell_model.hpp"
#include "control/plan/plan_request.hpp"

namespace edc::app {

struct ResumeFrom {
    std::int64_t run_id = 0;       // the interrupted run
    std::string instruments_json;  // its instruments' identities, as journaled
    journal::JournalSample last;   // its last journaled sample
    double set_current_a = 0.0;    // its current set point, cathodic positive
    // Dead time before this session starts, from the last journaled sample (estimated from the
    // wall clock for real instruments; the simulated outage for simulated ones).
    double gap_s = 0.0;
};

// What the resume found and will do; shown to the operator before anything is energised.
struct ResumeFindings {
    std::int64_t resumes_run = 0;
    bool output_was_on = false;     // the galvanostat's output was still on (switched off at once)
    bool pump_was_running = false;  // the pump was still pumping (stopped at once)
    double pump_counter_m3 = 0.0;   // the pump's own counter: B dispensed since the run primed
    double gap_s = 0.0;             // dead time counted, to the output's switch-off
    double gap_charge_c = 0.0;      // charge passed while dead (gap x current, output on)
    double gap_volume_m3 = 0.0;     // B dispensed beyond the journal (the pump's counter)
    double depth_before_m = 0.0;    // film thickness at the last journaled sample
    plan::StartState start;         // what the rest is planned from
    double remaining_charge_c = 0.0;
    std::vector<std::string> warnings;  // the planner's
};

// Called once on the run's job thread with the findings; true: go on and energise.
using ResumeConfirm = std::function<bool(const ResumeFindings&)>;

// The bath after the dead time: the journal's last estimate, plus `gap_volume_m3` of bath B,
// minus the metal `gap_charge_c` deposited at the film composition `x_film` (integrated in
// small steps with the cell model, overflow mode included).
[[nodiscard]] model::BathState bath_after_gap(const model::CellParams& cell,
                                              const journal::JournalSample& last, double gap_volume_m3,
                                              double gap_charge_c, double x_film);

// The instrument identities that differ between the journaled JSON and the found one ("" when
// they agree). A journaled identity that is missing makes the state unknown: listed too.
[[nodiscard]] std::string identity_mismatch(const std::string& journaled_json, const std::string& found_json);

// One line for the journal and the console: "resumes run 7: gap 12.0 s, ...".
[[nodiscard]] std::string resume_text(const ResumeFindings& f);

}  // namespace edc::app
