// edc-sim: simulated galvanostat and syringe pump sharing one cell, on pseudo-terminals and
// loopback TCP, for CI and for trying edc without a bench. Prints one machine-readable line
// per instrument ("galvanostat keithley-2400 /dev/pts/5"), runs until SIGINT/SIGTERM, then
// prints what was commanded. With --link-dir the pseudo-terminals also get stable names
// (DIR/galvanostat, DIR/pump) that a recipe's ports can name across restarts and across a
// simulated re-enumeration (the PTY goes and a fresh one returns under the name). With --state
// the cell and the instruments outlive the process: a restarted edc-sim keeps bath and film.
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/sim/plant_setup.hpp"
#include "control/decimal.hpp"
#include "control/model/units.hpp"
#include "drivers/sim/sim_host.hpp"
#include "recipes/format/plant_file.hpp"

namespace {

constexpr const char* usage = R"(usage: edc-sim [options]

Instruments
  --galvanostat MODEL        keithley-2400 (PTY, default) | keithley-2450 | keithley-2460 |
                             keithley-2461 | keysight-b2901a | keysight-b2902a (loopback TCP) |
                             palmsens-emstat4 | palmsens-emstat-pico (PTY, MethodSCRIPT) | none
  --pump MODEL               ne-1000 (PTY, default) | harvard-elite (PTY) |
                             kds-legato-100 | kds-legato-180 | kds-legato-200 (PTY) | none
  --galvanostat-baud N       baud the 2400 expects (default 9600); other bauds are ignored
  --pump-baud N              baud the pump expects (default NE-1000 19200, Elite and Legato 115200)
  --pump-address N           pump address 0-99 (default 0)
  --reply-terminator T       2400 reply terminator: cr (default), crlf, lf, lfcr
  --tcp-port N               LAN models' listening port on 127.0.0.1 (default 0: the kernel
                             chooses; 5025 on the instruments)
  --line-frequency HZ        mains frequency for NPLC timing (default 50)
  --no-link-delays           answer at once (no bits-per-byte, processing or latency delays)
  --ftdi-latency             add a 16 ms FTDI latency timer to every serial reply
  --link-dir DIR             also name the pseudo-terminals DIR/galvanostat and DIR/pump
                             (symbolic links, replaced when another edc-sim takes the names,
                             removed on exit); a recipe's ports can name them, also across a
                             re-enumeration fault. The LAN models are on TCP: their address is
                             printed as usual
State
  --state FILE               the instruments' physical truth (bath, film, syringe and counters,
                             output on/off and current, pump running and rate): loaded at start
                             if FILE exists, rewritten every simulated second (temp file +
                             rename) and on SIGINT/SIGTERM, so a restarted edc-sim keeps bath and
                             film (the format of `edc run --sim --sim-state FILE`)
  --outage S                 with --state: S simulated seconds pass after loading, before the
                             ports open, the instruments running as they were left
Time and faults
  --speed N                  simulated seconds per real second (default 1)
  --fault KIND@SECONDS       inject a fault at a simulated time; repeatable. KIND:
                             galvanostat-timeout, galvanostat-disconnect, galvanostat-garbage,
                             galvanostat-scpi-error, compliance-trip, pump-timeout,
                             pump-disconnect, pump-stall, pump-alarm, syringe-empty,
                             galvanostat-reenumerate, pump-reenumerate (KIND@SECONDS[+AWAY]: the
                             USB adapter vanishes with its PTY and --link-dir name, and AWAY
                             seconds later (default 3) returns on a fresh /dev/pts/N under the
                             same name; prints "unplugged NAME", then "replugged NAME PATH";
                             the instrument keeps its state; not for the LAN models)
Cell (defaults: the paper's recipe)
  --bath-bi MM --bath-sb MM  bath A concentrations, mM (50, 50)
  --feed-bi MM --feed-sb MM  feed B concentrations, mM (0, 50)
  --volume-ml V              initial bath volume (20)
  --max-volume-ml V          cell capacity (150)
  --overflow                 constant-volume cell (default: growing)
  --area-cm2 A               electrode area (1)
  --efficiency E             metal current efficiency (0.725)
  --packing P                film packing fraction (0.868)
  --selectivity K            co-deposition selectivity k (1.0)
  --mixing-s T               bulk-to-electrode mixing time constant (3)
  --pump-lag-s T             delivered-flow lag behind the motor (1)
  --resistance-ohm R         uncompensated cell resistance (10)
  --current-noise REL        relative RMS noise of the source current, fixed seed (0; design 0.01)
  --syringe-diameter-mm D    (26.59)
  --syringe-volume-ml V      (60)
  --plant FILE               the cell's truth where it differs from the options above: a plant
                             file ([plant] selectivity_k/selectivity_table, current_efficiency,
                             a, b, initial_volume, mixing_time, syringe_diameter (the true bore;
                             the pump still counts for --syringe-diameter-mm), packing_fraction)
  --help
)";

[[noreturn]] void die(const std::string& message) {
    std::fprintf(stderr, "edc-sim: %s\n", message.c_str());
    std::exit(2);
}

double number(std::string_view flag, const char* text) {
    const auto v = edc::decimal::parse(text);
    if (!v) die(std::string(flag) + " needs a number, got '" + text + "'");
    return *v;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace edc;
    sim::SimHostConfig cfg;
    auto& chem = cfg.cell.chemistry;
    auto& cell = cfg.cell.cell;
    std::string plant_path;
    std::string link_dir;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--help" || a == "-h") {
            std::fputs(usage, stdout);
            return 0;
        }
        if (a == "--no-link-delays") {
            cfg.link_delays = false;
            continue;
        }
        if (a == "--ftdi-latency") {
            cfg.ftdi_latency = true;
            continue;
        }
        if (a == "--overflow") {
            cell.mode = model::CellMode::overflow;
            continue;
        }
        if (i + 1 >= argc) die(std::string(a) + " needs a value (see --help)");
        const char* v = argv[++i];
        if (a == "--galvanostat")
            cfg.galvanostat_model = v;
        else if (a == "--pump")
            cfg.pump_model = v;
        else if (a == "--galvanostat-baud")
            cfg.galvanostat_baud = static_cast<unsigned>(number(a, v));
        else if (a == "--pump-baud")
            cfg.pump_baud = static_cast<unsigned>(number(a, v));
        else if (a == "--pump-address")
            cfg.pump_address = static_cast<int>(number(a, v));
        else if (a == "--speed")
            cfg.speed_factor = number(a, v);
        else if (a == "--reply-terminator") {
            const std::string_view t = v;
            if (t == "cr")
                cfg.galvanostat_reply_terminator = "\r";
            else if (t == "crlf")
                cfg.galvanostat_reply_terminator = "\r\n";
            else if (t == "lf")
                cfg.galvanostat_reply_terminator = "\n";
            else if (t == "lfcr")
                cfg.galvanostat_reply_terminator = "\n\r";
            else
                die("--reply-terminator takes cr, crlf, lf or lfcr, got '" + std::string(t) + "'");
        } else if (a == "--tcp-port")
            cfg.galvanostat_tcp_port = static_cast<std::uint16_t>(number(a, v));
        else if (a == "--line-frequency")
            cfg.line_frequency_hz = number(a, v);
        else if (a == "--fault") {
            auto f = sim::parse_fault(v);
            if (!f) die(f.error().message + " (" + f.error().where + ")");
            if (f->trigger != sim::FaultTrigger::at_time)
                die("--fault " + std::string(v) + ": edc-sim sees no run's safe state; give a time (KIND@SECONDS)");
            cfg.faults.push_back(*f);
        } else if (a == "--bath-bi")
            chem.bath_a.bi_mol_per_m3 = number(a, v) * units::mol_per_m3_per_mm;
        else if (a == "--bath-sb")
            chem.bath_a.sb_mol_per_m3 = number(a, v) * units::mol_per_m3_per_mm;
        else if (a == "--feed-bi")
            chem.feed_b.bi_mol_per_m3 = number(a, v) * units::mol_per_m3_per_mm;
        else if (a == "--feed-sb")
            chem.feed_b.sb_mol_per_m3 = number(a, v) * units::mol_per_m3_per_mm;
        else if (a == "--volume-ml")
            cell.initial_volume_m3 = units::ml_to_m3(number(a, v));
        else if (a == "--max-volume-ml")
            cell.max_volume_m3 = units::ml_to_m3(number(a, v));
        else if (a == "--area-cm2")
            cell.electrode_area_m2 = units::cm2_to_m2(number(a, v));
        else if (a == "--efficiency")
            chem.current_efficiency = number(a, v);
        else if (a == "--packing")
            chem.packing_fraction = number(a, v);
        else if (a == "--selectivity")
            chem.selectivity = model::Selectivity::constant(number(a, v));
        else if (a == "--mixing-s")
            cell.mixing_time_s = number(a, v);
        else if (a == "--pump-lag-s")
            cfg.kinetics.pump_lag_s = number(a, v);
        else if (a == "--resistance-ohm")
            cfg.kinetics.uncompensated_resistance_ohm = number(a, v);
        else if (a == "--current-noise")
            cfg.kinetics.current_noise_rel = number(a, v);
        else if (a == "--syringe-diameter-mm")
            cfg.syringe_diameter_m = units::mm_to_m(number(a, v));
        else if (a == "--syringe-volume-ml")
            cfg.syringe_volume_m3 = units::ml_to_m3(number(a, v));
        else if (a == "--plant")
            plant_path = v;
        else if (a == "--link-dir")
            link_dir = v;
        else if (a == "--state")
            cfg.state_file = v;
        else if (a == "--outage")
            cfg.outage_s = number(a, v);
        else
            die("unknown option " + std::string(a) + " (see --help)");
    }
    if (cfg.speed_factor <= 0.0) die("--speed must be positive");
    if (cfg.line_frequency_hz <= 0.0) die("--line-frequency must be positive");
    if (cfg.outage_s < 0.0) die("--outage must be zero or positive");
    if (cfg.outage_s > 0.0 && cfg.state_file.empty()) die("--outage needs --state");
    if (cell.initial_volume_m3 <= 0.0 || cell.electrode_area_m2 <= 0.0 || cell.mixing_time_s <= 0.0 ||
        cfg.kinetics.pump_lag_s <= 0.0) {
        die("volume, area, mixing time and pump lag must be positive");
    }
    if (!plant_path.empty()) {  // after the cell options: the plant overrides what they set
        const auto plant = recipes::load_plant_file(plant_path);
        if (!plant) die(plant.error().message);
        cfg.plant = app::make_plant(cfg.cell, &*plant);
    }

    // Block the stop signals before any thread starts, so only sigwait below receives them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    cfg.link_dir = link_dir;
    cfg.on_port_change = [](const std::string& instrument, const std::string& endpoint) {
        if (endpoint.empty())
            std::printf("unplugged %s\n", instrument.c_str());
        else
            std::printf("replugged %s %s\n", instrument.c_str(), endpoint.c_str());
        std::fflush(stdout);
    };
    sim::SimHost host(cfg);
    auto ends = host.start();
    if (!ends && ends.error().code == "sim_link") die("--link-dir: " + ends.error().message);
    if (!ends) die(ends.error().message + " (" + ends.error().where + ")");
    if (!ends->galvanostat.empty())
        std::printf("galvanostat %s %s\n", cfg.galvanostat_model.c_str(), ends->galvanostat.c_str());
    if (!ends->pump.empty()) std::printf("pump %s %s\n", cfg.pump_model.c_str(), ends->pump.c_str());
    if (!link_dir.empty()) {  // made by the host (sim_host.hpp), removed by its stop()
        for (const auto& [name, end] : {std::pair<const char*, std::string>{"galvanostat", ends->galvanostat},
                                        std::pair<const char*, std::string>{"pump", ends->pump}}) {
            if (!end.starts_with("/dev/")) continue;  // absent, or a LAN model on TCP
            std::printf("link %s %s\n", name, (std::filesystem::path(link_dir) / name).string().c_str());
        }
    }
    std::printf("speed %g\n", cfg.speed_factor);
    if (!plant_path.empty()) std::printf("plant %s\n", plant_path.c_str());
    if (!cfg.state_file.empty()) std::printf("state %s\n", cfg.state_file.c_str());
    std::fflush(stdout);

    int sig = 0;
    sigwait(&stop_signals, &sig);
    const auto s = host.snapshot();
    host.stop();

    std::printf("summary sim_time_s %.3f signal %s\n", s.sim_time_s, sig == SIGINT ? "SIGINT" : "SIGTERM");
    if (s.galvanostat_present) {
        std::printf(
            "summary galvanostat output %s off_mode %s level_a %.6g compliance_v %.4g commands %ld "
            "shorted_s %.3f errors_pending %zu\n",
            s.output_on ? "on" : "off", sim::to_string(s.output_off_mode), s.source_level_a, s.compliance_v,
            s.galvanostat_commands, s.shorted_s, s.galvanostat_errors_pending);
    }
    if (s.pump_present) {
        std::printf(
            "summary pump running %s rate_ml_per_min %.6g dispensed_ml %.6g rate_changes_while_running %ld "
            "commands %ld\n",
            s.pump_running ? "yes" : "no", units::m3_per_s_to_ml_per_min(s.pump_rate_m3_per_s),
            units::m3_to_ml(s.dispensed_m3), s.pump_rate_changes_while_running, s.pump_commands);
    }
    const double x_mean = s.deposited_metal_mol > 0.0 ? [&] {
        double bi = 0.0;
        for (const auto& l : s.deposit) bi += l.x_bi * l.metal_mol;
        return bi / s.deposited_metal_mol;
    }() : 0.0;
    std::printf("summary cell volume_ml %.4g charge_c %.5g thickness_nm %.4g mean_x_bi %.4f layers %zu\n",
                units::m3_to_ml(s.bath.volume_m3), s.cathodic_charge_c, units::m_to_nm(s.thickness_m), x_mean,
                s.deposit.size());
    for (const auto& f : s.faults_fired)
        std::printf("summary fault %s@%g\n", sim::to_string(f.kind), f.at_sim_s);
    if (s.wrong_baud_bytes > 0) std::printf("summary wrong_baud_bytes %ld\n", s.wrong_baud_bytes);
    return 0;
}
