#include "drivers/galvanostat/methodscript_potentiostat.hpp"

#include <array>
#include <cmath>

#include "control/text.hpp"
#include "drivers/galvanostat/potential_guard.hpp"
#include "drivers/io/printable.hpp"

namespace edc {
namespace {

namespace ms = methodscript;

// Limits: the applied-current ranges in the MethodSCRIPT examples' range tables (EmStat4 LR and
// HR share 1 nA..10 mA; the Pico's largest is 5 mA at a +-3 mA maximum current); the voltage
// "compliance" is not settable, the recipe's value is checked against the cell-voltage span
// (docs/protocols/methodscript.md says where the docs are silent).
// The Pico first: the order of the registry's entries and of a probe's tries.
const std::array<MethodScriptModel, 2> models{{
    {"palmsens-emstat-pico",
     "PalmSens EmStat Pico",
     "espico",
     230400,
     6,
     {"PalmSens EmStat Pico", 0.003, 1e-7, 5.0, 0.1, 0.0, 100.0}},
    {"palmsens-emstat4",
     "PalmSens EmStat4",
     "es4_",
     921600,
     6,
     {"PalmSens EmStat4", 0.0105, 1e-9, 8.0, 0.1, 0.0, 100.0}},
}};

const io::LineFramer lf_framer{io::LineEnding::lf};

}  // namespace

const MethodScriptModel* find_methodscript_model(std::string_view model) {
    for (const auto& m : models) {
        if (model == m.model) return &m;
    }
    return nullptr;
}

std::span<const MethodScriptModel> methodscript_models() { return models; }

MethodScriptPotentiostat::MethodScriptPotentiostat(const MethodScriptModel& model,
                                                   std::unique_ptr<io::ByteTransport> transport,
                                                   MethodScriptOptions options)
    : model_(model), transport_(std::move(transport)), options_(options) {}

MethodScriptPotentiostat::~MethodScriptPotentiostat() = default;

Error MethodScriptPotentiostat::here(std::string code, std::string message) const {
    return Error{std::move(code), std::move(message), transport_->name()};
}

Result<std::string> MethodScriptPotentiostat::line(std::chrono::milliseconds timeout) {
    auto l = transport_->read_until(lf_framer, timeout);
    if (l && !l->empty() && l->back() == '\r') l->pop_back();
    return l;
}

Result<std::string> MethodScriptPotentiostat::identify() {
    if (running_) {
        // A reopened link mid-run: our script still streaming proves the same instrument is
        // there and busy (a 't' would land inside its output); the identity read at bring-up stands.
        auto on = output_is_on();
        if (!on) return std::unexpected(on.error());
        if (*on && !identity_.empty()) return identity_;
        if (*on) return fail("busy", "identify while a script runs", transport_->name());
    }
    transport_->drain();
    if (auto w = transport_->write("t\n", options_.timeout); !w) return std::unexpected(w.error());
    auto l1 = line(options_.timeout);
    if (!l1) return std::unexpected(l1.error());
    if (auto e = ms::parse_error(*l1)) {
        return std::unexpected(here("instrument_error", "'t' refused: " + ms::describe_error(e->code)));
    }
    auto l2 = line(options_.timeout);
    if (!l2) return std::unexpected(l2.error());
    auto id = ms::parse_identity(*l1, *l2);
    if (!id)
        return std::unexpected(here("bad_reply", id.error().message + ", got '" + *l1 + "' '" + *l2 + "'"));
    if (!id->firmware.starts_with(model_.firmware_prefix)) {
        return std::unexpected(here(
            "wrong_instrument",
            strf("%s expected, the instrument reports firmware '%s'", model_.display, id->firmware.c_str())));
    }
    identity_ = "PalmSens," + id->device + "," + id->firmware;
    return identity_;
}

Result<void> MethodScriptPotentiostat::configure(const GalvanostatSettings& s) {
    if (auto v = keithley::validate(s, model_.limits, transport_->name()); !v) return v;
    settings_ = s;
    return {};
}

Result<void> MethodScriptPotentiostat::set_current(double amps) {
    if (!settings_) return fail("not_configured", "set_current before configure", transport_->name());
    if (auto v = keithley::validate_level(amps, *settings_, transport_->name()); !v) return v;
    level_a_ = amps;
    if (!running_) return {};
    // A running meas_loop_cp takes no new current from the host: stop it and start a new one.
    if (auto a = abort_script(); !a) return a;
    return start_script();
}

Result<void> MethodScriptPotentiostat::start_script() {
    ms::CpScript cp;
    cp.current_a = level_a_;
    cp.interval_s = options_.interval_s;
    cp.duration_s = options_.script_duration_s;
    cp.potential_limit_v = settings_->potential_limit_v;
    cp.current_range_a = settings_->current_range_a;
    cp.pgstat_mode = model_.pgstat_mode;
    auto script = ms::build_cp_script(cp);
    if (!script) return std::unexpected(here(script.error().code, script.error().message));
    transport_->drain();
    if (auto w = transport_->write(*script, options_.timeout); !w) return w;
    auto echo = line(options_.timeout);
    if (!echo) return std::unexpected(echo.error());
    if (auto e = ms::parse_error(*echo)) {
        return std::unexpected(here("instrument_error", "script refused: " + ms::describe_error(e->code) +
                                                            (e->text.empty() ? "" : " (" + e->text + ")")));
    }
    if (*echo != "e")
        return std::unexpected(here("bad_reply", "script upload: expected 'e', got '" + *echo + "'"));
    running_ = true;
    latest_.reset();
    fresh_ = false;
    return {};
}

Result<void> MethodScriptPotentiostat::take(std::string_view l, bool& ended) {
    if (l.empty()) {  // the script ended (its duration, or the potential guard)
        ended = true;
        running_ = false;
        return {};
    }
    if (auto e = ms::parse_error(l)) {
        running_ = false;
        return std::unexpected(here("instrument_error", "script error: " + ms::describe_error(e->code) +
                                                            (e->text.empty() ? "" : " (" + e->text + ")")));
    }
    if (l.front() == 'P') {
        auto p = ms::parse_package(l);
        if (!p) {
            return std::unexpected(
                here("bad_reply", "package '" + io::printable(l) + "': " + p.error().message));
        }
        if (!p->potential_v || !p->current_a) {
            return std::unexpected(
                here("bad_reply", "package '" + io::printable(l) + "' lacks potential or current"));
        }
        latest_ = *p;
        fresh_ = true;
        ++packages_;
        return {};
    }
    // Loop markers ("M0000" opens a measurement loop, "*" closes it) carry nothing the driver
    // needs; any other line is not MethodSCRIPT output.
    const bool marker =
        l == "*" || (l.size() == 5 && l.front() == 'M' &&
                     l.find_first_not_of("0123456789ABCDEFabcdef", 1) == std::string_view::npos);
    if (!marker)
        return std::unexpected(
            here("bad_reply", "unexpected line '" + io::printable(l) + "' from a running script"));
    return {};
}

Result<void> MethodScriptPotentiostat::abort_script() {
    if (auto w = transport_->write("Z\n", options_.timeout); !w) return w;
    // "Z" then the rest of the script's output up to its blank line; "Z!0006": none was running.
    for (int i = 0; i < 1000; ++i) {
        auto l = line(options_.timeout);
        if (!l) return std::unexpected(l.error());
        if (l->starts_with("Z")) {
            if (ms::parse_error(*l)) {
                running_ = false;
                return {};
            }
            for (int j = 0; j < 1000; ++j) {
                auto rest = line(options_.timeout);
                if (!rest) return std::unexpected(rest.error());
                if (rest->empty()) {
                    running_ = false;
                    return {};
                }
            }
        } else if (l->empty()) {
            running_ = false;  // it ended by itself just now; the "Z" is answered next
        }
    }
    return fail("bad_reply", "no end of the script after 'Z'", transport_->name());
}

Result<void> MethodScriptPotentiostat::run_to_end(const std::string& script, std::string_view what) {
    if (auto w = transport_->write(script, options_.timeout); !w) return w;
    for (int i = 0; i < 16; ++i) {
        auto l = line(options_.timeout);
        if (!l) return std::unexpected(l.error());
        if (auto e = ms::parse_error(*l)) {
            return std::unexpected(
                here("instrument_error", std::string(what) + ": " + ms::describe_error(e->code)));
        }
        if (l->empty()) return {};
    }
    return fail("bad_reply", std::string(what) + ": no end of script", transport_->name());
}

Result<void> MethodScriptPotentiostat::output(bool on) {
    if (on && !settings_) return fail("not_configured", "output on before configure", transport_->name());
    if (on) return running_ ? Result<void>{} : start_script();
    if (running_) {
        if (auto a = abort_script(); !a) return a;
    }
    return run_to_end(ms::cell_off_script(), "cell off");
}

Result<GalvanostatReading> MethodScriptPotentiostat::read() {
    if (!settings_) return fail("not_configured", "read before configure", transport_->name());
    if (!running_)
        return fail("not_running", "read while no script streams (output off)", transport_->name());
    const auto interval = std::chrono::milliseconds(static_cast<long>(options_.interval_s * 1000.0));
    bool ended = false;
    // Everything streamed since the last call, then wait for one package if none came.
    for (auto wait = std::chrono::milliseconds(0); !ended;) {
        auto l = line(wait);
        if (!l && l.error().code == "timeout") {
            if (fresh_) break;
            if (wait.count() > 0)
                return std::unexpected(here("timeout", "no package within the script's interval"));
            wait = interval + options_.timeout;
            continue;
        }
        if (!l) return std::unexpected(l.error());
        if (auto t = take(*l, ended); !t) return std::unexpected(t.error());
        wait = std::chrono::milliseconds(0);
    }
    if (!latest_) return std::unexpected(here("bad_reply", "the script ended before its first package"));
    fresh_ = false;
    GalvanostatReading r;
    r.potential_v = *latest_->potential_v;
    r.current_a = *latest_->current_a;
    r.instrument_time_s = latest_->time_s.value_or(0.0);
    r.in_compliance = (latest_->status & ms::status_overload) != 0;
    if (ended) {
        if (std::fabs(r.potential_v) > settings_->potential_limit_v) {
            return galvanostat::enforce_potential_limit(r, *settings_, *this, transport_->name());
        }
        // Its duration ran out: the next one carries on at the same level.
        if (auto s = start_script(); !s) return std::unexpected(s.error());
    }
    return galvanostat::enforce_potential_limit(r, *settings_, *this, transport_->name());
}

Result<bool> MethodScriptPotentiostat::output_is_on() {
    // No command reports the cell switch: the cell is on while a CP script of ours streams
    // packages (each one ends with cell_off). Listen one interval for a package.
    const auto interval = std::chrono::milliseconds(static_cast<long>(options_.interval_s * 1000.0));
    const long before = packages_;
    for (int i = 0; i < 64; ++i) {
        auto l = line(interval * 2 + std::chrono::milliseconds(100));
        if (!l && l.error().code == "timeout") break;
        if (!l) return std::unexpected(l.error());
        bool ended = false;
        if (auto t = take(*l, ended); !t) return std::unexpected(t.error());
        if (ended) return false;
        if (packages_ != before) {
            running_ = true;
            return true;
        }
    }
    // Silent: no script streams. Ask for the version to know the instrument is there.
    running_ = false;
    if (auto id = identify(); !id) return std::unexpected(id.error());
    return false;
}

Result<void> MethodScriptPotentiostat::safe_off() {
    running_ = false;
    auto aborted = abort_script();
    // An instrument that did not answer the abort will not answer the cell-off script either:
    // a second timeout would only hold up the rest of the safe-state sequence (the pump).
    if (!aborted && (aborted.error().code == "timeout" || aborted.error().code == "disconnected"))
        return aborted;
    auto off = run_to_end(ms::cell_off_script(), "cell off");
    return !aborted ? aborted : off;
}

}  // namespace edc
