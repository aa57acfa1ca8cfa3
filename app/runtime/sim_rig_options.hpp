#pragma once
// What only a simulated run has: given to RunSession::create, a run against the simulators
// (edc-sim's galvanostat and pump behind the real drivers, on pseudo-terminals and loopback
// TCP); absent, the recipe's real instruments.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "control/clock/clock.hpp"
#include "drivers/sim/plant_chemistry.hpp"

namespace edc::app {

// The runtime's threads, for tests that make one throw (issue 11, defect 6: every thread body
// catches, faults the run and drives the safe state).
enum class RuntimeThread {
    none,
    supervisor,
    galvanostat_channel,
    pump_channel,
    control_loop,
    journal_writer
};

struct SimRigOptions {
    double speed = 1.0;                        // simulated time runs this many times faster than real
    std::vector<std::string> faults;           // "KIND@SECONDS": SECONDS of run time from start() (t = 0)
    // Signals this process sends itself at run times, {signal, seconds}: an operator's Ctrl-C
    // (SIGINT), a service stop (SIGTERM) or a crash (SIGKILL) at a chosen point of a run.
    std::vector<std::pair<int, double>> self_signals;
    bool link_delays = true;                   // simulate baud-rate and instrument delays
    double stall_loop_at_s = 0.0;              // the control loop stops ticking this long into the
                                               // deposition (0: never); the watchdog must catch it
    // Tests only: this runtime thread throws throw_at_s into the deposition (none: never).
    RuntimeThread throw_in_thread = RuntimeThread::none;
    double throw_at_s = 0.0;
    std::optional<sim::PlantChemistry> plant;  // the simulated cell's truth (absent: the recipe's
                                               // chemistry); see app/sim/plant_setup.hpp
    // The run's one clock, shared by the runtime, the simulators and the fault injector; absent:
    // a wall clock at `speed`. Tests give a clk::VirtualClock (its speed wins over `speed`).
    std::shared_ptr<clk::Clock> clock;
    // The instruments' models behind in-process transports instead of PTY/TCP ports (with a
    // virtual clock a whole run then needs no wall time).
    bool in_process = false;
    // The instruments' physical truth kept across processes (drivers/sim/sim_state_file.hpp):
    // loaded at start when the file exists (else the recipe's/plant's fresh cell), rewritten
    // atomically at least every simulated second and at shutdown. Empty: none.
    std::filesystem::path state_file;
    // After loading state_file, before edc connects: the plant runs this many simulated seconds
    // alone with the instruments as they were left (an output that was on keeps depositing; the
    // NE-1000 pumps until its safe-mode timeout, the Elite until its target volume).
    double outage_s = 0.0;
};

}  // namespace edc::app
