#pragma once
// The run's state machine in the spirit of ISA-88:
//   idle -> checking -> priming -> depositing <-> held
//   depositing -> stopping -> completed
//   any active state --abort--> stopping -> aborted
//   any active state --fault/watchdog--> stopping -> faulted
// The machine is pure: it answers each event with the next state and the actions the runtime
// must carry out, in order. Safety first: every abort or fault asks for the safe state before
// anything else, and a fault while stopping never leaves the safe state.
#include <string>
#include <string_view>
#include <vector>

namespace edc::run {

enum class RunState { idle, checking, priming, depositing, held, stopping, completed, aborted, faulted };

enum class EventKind {
    start,               // operator pressed Start
    checks_passed,       // instruments identified, limits verified against the recipe
    primed,              // pre-bolus dispensed, instruments configured
    target_reached,      // the planned charge has passed
    hold,                // operator hold
    resume,              // operator resume
    abort,               // operator abort, Ctrl-C, SIGTERM
    fault,               // instrument error, timeout, disconnect, interlock, journal failure
    watchdog_expired,    // the scheduler loop stalled
    safe_state_reached,  // runtime confirms: output off (high impedance), pump stopped
};

enum class Action {
    check_instruments,   // identify, verify limits
    prime,               // configure instruments, dispense the pre-bolus
    start_deposition,    // output on at the set current, pump running per scheduler
    pause_deposition,    // hold: current 0 + output off, pump stopped; charge index kept
    resume_deposition,
    enter_safe_state,    // galvanostat level 0, output off, high impedance; pump stopped
    close_journal,       // final status written
};

enum class Outcome { none, completed, aborted, faulted };

struct RunEvent {
    EventKind kind;
    std::string cause;  // why: for abort and fault, journaled verbatim
};

struct Transition {
    bool accepted = false;  // false: the event does not apply in this state (nothing changes)
    RunState from = RunState::idle;
    RunState to = RunState::idle;
    std::vector<Action> actions;
    std::string note;  // why it was refused, or what happened, for the journal
};

class RunStateMachine {
public:
    [[nodiscard]] RunState state() const noexcept { return state_; }
    [[nodiscard]] Outcome outcome() const noexcept { return outcome_; }
    [[nodiscard]] const std::string& cause() const noexcept { return cause_; }
    [[nodiscard]] bool finished() const noexcept;
    [[nodiscard]] bool active() const noexcept;  // instruments may be energised

    Transition handle(const RunEvent& event);

private:
    Transition stop(RunState from, Outcome outcome, const RunEvent& event);

    RunState state_ = RunState::idle;
    Outcome outcome_ = Outcome::none;
    std::string cause_;
};

std::string_view to_string(RunState s) noexcept;
std::string_view to_string(EventKind k) noexcept;
std::string_view to_string(Action a) noexcept;
std::string_view to_string(Outcome o) noexcept;

}  // namespace edc::run
