// Issue 13 item 4, compound faults: every ordered pair (first, second) of the simulators' fault
// kinds in a whole simulated run on virtual time. The first fires mid-deposition; the second
// fires when the first's safe-state sequence has started every step (`KIND@safe-state`, the
// sim rig's trigger on the sequencer's start event). Each pair must end with:
//   - the run faulted and its end journaled, the journal sound;
//   - both faults journaled: the first by the event that stopped the run (naming its cause), both
//     by the simulator's own record (sim_fault), the second inside the safe-state sequence;
//   - the galvanostat's output off as the simulator sees it wherever the link still reaches it;
//     where a fault took the link, safe_state_unconfirmed naming the galvanostat;
//   - the pump stopped: by the run where its link is kept, else by its own safe mode (the
//     NE-1000's 5 s host timeout), the run saying the pump is not confirmed;
//   - the summary never claiming a safe state the simulator does not see.
// One failing step (the instrument the second fault hit) must not skip the other instrument's.
#include <algorithm>
#include <string>
#include <vector>

#include "control/decimal.hpp"
#include "fault_run.hpp"

using namespace edc;
using namespace edc::testing;

namespace {

constexpr double speed = 20.0;
constexpr double first_at_s = 20.0;          // run seconds; the deposition starts at about 12 s
constexpr double safe_mode_timeout_s = 5.0;  // recipes/examples/g-bi033sb067.toml, NE-1000 safe mode
constexpr double safe_mode_watch_s = safe_mode_timeout_s + 1.5;  // real s after the run's end

enum class Takes { nothing, galvanostat_link, pump_link };

struct Kind {
    const char* name;
    std::vector<const char*> cause_words;  // all in the event that stops the run when it comes first
    Takes takes = Takes::nothing;
};

// The kinds of drivers/sim/sim_fault.hpp, with the words test_fault_matrix.cpp expects.
const std::vector<Kind> kinds = {
    {"galvanostat-timeout", {"galvanostat", "timeout"}, Takes::galvanostat_link},
    {"galvanostat-disconnect", {"galvanostat", "disconnect"}, Takes::galvanostat_link},
    {"galvanostat-garbage", {"galvanostat"}},
    {"galvanostat-scpi-error", {"galvanostat", "810"}},
    {"compliance-trip", {"compliance"}},
    {"pump-timeout", {"pump", "timeout"}, Takes::pump_link},
    {"pump-disconnect", {"pump", "disconnect"}, Takes::pump_link},
    {"pump-stall", {"pump"}},
    {"pump-alarm", {"pump", "alarm"}},
    {"syringe-empty", {"pump"}},
};

struct Pair {
    Kind first;
    Kind second;
    [[nodiscard]] bool takes(Takes t) const { return first.takes == t || second.takes == t; }
};

std::vector<Pair> every_ordered_pair() {
    std::vector<Pair> out;
    for (const auto& a : kinds) {
        for (const auto& b : kinds) out.push_back({a, b});
    }
    return out;
}

std::string test_name(const Pair& p) {
    std::string s = std::string(p.first.name) + "_then_" + p.second.name;
    std::replace(s.begin(), s.end(), '-', '_');
    return s;
}

void PrintTo(const Pair& p, std::ostream* os) {
    *os << p.first.name << " then " << p.second.name;
}

// The simulator's record of one fired fault: "simulator fired KIND at run time T s[ (on the
// safe-state sequence's start)]".
struct Fired {
    double run_s = -1.0;
    bool in_safe_state = false;
};

std::vector<Fired> fired(const FaultRunResult& r, const std::string& kind) {
    const std::string head = "simulator fired " + kind + " at run time ";
    std::vector<Fired> out;
    for (const auto& e : r.events) {
        if (e.code != "sim_fault" || e.message.rfind(head, 0) != 0) continue;
        const auto rest = e.message.substr(head.size());
        Fired f;
        f.run_s = decimal::parse(rest.substr(0, rest.find(' '))).value_or(-1.0);
        f.in_safe_state = rest.find("safe-state sequence") != std::string::npos;
        out.push_back(f);
    }
    return out;
}

// For docs/reliability.md's figure, not asserted: whether the run's own record (not the
// simulator's) names the second fault's instrument in an error or warning after the first was
// detected (an instrument's error, a safe-state note, a step not confirmed). Some second faults
// cannot show: a compliance trip with the output off, an empty syringe in a stopped pump.
const char* instrument_of(const Kind& k) {
    return std::string(k.name).rfind("pump", 0) == 0 || std::string(k.name) == "syringe-empty"
               ? "pump"
               : "galvanostat";
}

bool run_saw_second(const FaultRunResult& r, const Kind& second) {
    if (!r.detected_s) return false;
    const std::string instrument = instrument_of(second);
    return std::any_of(r.events.begin(), r.events.end(), [&](const journal::JournalEvent& e) {
        if (e.t_s < *r.detected_s || e.level == "info") return false;
        if (e.code == "state_change" || e.code == "run_end" || e.code.rfind("sim_", 0) == 0) return false;
        if (e.code == "safe_state_unconfirmed")
            return e.message.find(instrument + " not confirmed") != std::string::npos;
        return e.message.find(instrument) != std::string::npos ||
               e.code.find(instrument) != std::string::npos;
    });
}

// What every compound run must show from the first event's detection (`stopped_s`) on: the
// second fault journaled by the simulator's record inside the safe-state sequence, the
// galvanostat off wherever its link reaches it (else said unconfirmed), the pump stopped (by
// the run, or by its safe mode where its link is gone, the run saying so), no claim beyond
// what the simulator sees.
void check_second_and_safe_end(const FaultRunResult& r, const Kind& second_kind, double stopped_s,
                               bool galvanostat_lost, bool pump_lost) {
    ASSERT_TRUE(r.safe_state_s.has_value()) << "no safe_state / safe_state_unconfirmed event";
    const auto second = fired(r, second_kind.name);
    const auto in_sequence =
        std::find_if(second.begin(), second.end(), [](const Fired& f) { return f.in_safe_state; });
    ASSERT_NE(in_sequence, second.end())
        << "the second fault is not journaled as fired in the safe-state sequence";
    constexpr double printed_s = 0.001;  // the record's resolution
    EXPECT_GE(in_sequence->run_s, stopped_s - printed_s);
    EXPECT_LE(in_sequence->run_s, *r.safe_state_s + printed_s);

    // The galvanostat: off wherever the link reaches it; where not, the run says so.
    const bool output_off = r.sim_safe_state_message.find("output off") != std::string::npos;
    const bool pump_stopped_at_end = r.sim_safe_state_message.find("pump stopped") != std::string::npos;
    if (galvanostat_lost) {
        EXPECT_NE(r.safe_state_message.find("galvanostat not confirmed"), std::string::npos)
            << r.safe_state_message;
    } else {
        EXPECT_TRUE(output_off) << r.sim_safe_state_message;
    }
    // The pump: stopped by the run where its link is kept (even when the galvanostat's step
    // failed: one failing step skips no other), else by its safe mode, the run saying so.
    if (pump_lost) {
        EXPECT_NE(r.safe_state_message.find("pump not confirmed"), std::string::npos) << r.safe_state_message;
        EXPECT_FALSE(r.sim_pump.running_at_end)
            << "the simulator's pump still runs " << safe_mode_watch_s << " s after the run's end";
    } else {
        EXPECT_TRUE(pump_stopped_at_end) << r.sim_safe_state_message;
        EXPECT_NE(r.safe_state_message.find("pump stopped"), std::string::npos) << r.safe_state_message;
    }
    // Never a claim beyond what the simulator sees.
    if (r.summary.safe_state_confirmed) {
        EXPECT_TRUE(output_off && pump_stopped_at_end) << r.sim_safe_state_message;
    }
    if (galvanostat_lost || pump_lost) {
        EXPECT_FALSE(r.summary.safe_state_confirmed);
    }
}

void check_record_sound(const FaultRunResult& r) {
    EXPECT_EQ(r.integrity, "ok");
    ASSERT_TRUE(r.status.has_value());
    EXPECT_TRUE(std::any_of(r.events.begin(), r.events.end(),
                            [](const journal::JournalEvent& e) { return e.code == "run_end"; }));
}

class CompoundFaults : public ::testing::TestWithParam<Pair> {};

TEST_P(CompoundFaults, BothJournaledAndEveryReachableOutputEndsOff) {
    const auto& p = GetParam();
    FaultRunSpec spec;
    spec.speed = speed;
    spec.fault = std::string(p.first.name) + "@" + decimal::fixed(first_at_s, 1);
    spec.more_faults = {std::string(p.second.name) + "@safe-state"};
    const bool pump_lost = p.takes(Takes::pump_link);
    const bool galvanostat_lost = p.takes(Takes::galvanostat_link);
    if (pump_lost) spec.watch_sim_after_end_s = safe_mode_watch_s;  // its safe mode stops it
    const auto r = run_with_fault(spec);
    std::printf("COMPOUND %-22s then %-22s outcome=%s confirmed=%d run_saw_second=%d | %s | %s\n",
                p.first.name, p.second.name, std::string(run::to_string(r.summary.outcome)).c_str(),
                r.summary.safe_state_confirmed ? 1 : 0, run_saw_second(r, p.second) ? 1 : 0,
                r.safe_state_message.c_str(), r.sim_safe_state_message.c_str());

    // The run ended faulted, its end journaled, the journal sound.
    check_record_sound(r);
    EXPECT_EQ(r.summary.outcome, run::Outcome::faulted) << r.summary.cause;
    EXPECT_EQ(r.status, journal::RunStatus::faulted);

    // The first fault stopped the run and is named by the event that did.
    ASSERT_TRUE(r.deposition_start_s.has_value());
    ASSERT_LT(*r.deposition_start_s, first_at_s) << "the first fault must land mid-deposition";
    ASSERT_TRUE(r.detected_s.has_value()) << "no event stopped the run";
    EXPECT_GE(*r.detected_s, first_at_s - 0.5) << r.detection_message;
    for (const char* w : p.first.cause_words) {
        EXPECT_NE(r.detection_message.find(w), std::string::npos)
            << "'" << w << "' not in: " << r.detection_message;
    }

    check_second_and_safe_end(r, p.second, *r.detected_s, galvanostat_lost, pump_lost);
    const auto first = fired(r, p.first.name);
    const auto at_time =
        std::find_if(first.begin(), first.end(), [](const Fired& f) { return !f.in_safe_state; });
    ASSERT_NE(at_time, first.end()) << "the first fault is not journaled as fired";
    EXPECT_NEAR(at_time->run_s, first_at_s, 0.5);
}

INSTANTIATE_TEST_SUITE_P(EveryOrderedPair, CompoundFaults, ::testing::ValuesIn(every_ordered_pair()),
                         [](const ::testing::TestParamInfo<Pair>& i) { return test_name(i.param); });

// The first event is not a fault of the instruments: the operator's abort, or the watchdog
// catching a stalled control loop; the second fault (each kind) fires on the safe-state
// sequence's start as above. After an abort a fault the run notices during the sequence makes
// the state machine ask for the safe state again (stopping -> stopping): the steps are then
// driven twice, which they must bear (idempotent), and the run ends faulted.
enum class FirstEvent { operator_abort, watchdog };

struct AfterEvent {
    FirstEvent first;
    Kind second;
};

std::vector<AfterEvent> every_kind_after_abort_and_watchdog() {
    std::vector<AfterEvent> out;
    for (const auto first : {FirstEvent::operator_abort, FirstEvent::watchdog}) {
        for (const auto& k : kinds) out.push_back({first, k});
    }
    return out;
}

void PrintTo(const AfterEvent& a, std::ostream* os) {
    *os << (a.first == FirstEvent::operator_abort ? "abort" : "watchdog") << " then " << a.second.name;
}

class CompoundAfterAbortOrWatchdog : public ::testing::TestWithParam<AfterEvent> {};

TEST_P(CompoundAfterAbortOrWatchdog, SecondFaultJournaledAndEveryReachableOutputEndsOff) {
    const auto& a = GetParam();
    const bool abort_first = a.first == FirstEvent::operator_abort;
    FaultRunSpec spec;
    spec.speed = speed;
    spec.more_faults = {std::string(a.second.name) + "@safe-state"};
    if (abort_first) {
        spec.abort_at_s = first_at_s;
    } else {
        spec.stall_scheduler_at_s = first_at_s - 12.0;  // deposition seconds: about run t = 20 s
    }
    const bool pump_lost = a.second.takes == Takes::pump_link;
    const bool galvanostat_lost = a.second.takes == Takes::galvanostat_link;
    if (pump_lost) spec.watch_sim_after_end_s = safe_mode_watch_s;
    const auto r = run_with_fault(spec);

    // The event that stopped the run: the abort's state change, or the watchdog's.
    const std::string first_words = abort_first ? "operator abort (fault matrix)" : "watchdog";
    const auto stop = std::find_if(r.events.begin(), r.events.end(), [&](const journal::JournalEvent& e) {
        return e.code == "state_change" && e.message.find("-> stopping") != std::string::npos &&
               e.message.find(first_words) != std::string::npos;
    });
    const auto again = std::count_if(r.events.begin(), r.events.end(), [](const journal::JournalEvent& e) {
        return e.code == "state_change" && e.message.find("stopping -> stopping") != std::string::npos;
    });
    const auto sequences =
        std::count_if(r.events.begin(), r.events.end(), [](const journal::JournalEvent& e) {
            return e.code == "safe_state" || e.code == "safe_state_unconfirmed";
        });
    std::printf("COMPOUND %-22s then %-22s outcome=%s confirmed=%d sequences=%ld | %s | %s\n",
                abort_first ? "operator-abort" : "watchdog", a.second.name,
                std::string(run::to_string(r.summary.outcome)).c_str(),
                r.summary.safe_state_confirmed ? 1 : 0, static_cast<long>(sequences),
                r.safe_state_message.c_str(), r.sim_safe_state_message.c_str());

    check_record_sound(r);
    ASSERT_NE(stop, r.events.end()) << "no state change names " << first_words;
    // A fault noticed during the abort's sequence outranks the abort; otherwise it stays aborted.
    const auto expected = !abort_first || again > 0 ? run::Outcome::faulted : run::Outcome::aborted;
    EXPECT_EQ(r.summary.outcome, expected) << r.summary.cause;
    // Every request for the safe state was carried out: one sequence, plus one per repeat.
    EXPECT_EQ(sequences, 1 + again);
    check_second_and_safe_end(r, a.second, stop->t_s, galvanostat_lost, pump_lost);
}

INSTANTIATE_TEST_SUITE_P(EveryKind, CompoundAfterAbortOrWatchdog,
                         ::testing::ValuesIn(every_kind_after_abort_and_watchdog()),
                         [](const ::testing::TestParamInfo<AfterEvent>& i) {
                             std::string s =
                                 std::string(i.param.first == FirstEvent::operator_abort ? "abort_then_"
                                                                                         : "watchdog_then_") +
                                 i.param.second.name;
                             std::replace(s.begin(), s.end(), '-', '_');
                             return s;
                         });

}  // namespace
