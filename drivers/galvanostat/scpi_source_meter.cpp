#include "drivers/galvanostat/scpi_source_meter.hpp"

#include "control/text.hpp"
#include "drivers/galvanostat/keithley_limits.hpp"
#include "drivers/galvanostat/potential_guard.hpp"
#include "drivers/galvanostat/scpi_output_state.hpp"
#include "drivers/galvanostat/scpi_safe_off.hpp"

namespace edc {
namespace {

io::LineEnding reply_ending_for(const ScpiDialect& d, io::LineEnding asked) {
    return d.reply_ending_settable ? asked : io::LineEnding::any;
}

}  // namespace

ScpiSourceMeter::ScpiSourceMeter(const ScpiDialect& dialect, std::unique_ptr<io::ByteTransport> transport,
                                 ScpiSourceMeterOptions options)
    : dialect_(dialect),
      transport_(std::move(transport)),
      scpi_(*transport_,
            scpi::ScpiOptions{dialect.terminator, reply_ending_for(dialect, options.reply_ending),
                              options.timeout, 16}) {}

ScpiSourceMeter::~ScpiSourceMeter() = default;

Result<std::string> ScpiSourceMeter::identify() {
    return scpi_.identify();
}

Result<void> ScpiSourceMeter::send_group(std::string_view group, const std::vector<std::string>& commands,
                                         const GalvanostatSettings& s) {
    for (const auto& c : commands) {
        if (auto r = scpi_.write(fill_scpi_template(c, s)); !r) return r;
    }
    return scpi_.check_errors(group);
}

Result<void> ScpiSourceMeter::check_language() {
    if (dialect_.language_query.empty()) return {};
    auto lang = scpi_.query(dialect_.language_query);
    if (!lang) return std::unexpected(lang.error());
    if (*lang == dialect_.language_expected) return {};
    return fail(
        "wrong_language",
        strf("the %s runs the %s command set; select %s (%s) and power-cycle it", dialect_.display.c_str(),
             lang->c_str(), dialect_.language_expected.c_str(), dialect_.language_hint.c_str()),
        transport_->name());
}

Result<void> ScpiSourceMeter::configure(const GalvanostatSettings& s) {
    if (auto v = keithley::validate(s, dialect_.limits, transport_->name()); !v) return v;
    settings_.reset();
    if (auto r = check_language(); !r) return r;
    // *RST keeps the error queue: empty it first so old errors are not blamed on this run.
    if (auto r = send_group("*CLS", {"*CLS"}, s); !r) return r;
    if (auto r = send_group("source setup", dialect_.source_setup, s); !r) return r;
    if (auto r = send_group("sense setup", dialect_.sense_setup, s); !r) return r;
    if (auto r = send_group("output setup", dialect_.output_setup, s); !r) return r;
    settings_ = s;
    configured_at_ = std::chrono::steady_clock::now();
    return {};
}

Result<void> ScpiSourceMeter::set_current(double amps) {
    if (!settings_) return fail("not_configured", "set_current before configure", transport_->name());
    if (auto v = keithley::validate_level(amps, *settings_, transport_->name()); !v) return v;
    return scpi_.write(fill_scpi_template(dialect_.level_command, *settings_, amps));
}

Result<void> ScpiSourceMeter::output(bool on) {
    if (on && !settings_) return fail("not_configured", "output on before configure", transport_->name());
    const std::string cmd = on ? ":OUTP ON" : ":OUTP OFF";
    if (auto r = scpi_.write(cmd); !r) return r;
    return scpi_.check_errors(cmd);
}

Result<GalvanostatReading> ScpiSourceMeter::read() {
    if (!settings_) return fail("not_configured", "read before configure", transport_->name());
    // One integration (NPLC at 50 Hz) on top of the link's own timeout.
    const auto integration = std::chrono::milliseconds(static_cast<long>(settings_->nplc * 20.0) + 1);
    const auto& command = dialect_.read.command;
    auto reply = scpi_.query(command, scpi_.options().timeout + integration);
    if (!reply) return std::unexpected(scpi_.explain_timeout(reply.error(), command));
    auto reading = parse_source_meter_reading(*reply, dialect_.read);
    if (!reading) {
        auto e = reading.error();
        e.where = transport_->name();
        return std::unexpected(std::move(e));
    }
    if (!dialect_.read.has_time) {
        reading->instrument_time_s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - configured_at_).count();
    }
    return galvanostat::enforce_potential_limit(*reading, *settings_, *this, transport_->name());
}

Result<bool> ScpiSourceMeter::output_is_on() {
    return scpi_output_is_on(scpi_, *transport_);
}

Result<void> ScpiSourceMeter::safe_off() {
    return scpi_safe_off(scpi_, *transport_, dialect_.safe_off);
}

}  // namespace edc
