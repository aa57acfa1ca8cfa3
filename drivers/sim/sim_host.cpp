#include "drivers/sim/sim_host.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "drivers/sim/in_process_link.hpp"
#include "drivers/sim/sim_clock.hpp"
#include "drivers/sim/sim_models.hpp"
#include "drivers/sim/sim_state_file.hpp"
#include "drivers/sim/wire_server.hpp"

namespace edc::sim {

model::CellParams paper_cell_params() {
    model::CellParams p;
    p.chemistry.bath_a = {50.0, 50.0};
    p.chemistry.feed_b = {0.0, 50.0};
    p.chemistry.selectivity = model::Selectivity::constant(1.0);
    p.chemistry.current_efficiency = 0.725;
    p.chemistry.packing_fraction = 0.868;
    p.cell.mode = model::CellMode::growing;
    p.cell.initial_volume_m3 = 20e-6;
    p.cell.max_volume_m3 = 150e-6;
    p.cell.electrode_area_m2 = 1e-4;
    p.cell.mixing_time_s = 3.0;
    return p;
}

std::vector<DepthSample> deposit_profile(const std::vector<DepositLayer>& layers) {
    std::vector<DepthSample> out;
    out.reserve(layers.size());
    double h = 0.0;
    for (const auto& l : layers) {
        out.push_back({h + 0.5 * l.thickness_m, l.x_bi});
        h += l.thickness_m;
    }
    return out;
}

struct SimHost::Impl {
    explicit Impl(SimHostConfig c)
        : cfg(std::move(c)),
          clock(cfg.clock ? cfg.clock : std::make_shared<clk::WallClock>(cfg.speed_factor)),
          tick_wake(clock.clock()),
          cell(cfg.plant ? *cfg.plant : plant_from_cell_params(cfg.cell), cfg.kinetics),
          schedule(cfg.faults) {}

    // Caller holds mu. The pumps run first in each step so a stall stops the feed at once.
    void advance_to(double t) {
        while (cell.time_s() < t - 1e-12) {
            const double dt = std::min(cfg.kinetics.max_step_s, t - cell.time_s());
            const double t1 = cell.time_s() + dt;
            if (pump) pump->advance(t1, dt);
            if (galvo) galvo->advance(t1, dt);
            cell.advance(dt);
        }
    }

    // Caller holds mu. `away_s`: how long a re-enumerated port is gone.
    void fire(FaultKind kind, double away_s = FaultSpec::default_away_s) {
        switch (kind) {
            case FaultKind::galvanostat_timeout:
                if (galvo_server) galvo_server->set_silent(true);
                if (galvo_link) galvo_link->set_silent(true);
                break;
            case FaultKind::galvanostat_disconnect:
                if (galvo_server) galvo_server->request_close();
                if (galvo_link) galvo_link->request_close();
                break;
            case FaultKind::galvanostat_garbage:
                if (galvo_server) galvo_server->set_garbage(true);
                if (galvo_link) galvo_link->set_garbage(true);
                break;
            case FaultKind::compliance_trip:
                cell.set_extra_resistance(1e5);
                break;
            case FaultKind::pump_timeout:
                if (pump_server) pump_server->set_silent(true);
                if (pump_link) pump_link->set_silent(true);
                break;
            case FaultKind::pump_disconnect:
                if (pump_server) pump_server->request_close();
                if (pump_link) pump_link->request_close();
                break;
            // The instrument's own faults (an SCPI error, a stall, an alarm, an empty syringe):
            // the instrument that has it takes it.
            case FaultKind::galvanostat_scpi_error:
            case FaultKind::pump_stall:
            case FaultKind::pump_alarm:
            case FaultKind::syringe_empty:
                for (auto* instrument : instruments()) (void)instrument->fire(kind);
                break;
            // An in-process link or a PTY (with its stable name); a TCP port ignores it.
            case FaultKind::galvanostat_reenumerate:
                if (galvo_link) galvo_link->unplug(clock.clock().now_s() + away_s);
                if (galvo_server) galvo_server->unplug(clock.clock().now_s() + away_s);
                break;
            case FaultKind::pump_reenumerate:
                if (pump_link) pump_link->unplug(clock.clock().now_s() + away_s);
                if (pump_server) pump_server->unplug(clock.clock().now_s() + away_s);
                break;
        }
    }

    // A PTY's stable name and its re-enumeration reports (before the server starts).
    [[nodiscard]] Result<void> name_port(WireServer& server, const std::string& instrument) {
        if (cfg.on_port_change) {
            server.on_port_change([this, instrument](const std::string& endpoint) {
                cfg.on_port_change(instrument, endpoint);
            });
        }
        if (cfg.link_dir.empty() || !server.endpoint().starts_with("/dev/")) return {};
        return server.link_as(cfg.link_dir / instrument);
    }

    // The instruments there are, galvanostat first.
    [[nodiscard]] std::vector<SimInstrument*> instruments() const {
        std::vector<SimInstrument*> out;
        if (galvo) out.push_back(galvo.get());
        if (pump) out.push_back(pump.get());
        return out;
    }

    // The truth a restart must keep (caller holds mu).
    [[nodiscard]] SimState current_state() const {
        SimState s;
        s.sim_time_s = time_base_s + cell.time_s();
        s.cell = cell.state();
        if (galvo) s.galvanostat = SavedInstrument{cfg.galvanostat_model, galvo->save()};
        if (pump) s.pump = SavedInstrument{cfg.pump_model, pump->save()};
        return s;
    }

    // Before the links open: the file's truth replaces the fresh cell and instruments, then
    // the outage runs. Every clock here restarts at 0 (this process's clock does). A section for
    // an instrument the rig does not have is ignored; one for another model is refused.
    [[nodiscard]] Result<void> load_state() {
        const auto& path = cfg.state_file;
        std::error_code ec;
        if (path.empty() || !std::filesystem::exists(path, ec)) return {};
        auto loaded = load_sim_state(path);
        if (!loaded) return std::unexpected(loaded.error());
        const auto& s = *loaded;
        struct Role {
            const char* name;
            const std::optional<SavedInstrument>& saved;
            SimInstrument* instrument;
            const std::string& model;
        };
        const std::array<Role, 2> roles{
            Role{"galvanostat", s.galvanostat, galvo.get(), cfg.galvanostat_model},
            Role{"pump", s.pump, pump.get(), cfg.pump_model}};
        for (const auto& r : roles) {
            if (r.saved && r.instrument != nullptr && r.saved->model != r.model) {
                return fail("sim_state_mismatch",
                            path.string() + ": " + r.name + ".model: '" + r.saved->model +
                                "', but the simulator has '" + r.model + "'",
                            "SimHost::start");
            }
        }
        auto cell_state = s.cell;
        cell_state.time_s = 0.0;
        cell.restore(cell_state);
        for (const auto& r : roles) {
            if (!r.saved || r.instrument == nullptr) continue;
            if (auto restored = r.instrument->restore(r.saved->fields, path.string(), r.name); !restored)
                return restored;
        }
        time_base_s = s.sim_time_s;
        run_outage(cfg.outage_s);
        return {};
    }

    // The plant alone for `outage_s` simulated seconds, the instruments as they were left: an
    // output that was on keeps sourcing; an instrument with a watchdog (the NE-1000 in safe
    // mode, its host timeout running out with nobody talking to it) acts when it expires; the
    // Elite stops at its target.
    void run_outage(double outage_s) {
        if (outage_s <= 0.0) return;
        // In the order they expire: the plant only moves forward, so a later one visited first
        // would leave the earlier one acting late (a pump pumping past its host timeout).
        std::vector<std::pair<double, SimInstrument*>> due;
        for (auto* instrument : instruments()) {
            if (const auto watchdog_s = instrument->watchdog_s(); watchdog_s && *watchdog_s < outage_s)
                due.emplace_back(*watchdog_s, instrument);
        }
        std::ranges::sort(due, {}, &std::pair<double, SimInstrument*>::first);
        for (const auto& [at_s, instrument] : due) {
            advance_to(at_s);
            instrument->watchdog_expired();
        }
        advance_to(outage_s);
        // This process's clock starts at 0 when the links open: the outage joins the base.
        auto cell_state = cell.state();
        cell_state.time_s = 0.0;
        cell.restore(cell_state);
        for (auto* instrument : instruments()) instrument->rebase(0.0);
        time_base_s += outage_s;
    }

    // Every simulated second (ticker) and at stop(); without mu held (it writes a file).
    void save_state() {
        if (cfg.state_file.empty()) return;
        SimState s;
        {
            std::lock_guard lock(mu);
            s = current_state();
        }
        std::lock_guard lock(save_mu);
        if (auto saved = save_sim_state(cfg.state_file, s); !saved) {
            std::fputs(("edc-sim: " + saved.error().message + "\n").c_str(), stderr);
        }
    }

    // Every millisecond of real time on a wall clock; on a virtual one every 20 ms of run time
    // (each wake-up is a lock-step turn of the whole run).
    void tick_loop() {
        auto& c = clock.clock();
        const double period = c.is_virtual() ? 0.02 : c.real_to_clock(0.001);
        double next_save_s = 0.0;
        for (;;) {
            bool save_due = false;
            {
                std::lock_guard lock(mu);
                const double t = clock.sim_s();
                advance_to(t);
                for (const auto& f : schedule.due(t)) {
                    fire(f.kind, f.away_s);
                    fired.push_back(f);
                }
                if (!cfg.state_file.empty() && t >= next_save_s) {
                    save_due = true;
                    next_save_s = t + save_period_s;
                }
            }
            if (save_due) save_state();
            // The instruments' own timers on in-process links (the wire server polls its own).
            if (galvo_link) galvo_link->poll();
            if (pump_link) pump_link->poll();
            std::unique_lock lock(tick_mu);
            if (tick_wake.wait_for(lock, period, [this] { return !running; })) return;
        }
    }

    SimHostConfig cfg;
    SimClock clock;
    std::mutex tick_mu;  // guards running's changes for tick_wake
    clk::ClockCondition tick_wake;
    mutable std::mutex mu;
    SimCell cell;
    // The simulated instruments, whatever their models (sim_instruments.hpp); shared with the
    // links' handlers.
    std::shared_ptr<SimInstrument> galvo;
    std::shared_ptr<SimInstrument> pump;
    FaultSchedule schedule;
    std::vector<FaultSpec> fired;
    std::unique_ptr<WireServer> galvo_server;
    std::unique_ptr<WireServer> pump_server;
    std::shared_ptr<InProcessLink> galvo_link;  // in_process only
    std::shared_ptr<InProcessLink> pump_link;
    std::thread ticker;
    std::atomic<bool> running{false};
    double time_base_s = 0.0;  // guarded by mu: simulated seconds before this process's clock's 0
    std::mutex save_mu;        // one writer of the state file at a time
    // The state file is rewritten this often (simulated seconds): a killed controller leaves it
    // at most this far behind.
    static constexpr double save_period_s = 0.9;
};

SimHost::SimHost(SimHostConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

SimHost::~SimHost() {
    stop();
}

const SimHostConfig& SimHost::config() const noexcept {
    return impl_->cfg;
}

Result<SimEndpoints> SimHost::start() {
    auto& m = *impl_;
    if (m.running) return fail("sim_started", "the simulator is already running", "SimHost::start");
    const auto& cfg = m.cfg;
    const double ftdi = cfg.ftdi_latency ? 0.016 : 0.0;
    SimEndpoints ends;

    // Every simulated instrument starts the same way: its entry builds it (sim_models.cpp), and
    // it is put on an in-process link, a loopback TCP port or a PTY.
    auto start_one = [&](SimRole role, const std::string& name, unsigned baud,
                         std::shared_ptr<SimInstrument>& instrument, std::shared_ptr<InProcessLink>& link,
                         std::unique_ptr<WireServer>& server, std::string& endpoint) -> Result<void> {
        if (name.empty() || name == "none") return {};
        const SimModelEntry* e = find_sim_model(name, role);
        const char* what = role == SimRole::galvanostat ? "galvanostat" : "pump";
        if (e == nullptr) {
            return fail("sim_model",
                        std::string("unknown ") + what + " model '" + name +
                            "' (known: " + sim_model_names(role) + ", none)",
                        role == SimRole::galvanostat ? "SimHostConfig.galvanostat_model"
                                                     : "SimHostConfig.pump_model");
        }
        instrument = e->build(*e, m.cell, cfg);
        const LinkTiming timing{e->lan ? 0U : (baud != 0 && e->config_baud ? baud : e->default_baud),
                                cfg.link_delays, e->lan ? 0.0 : ftdi};
        WireHandlers h;
        h.receive = [&m, instrument](std::string_view bytes, Instant now) {
            std::lock_guard lock(m.mu);
            m.advance_to(now.sim_s);
            return instrument->receive(bytes, now);
        };
        if (instrument->has_poll()) {
            h.poll = [&m, instrument](Instant now) {
                std::lock_guard lock(m.mu);
                m.advance_to(now.sim_s);
                return instrument->poll(now);
            };
        }
        if (cfg.in_process) {
            link = std::make_shared<InProcessLink>(name, timing, std::move(h), m.clock);
            endpoint = link->endpoint();
            return {};
        }
        if (e->lan && role == SimRole::galvanostat && std::ranges::any_of(cfg.faults, [](const FaultSpec& f) {
                return f.kind == FaultKind::galvanostat_reenumerate;
            })) {
            return fail("fault_kind",
                        "galvanostat-reenumerate: the " + name +
                            " is on LAN (TCP), it has no USB adapter to re-enumerate",
                        "SimHostConfig.faults");
        }
        std::optional<WireServer::Port> port;
        if (e->lan) {
            auto tcp = TcpPort::listen_loopback(role == SimRole::galvanostat ? cfg.galvanostat_tcp_port : 0);
            if (!tcp) return std::unexpected(tcp.error());
            port.emplace(std::move(*tcp));
        } else {
            auto pty = PtyPort::open();
            if (!pty) return std::unexpected(pty.error());
            port.emplace(std::move(*pty));
        }
        server = std::make_unique<WireServer>(name, std::move(*port), timing, std::move(h), m.clock);
        endpoint = server->endpoint();
        return m.name_port(*server, what);
    };
    if (auto g = start_one(SimRole::galvanostat, cfg.galvanostat_model, cfg.galvanostat_baud, m.galvo,
                           m.galvo_link, m.galvo_server, ends.galvanostat);
        !g) {
        return std::unexpected(g.error());
    }
    if (auto p = start_one(SimRole::pump, cfg.pump_model, cfg.pump_baud, m.pump, m.pump_link, m.pump_server,
                           ends.pump);
        !p) {
        return std::unexpected(p.error());
    }

    if (auto loaded = m.load_state(); !loaded) return std::unexpected(loaded.error());
    m.running = true;
    m.ticker = std::thread([&m, attached = clk::Attachment(m.clock.clock())] { m.tick_loop(); });
    if (m.galvo_server) m.galvo_server->start();
    if (m.pump_server) m.pump_server->start();
    return ends;
}

void SimHost::stop() {
    auto& m = *impl_;
    if (m.galvo_server) m.galvo_server->stop();
    if (m.pump_server) m.pump_server->stop();
    {
        std::lock_guard lock(m.tick_mu);
        m.running = false;
    }
    m.tick_wake.notify_all();
    if (m.ticker.joinable()) {
        m.ticker.join();
        m.save_state();  // the truth as the simulator stops
    }
}

Result<std::unique_ptr<io::ByteTransport>> SimHost::connect_galvanostat() {
    if (!impl_->galvo_link)
        return fail("not_in_process", "no in-process galvanostat", "SimHost::connect_galvanostat");
    return impl_->galvo_link->connect();
}

Result<std::unique_ptr<io::ByteTransport>> SimHost::connect_pump() {
    if (!impl_->pump_link) return fail("not_in_process", "no in-process pump", "SimHost::connect_pump");
    return impl_->pump_link->connect();
}

void SimHost::inject(FaultKind kind, double away_s) {
    std::lock_guard lock(impl_->mu);
    impl_->fire(kind, away_s);
    impl_->fired.push_back({kind, impl_->cell.time_s(), FaultTrigger::at_time, away_s});
}

SimSnapshot SimHost::snapshot() const {
    const auto& m = *impl_;
    std::lock_guard lock(m.mu);
    SimSnapshot s;
    s.sim_time_s = m.cell.time_s();
    for (auto* instrument : m.instruments()) instrument->fill(s);
    const auto reading = m.cell.reading();
    s.cell_current_a = reading.current_a;
    s.potential_v = reading.potential_v;
    s.in_compliance = reading.limited;
    s.delivered_flow_m3_per_s = m.cell.delivered_flow_m3_per_s();
    s.bath = m.cell.bath();
    s.electrode = m.cell.electrode_concentrations();
    s.cathodic_charge_c = m.cell.cathodic_charge_c();
    s.deposited_metal_mol = m.cell.deposited_metal_mol();
    s.thickness_m = m.cell.thickness_m();
    s.deposit = m.cell.layers();
    s.faults_fired = m.fired;
    s.wrong_baud_bytes = (m.galvo_server ? m.galvo_server->wrong_baud_bytes() : 0) +
                         (m.pump_server ? m.pump_server->wrong_baud_bytes() : 0);
    return s;
}

}  // namespace edc::sim
