#include "drivers/galvanostat/keithley2400.hpp"
#include "drivers/galvanostat/scpi_output_state.hpp"
#include "drivers/galvanostat/scpi_safe_off.hpp"

#include <cmath>

#include "control/text.hpp"
#include "drivers/galvanostat/keithley_limits.hpp"
#include "drivers/galvanostat/potential_guard.hpp"

namespace edc {
namespace {

using keithley::scpi_number;
constexpr std::uint32_t status_compliance_bit = 1U << 3;

}  // namespace

Keithley2400::Keithley2400(std::unique_ptr<io::ByteTransport> transport, Keithley2400Options options)
    : transport_(std::move(transport)),
      scpi_(*transport_, scpi::ScpiOptions{"\r", options.reply_ending, options.timeout, 16}) {}

Keithley2400::~Keithley2400() = default;

Result<std::string> Keithley2400::identify() {
    return scpi_.identify();
}

Result<void> Keithley2400::send_group(std::string_view group, std::initializer_list<std::string> commands) {
    for (const auto& c : commands) {
        if (auto r = scpi_.write(c); !r) return r;
    }
    return scpi_.check_errors(group);
}

Result<void> Keithley2400::configure(const GalvanostatSettings& s) {
    if (auto v = keithley::validate(s, keithley::k2400_limits, transport_->name()); !v) return v;
    settings_.reset();
    // *RST keeps the error queue: empty it first so old errors are not blamed on this run.
    if (auto r = send_group("*CLS", {"*CLS"}); !r) return r;
    if (auto r = send_group("source setup",
                            {
                                "*RST",
                                ":SYST:BEEP:STAT 0",
                                ":SOUR:FUNC CURR",
                                ":SOUR:CURR:MODE FIX",
                                ":SOUR:CURR:RANG " + scpi_number(s.current_range_a),
                                ":SOUR:CURR:LEV 0",
                            });
        !r) {
        return r;
    }
    if (auto r = send_group("sense setup",
                            {
                                ":SENS:FUNC 'VOLT'",
                                ":SENS:VOLT:PROT " + scpi_number(s.compliance_v),
                                ":SENS:VOLT:RANG:AUTO 1",
                                ":SENS:VOLT:NPLC " + scpi_number(s.nplc),
                                std::string(":SYST:RSEN ") + (s.four_wire ? "ON" : "OFF"),
                            });
        !r) {
        return r;
    }
    if (auto r = send_group("output setup",
                            {
                                ":OUTP:SMOD HIMP",
                                ":FORM:ELEM VOLT,CURR,TIME,STAT",
                            });
        !r) {
        return r;
    }
    settings_ = s;
    return {};
}

Result<void> Keithley2400::set_current(double amps) {
    if (!settings_) return fail("not_configured", "set_current before configure", transport_->name());
    if (auto v = keithley::validate_level(amps, *settings_, transport_->name()); !v) return v;
    return scpi_.write(":SOUR:CURR:LEV " + scpi_number(amps));
}

Result<void> Keithley2400::output(bool on) {
    if (on && !settings_) return fail("not_configured", "output on before configure", transport_->name());
    const std::string cmd = on ? ":OUTP ON" : ":OUTP OFF";
    if (auto r = scpi_.write(cmd); !r) return r;
    return scpi_.check_errors(cmd);
}

Result<GalvanostatReading> parse_2400_reading(std::string_view reply) {
    auto values = scpi::parse_number_list(reply, 4);
    if (!values) return std::unexpected(values.error());
    const auto& v = *values;
    if (v[0].kind == scpi::ValueKind::not_measured || v[1].kind == scpi::ValueKind::not_measured) {
        return fail("bad_reply", "reading lacks voltage or current (FORM:ELEM not VOLT,CURR,TIME,STAT?)");
    }
    if (v[3].kind != scpi::ValueKind::value || v[3].value < 0 || v[3].value >= 16777216.0) {
        return fail("bad_reply", "status word is not a 24-bit number");
    }
    const auto status = static_cast<std::uint32_t>(v[3].value);
    GalvanostatReading r;
    r.potential_v = v[0].kind == scpi::ValueKind::overflow ? std::copysign(HUGE_VAL, v[0].value) : v[0].value;
    r.current_a = v[1].value;
    r.in_compliance = (status & status_compliance_bit) != 0;
    r.instrument_time_s = v[2].kind == scpi::ValueKind::value ? v[2].value : 0.0;
    return r;
}

Result<GalvanostatReading> Keithley2400::read() {
    if (!settings_) return fail("not_configured", "read before configure", transport_->name());
    // One integration (NPLC at 50 Hz) on top of the link's own timeout.
    const auto integration = std::chrono::milliseconds(static_cast<long>(settings_->nplc * 20.0) + 1);
    auto reply = scpi_.query(":READ?", scpi_.options().timeout + integration);
    if (!reply) return std::unexpected(scpi_.explain_timeout(reply.error(), ":READ?"));
    auto reading = parse_2400_reading(*reply);
    if (!reading) {
        auto e = reading.error();
        e.where = transport_->name();
        return std::unexpected(std::move(e));
    }
    return galvanostat::enforce_potential_limit(*reading, *settings_, *this, transport_->name());
}

Result<bool> Keithley2400::output_is_on() { return scpi_output_is_on(scpi_, *transport_); }

Result<void> Keithley2400::safe_off() {
    // HIMP before OFF, so the output opens into high impedance rather than a 0 V short.
    return scpi_safe_off(scpi_, *transport_, {":SOUR:CURR:LEV 0", ":OUTP:SMOD HIMP", ":OUTP OFF"});
}

}  // namespace edc
