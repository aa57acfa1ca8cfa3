// RunSession::Impl's first two actions (job thread): bring the instruments up and prime the
// cell. See session_impl.hpp.
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "app/runtime/instrument_ports.hpp"
#include "app/runtime/runtime_text.hpp"
#include "app/runtime/session_impl.hpp"
#include "control/decimal.hpp"
#include "control/model/units.hpp"
#include "drivers/galvanostat/galvanostat_factory.hpp"
#include "drivers/io/open_transport.hpp"
#include "drivers/io/reopening_transport.hpp"
#include "drivers/pump/pump_factory.hpp"
#include "drivers/registry/instrument_registry.hpp"
#include "edc/version.hpp"

namespace edc::app {

std::optional<run::RunEvent> RunSession::Impl::check_instruments() {
    const auto& r = options_.recipe;
    io_ = std::make_unique<io::IoThread>();
    std::vector<std::string> problems;
    nlohmann::json instruments = nlohmann::json::object();
    auto on_fault = [this](const std::string& code, const std::string& message) { fault(code, message); };
    auto on_event = [this](const std::string& level, const std::string& code, const std::string& message) {
        record(level, code, message);
    };

    const std::string gport = sim_ ? sim_->endpoints().galvanostat : galvanostat_port(r.galvanostat);
    GalvanostatOptions gopt;
    if (r.galvanostat.baud > 0) gopt.baud = static_cast<unsigned>(r.galvanostat.baud);
    instruments["galvanostat"] = {{"model", recipes::to_string(r.galvanostat.model)}, {"port", gport}};
    const std::string gmodel(recipes::to_string(r.galvanostat.model));
    // The link reopens by its stable name (issue 13 item 3): the recipe's port, or the
    // simulator's in-process link.
    io::ReopeningTransport* glink = nullptr;
    auto g = [&]() -> Result<std::unique_ptr<Galvanostat>> {
        const bool in_process = sim_ && sim_->options().in_process;
        if (!in_process && recipes::galvanostat_on_lan(r.galvanostat.model) && !io::is_tcp_port(gport)) {
            return make_galvanostat(gmodel, gport, gopt, *io_);  // refused, in its words
        }
        io::ReopeningTransport::Opener open;
        if (in_process) {
            open = [sim = sim_.get()] { return sim->connect_galvanostat(); };
        } else {
            open = [gport, gopt, io = io_.get()] {
                return io::open_transport(gport, io::TransportSettings{gopt.baud, gopt.connect_timeout}, *io);
            };
        }
        auto first = open();
        if (!first) return std::unexpected(first.error());
        auto link = std::make_unique<io::ReopeningTransport>(std::move(*first), std::move(open), gport);
        glink = link.get();
        return make_galvanostat(gmodel, std::move(link), gopt);
    }();
    if (g) {
        galvanostat_ = std::make_unique<GalvanostatChannel>(
            std::move(*g), clock_, options_.loop_hz, current_a_, loop_.galvanostat_samples(), on_fault,
            LinkKeeper("galvanostat", glink, r.link_loss_grace_s, &clock_, on_event));
        if (auto id = await(clock_.clock(), galvanostat_->identify(), "galvanostat")) {
            instruments["galvanostat"]["idn"] = *id;
        } else {
            problems.push_back("galvanostat on " + gport + ": " + describe(id.error()));
        }
    } else {
        problems.push_back("galvanostat on " + gport + ": " + describe(g.error()));
    }

    if (r.pump) {
        const std::string pport = sim_ ? sim_->endpoints().pump : r.pump->port;
        PumpOptions popt;
        popt.baud = static_cast<unsigned>(r.pump->baud);
        popt.safe_mode_timeout_s = static_cast<int>(std::lround(r.pump->safe_mode_timeout_s));
        instruments["pump"] = {{"model", recipes::to_string(r.pump->model)}, {"port", pport}};
        const std::string pmodel(recipes::to_string(r.pump->model));
        io::ReopeningTransport* plink = nullptr;
        auto p = [&]() -> Result<std::unique_ptr<SyringePump>> {
            // The registry's entry: refused in its words when the recipe's model is none.
            auto entry = lookup_instrument(pmodel, InstrumentKind::pump, pport);
            if (!entry) return std::unexpected(entry.error());
            io::ReopeningTransport::Opener open;
            if (sim_ && sim_->options().in_process) {
                open = [sim = sim_.get()] { return sim->connect_pump(); };
            } else {
                const unsigned baud = serial_baud(**entry, popt.baud);
                open = [pport, baud, io = io_.get()] { return io::open_serial(pport, io::SerialSettings{baud}, *io); };
            }
            auto first = open();
            if (!first) return std::unexpected(first.error());
            auto link = std::make_unique<io::ReopeningTransport>(std::move(*first), std::move(open), pport);
            plink = link.get();
            return (*entry)->make_pump(**entry, std::move(link), popt);
        }();
        if (p) {
            pump_ = std::make_unique<PumpChannel>(std::move(*p), clock_, feed_,
                                                  std::lround(r.pump->safe_mode_timeout_s),
                                                  loop_.pump_samples(), on_fault,
                                                  LinkKeeper("pump", plink, r.link_loss_grace_s, &clock_, on_event));
            if (auto id = await(clock_.clock(), pump_->identify(), "pump")) {
                instruments["pump"]["version"] = *id;
                pump_->start_keepalive();
            } else {
                problems.push_back("pump on " + pport + ": " + describe(id.error()));
            }
        } else {
            problems.push_back("pump on " + pport + ": " + describe(p.error()));
        }
    }
    if (sim_) instruments["simulated"] = true;
    if (options_.resume && problems.empty()) {
        if (auto refused = check_resume(instruments.dump())) {
            {
                std::lock_guard lock(mutex_);
                resume_refused_ = true;
            }
            fault("resume_refused", *refused);
            return std::nullopt;
        }
    }

    journal::RunStart start;
    start.recipe_name = r.name;
    start.recipe_text = r.text;
    start.recipe_sha256 = r.sha256;
    start.software_version = edc::version;
    start.git_revision = edc::git_revision;
    start.instruments_json = instruments.dump();
    start.operator_name = options_.operator_name;
    if (options_.resume) start.resumes_run = options_.resume->run_id;
    auto id = journal_.begin(start, options_.provenance, run_time());
    if (!id) {
        fault("journal", describe(id.error()));
        return std::nullopt;
    }
    {
        std::lock_guard lock(mutex_);
        snapshot_.run_id = *id;
    }
    record("info", "instruments", instruments.dump());
    if (resume_findings_) record("info", "resumes_run", resume_text(*resume_findings_));

    if (!problems.empty()) {
        std::string all;
        for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
        fault("instrument_check", all);
        return std::nullopt;
    }
    if (r.pump) {
        const double top = std::max(plan_.totals.max_feed_rate_m3_per_s, 1e-12);
        // The pump's counter starts again at prime: a resumed run's pump is armed for the rest.
        const double fed_before = resume_findings_ ? resume_findings_->start.fed_m3 : 0.0;
        auto unit = await(clock_.clock(),
                          pump_->set_up(r.pump->syringe_diameter_m, top, plan_.totals.feed_volume_m3 - fed_before),
                          "pump");
        if (!unit) {
            fault("pump_setup", describe(unit.error()));
            return std::nullopt;
        }
        record("info", "pump_rate_unit",
               "rate resolution " + decimal::general(units::m3_per_s_to_ul_per_min(*unit), 6) +
                   " uL/min at up to " + decimal::general(units::m3_per_s_to_ml_per_min(top), 6) + " mL/min");
    }
    return run::RunEvent{run::EventKind::checks_passed, {}};
}

std::optional<run::RunEvent> RunSession::Impl::prime() {
    const auto& r = options_.recipe;
    GalvanostatSettings s;
    s.current_range_a =
        r.galvanostat.current_range_a > 0.0 ? r.galvanostat.current_range_a : current_range_for(current_a_);
    s.compliance_v = r.galvanostat.compliance_v;
    s.four_wire = true;
    s.nplc = 1.0;
    s.potential_limit_v = limits_.max_abs_potential_v;
    if (auto c = await(clock_.clock(), galvanostat_->configure(s), "galvanostat"); !c) {
        fault("galvanostat_setup", describe(c.error()));
        return std::nullopt;
    }
    if (pump_) {
        if (auto clr = await(clock_.clock(), pump_->clear_dispensed(), "pump"); !clr) {
            fault("pump_setup", describe(clr.error()));
            return std::nullopt;
        }
    }
    if (plan_.prebolus_m3 > 0.0 && pump_) {
        auto bolus_failed = [this](const std::string& why) -> std::optional<run::RunEvent> {
            fault("pump_prebolus", why);
            return std::nullopt;
        };
        const double rate = r.plan.pump.max_rate_m3_per_s;
        record("info", "prebolus",
               "dispensing a pre-dilution bolus of " + decimal::fixed(units::m3_to_ml(plan_.prebolus_m3), 3) +
                   " mL");
        if (auto go = await(clock_.clock(), pump_->start_bolus(rate), "pump"); !go) return bolus_failed(describe(go.error()));
        const double deadline = run_time() + 3.0 * plan_.prebolus_m3 / rate + 30.0;
        for (;;) {
            if (cancelled()) return std::nullopt;
            auto st = await(clock_.clock(), pump_->status(), "pump");
            if (!st) return bolus_failed(describe(st.error()));
            if (st->dispensed_m3 >= plan_.prebolus_m3 * (1.0 - 1e-3)) break;
            if (run_time() > deadline) return bolus_failed("the bolus did not complete in time");
            clock_.clock().sleep_for(0.2);
        }
        if (auto stop = await(clock_.clock(), pump_->stop_bolus(), "pump"); !stop)
            return bolus_failed(describe(stop.error()));
        // Let the bath mix before current starts.
        const double until = run_time() + 3.0 * r.plan.cell.cell.mixing_time_s;
        while (run_time() < until) {
            if (cancelled()) return std::nullopt;
            clock_.clock().sleep_for(0.1);
        }
    }
    return run::RunEvent{run::EventKind::primed, {}};
}

}  // namespace edc::app
