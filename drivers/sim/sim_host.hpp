#pragma once
// SimHost runs the simulated galvanostat and pump in background threads of this process,
// sharing one SimCell, and lets tests and `edc run --sim` observe what was commanded.
//
//   edc::sim::SimHostConfig cfg;            // defaults: the paper's recipe, 2400 + NE-1000
//   cfg.speed_factor = 20.0;
//   edc::sim::SimHost host(cfg);
//   auto ends = host.start();               // ends->galvanostat "/dev/pts/5", ends->pump "/dev/pts/6"
//   ... drive the instruments ...
//   auto snap = host.snapshot();            // thread-safe copy
//   host.stop();
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/clock/clock.hpp"
#include "control/error.hpp"
#include "control/model/cell_model.hpp"
#include "drivers/io/transport.hpp"
#include "drivers/sim/keithley_model.hpp"
#include "drivers/sim/sim_cell.hpp"
#include "drivers/sim/sim_fault.hpp"

namespace edc::sim {

// The paper's recipe (design.md): bath A 50 mM Bi + 50 mM Sb, feed B 0 + 50 mM Sb, 20 mL,
// 1 cm2, eta 0.725, packing 0.868, k 1.0, mixing 3 s.
[[nodiscard]] model::CellParams paper_cell_params();

struct SimHostConfig {
    // "keithley-2400", "palmsens-emstat4", "palmsens-emstat-pico" (PTY); "keithley-2450", "keithley-2460", "keithley-2461", "keysight-b2901a",
    // "keysight-b2902a" (TCP); "" none. The entries of smu_dialect.hpp.
    std::string galvanostat_model = "keithley-2400";
    std::string pump_model = "ne-1000";  // "ne-1000", "harvard-elite", "kds-legato-100/180/200", "" none
    model::CellParams cell = paper_cell_params();
    // The simulated world's truth when it differs from `cell` (the recipe): a plant built from
    // a plant file. Absent: the plant is `cell`'s numbers.
    std::optional<PlantChemistry> plant;
    ElectrodeKinetics kinetics{};
    double syringe_diameter_m = 26.59e-3;
    double syringe_volume_m3 = 60e-6;
    double speed_factor = 1.0;                        // simulated seconds per real second
    // The run's one clock (the runtime and the fault injector read the same); absent: a wall
    // clock at speed_factor. Its speed wins over speed_factor.
    std::shared_ptr<clk::Clock> clock;
    // The instruments behind in-process transports (connect_galvanostat/connect_pump) instead
    // of a PTY or TCP port; endpoints read "inproc://MODEL".
    bool in_process = false;
    unsigned galvanostat_baud = 9600;                 // the 2400's factory default
    std::string galvanostat_reply_terminator = "\r";  // 2400 front-panel setting: "\r", "\r\n", "\n", "\n\r"
    std::uint16_t galvanostat_tcp_port = 0;  // LAN models: 0 lets the kernel choose (5025 on a real instrument)
    double line_frequency_hz = 50.0;         // sets the NPLC integration time
    unsigned pump_baud = 0;                  // 0: the model's default (NE-1000 19200, Elite 115200)
    bool link_delays = true;
    bool ftdi_latency = false;  // add 16 ms to serial replies
    std::vector<FaultSpec> faults;
    int pump_address = 0;
    // The physical truth kept across processes (sim_state_file.hpp): start() loads it when the
    // file exists, the host rewrites it (temp + rename) every simulated second and at stop().
    // Empty: none.
    std::filesystem::path state_file;
    // After loading state_file: simulated seconds the plant runs alone before the links open.
    double outage_s = 0.0;
    // Stable names for the pseudo-terminals (port_link.hpp): DIR/galvanostat and DIR/pump,
    // made by start(), pointed at the fresh PTY after each re-enumeration, removed by stop().
    // Empty: none (a re-enumerated PTY still comes back, under another /dev/pts/N only).
    std::filesystem::path link_dir;
    // A re-enumerated PTY went (endpoint "") or came back (its new device path), its link
    // already updated; `instrument` "galvanostat" or "pump". Called on a simulator thread.
    std::function<void(const std::string& instrument, const std::string& endpoint)> on_port_change;
};

struct SimEndpoints {
    std::string galvanostat;  // device path, or "tcp://127.0.0.1:PORT" for a LAN model; empty if none
    std::string pump;         // device path; empty if none
};

struct DepthSample {
    double height_m = 0.0;  // centre of a layer above the substrate
    double x_bi = 0.0;
};

struct SimSnapshot {
    double sim_time_s = 0.0;
    // galvanostat, as the instrument sees it
    bool galvanostat_present = false;
    bool output_on = false;
    bool output_ever_on = false;
    OutputOffMode output_off_mode = OutputOffMode::normal;
    double source_level_a = 0.0;
    double compliance_v = 0.0;
    bool remote_sense = false;
    double cell_current_a = 0.0;  // actual, instrument sign (negative deposits)
    double potential_v = 0.0;
    bool in_compliance = false;
    double shorted_s = 0.0;  // output off in NORMal mode after it had been on
    long galvanostat_commands = 0;
    std::size_t galvanostat_errors_pending = 0;
    std::vector<std::string> galvanostat_command_log;  // as the instrument parsed them (command_log.hpp)
    // pump
    bool pump_present = false;
    bool pump_running = false;
    double pump_rate_m3_per_s = 0.0;       // commanded motor rate
    double delivered_flow_m3_per_s = 0.0;  // what reaches the cell (lags the motor)
    double dispensed_m3 = 0.0;             // infused, as the pump counts it
    double syringe_content_m3 = 0.0;
    char pump_alarm = 0;
    long pump_commands = 0;
    long pump_rate_changes_while_running = 0;
    std::vector<std::string> pump_command_log;  // "VER", "safe VER", "ver", "@irate 1.2 ml/min", ...
    // cell
    model::BathState bath;
    model::Concentrations electrode;
    double cathodic_charge_c = 0.0;
    double deposited_metal_mol = 0.0;
    double thickness_m = 0.0;
    std::vector<DepositLayer> deposit;
    std::vector<FaultSpec> faults_fired;
    long wrong_baud_bytes = 0;
};

// Bi fraction against height above the substrate, one sample per recorded layer; heights come
// from the layers' own thicknesses (the plant's truth).
[[nodiscard]] std::vector<DepthSample> deposit_profile(const std::vector<DepositLayer>& layers);

class SimHost {
public:
    explicit SimHost(SimHostConfig config);
    SimHost(const SimHost&) = delete;
    SimHost& operator=(const SimHost&) = delete;
    ~SimHost();

    // Opens the ports and starts the threads. Errors: unknown model names, PTY/TCP failures,
    // links that cannot be made ("sim_link"), a re-enumeration fault for a LAN model.
    [[nodiscard]] Result<SimEndpoints> start();
    void stop();

    [[nodiscard]] SimSnapshot snapshot() const;
    // Fires a fault now (tests); faults in the config fire at their simulated time. `away_s`:
    // how long a re-enumerated port is gone (an in-process link or a PTY; a LAN model's TCP
    // port does not re-enumerate and ignores it).
    void inject(FaultKind kind, double away_s = FaultSpec::default_away_s);
    // In-process instruments: the host's end of each link (error "not_in_process" otherwise).
    [[nodiscard]] Result<std::unique_ptr<io::ByteTransport>> connect_galvanostat();
    [[nodiscard]] Result<std::unique_ptr<io::ByteTransport>> connect_pump();
    [[nodiscard]] const SimHostConfig& config() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace edc::sim
