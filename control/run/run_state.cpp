#include "control/run/run_state.hpp"

namespace edc::run {

namespace {

Transition moved(RunState from, RunState to, std::vector<Action> actions, std::string note = {}) {
    return {true, from, to, std::move(actions), std::move(note)};
}

Transition refused(RunState s, const RunEvent& e) {
    return {false, s, s, {},
            std::string(to_string(e.kind)) + " does not apply while " + std::string(to_string(s))};
}

}  // namespace

bool RunStateMachine::finished() const noexcept {
    return state_ == RunState::completed || state_ == RunState::aborted || state_ == RunState::faulted;
}

bool RunStateMachine::active() const noexcept {
    return state_ == RunState::checking || state_ == RunState::priming || state_ == RunState::depositing ||
           state_ == RunState::held || state_ == RunState::stopping;
}

Transition RunStateMachine::stop(RunState from, Outcome outcome, const RunEvent& event) {
    outcome_ = outcome;
    cause_ = event.cause;
    state_ = RunState::stopping;
    return moved(from, RunState::stopping, {Action::enter_safe_state}, event.cause);
}

Transition RunStateMachine::handle(const RunEvent& e) {
    const RunState s = state_;
    const bool abort_or_fault =
        e.kind == EventKind::abort || e.kind == EventKind::fault || e.kind == EventKind::watchdog_expired;

    if (abort_or_fault) {
        if (finished()) return refused(s, e);
        const Outcome o = e.kind == EventKind::abort ? Outcome::aborted : Outcome::faulted;
        if (s == RunState::idle) {
            // Nothing is energised yet: record the outcome, still ask for the safe state.
            outcome_ = o;
            cause_ = e.cause;
            state_ = o == Outcome::aborted ? RunState::aborted : RunState::faulted;
            return moved(s, state_, {Action::enter_safe_state, Action::close_journal}, e.cause);
        }
        if (s == RunState::stopping) {
            // Already going safe. A fault outranks an abort or a completion; ask for the safe
            // state again in case the first attempt is what failed.
            if (o == Outcome::faulted && outcome_ != Outcome::faulted) {
                outcome_ = Outcome::faulted;
                cause_ = e.cause;
            }
            return moved(s, s, {Action::enter_safe_state}, e.cause);
        }
        return stop(s, o, e);
    }

    switch (e.kind) {
        case EventKind::start:
            if (s != RunState::idle) return refused(s, e);
            state_ = RunState::checking;
            return moved(s, state_, {Action::check_instruments});
        case EventKind::checks_passed:
            if (s != RunState::checking) return refused(s, e);
            state_ = RunState::priming;
            return moved(s, state_, {Action::prime});
        case EventKind::primed:
            if (s != RunState::priming) return refused(s, e);
            state_ = RunState::depositing;
            return moved(s, state_, {Action::start_deposition});
        case EventKind::hold:
            if (s != RunState::depositing) return refused(s, e);
            state_ = RunState::held;
            return moved(s, state_, {Action::pause_deposition}, e.cause);
        case EventKind::resume:
            if (s != RunState::held) return refused(s, e);
            state_ = RunState::depositing;
            return moved(s, state_, {Action::resume_deposition}, e.cause);
        case EventKind::target_reached:
            if (s != RunState::depositing) return refused(s, e);
            return stop(s, Outcome::completed, e);
        case EventKind::safe_state_reached: {
            if (s != RunState::stopping) return refused(s, e);
            switch (outcome_) {
                case Outcome::completed: state_ = RunState::completed; break;
                case Outcome::aborted: state_ = RunState::aborted; break;
                default: state_ = RunState::faulted; break;
            }
            return moved(s, state_, {Action::close_journal});
        }
        default:
            return refused(s, e);
    }
}

std::string_view to_string(RunState s) noexcept {
    switch (s) {
        case RunState::idle: return "idle";
        case RunState::checking: return "checking";
        case RunState::priming: return "priming";
        case RunState::depositing: return "depositing";
        case RunState::held: return "held";
        case RunState::stopping: return "stopping";
        case RunState::completed: return "completed";
        case RunState::aborted: return "aborted";
        case RunState::faulted: return "faulted";
    }
    return "?";
}

std::string_view to_string(EventKind k) noexcept {
    switch (k) {
        case EventKind::start: return "start";
        case EventKind::checks_passed: return "checks_passed";
        case EventKind::primed: return "primed";
        case EventKind::target_reached: return "target_reached";
        case EventKind::hold: return "hold";
        case EventKind::resume: return "resume";
        case EventKind::abort: return "abort";
        case EventKind::fault: return "fault";
        case EventKind::watchdog_expired: return "watchdog_expired";
        case EventKind::safe_state_reached: return "safe_state_reached";
    }
    return "?";
}

std::string_view to_string(Action a) noexcept {
    switch (a) {
        case Action::check_instruments: return "check_instruments";
        case Action::prime: return "prime";
        case Action::start_deposition: return "start_deposition";
        case Action::pause_deposition: return "pause_deposition";
        case Action::resume_deposition: return "resume_deposition";
        case Action::enter_safe_state: return "enter_safe_state";
        case Action::close_journal: return "close_journal";
    }
    return "?";
}

std::string_view to_string(Outcome o) noexcept {
    switch (o) {
        case Outcome::none: return "none";
        case Outcome::completed: return "completed";
        case Outcome::aborted: return "aborted";
        case Outcome::faulted: return "faulted";
    }
    return "?";
}

}  // namespace edc::run
