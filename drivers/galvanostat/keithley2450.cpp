#include "drivers/galvanostat/keithley2450.hpp"
#include "drivers/galvanostat/scpi_output_state.hpp"
#include "drivers/galvanostat/scpi_safe_off.hpp"

#include <cmath>

#include "control/text.hpp"
#include "drivers/galvanostat/keithley_limits.hpp"
#include "drivers/galvanostat/potential_guard.hpp"

namespace edc {
namespace {

using keithley::scpi_number;
constexpr std::uint32_t sourstat_limited = 32;
constexpr const char* read_command = ":READ? \"defbuffer1\", READ, SOUR, SOURSTAT";

}  // namespace

Keithley2450::Keithley2450(std::unique_ptr<io::ByteTransport> transport, Keithley2450Options options)
    : transport_(std::move(transport)),
      scpi_(*transport_, scpi::ScpiOptions{"\n", io::LineEnding::any, options.timeout, 16}) {}

Keithley2450::~Keithley2450() = default;

Result<std::string> Keithley2450::identify() {
    return scpi_.identify();
}

Result<void> Keithley2450::send_group(std::string_view group, std::initializer_list<std::string> commands) {
    for (const auto& c : commands) {
        if (auto r = scpi_.write(c); !r) return r;
    }
    return scpi_.check_errors(group);
}

Result<void> Keithley2450::configure(const GalvanostatSettings& s) {
    if (auto v = keithley::validate(s, keithley::k2450_limits, transport_->name()); !v) return v;
    settings_.reset();
    auto lang = scpi_.query("*LANG?");
    if (!lang) return std::unexpected(lang.error());
    if (*lang != "SCPI") {
        return fail(
            "wrong_language",
            strf("the 2450 runs the %s command set; select SCPI (MENU > System > Settings > Command Set) "
                 "and power-cycle it",
                 lang->c_str()),
            transport_->name());
    }
    if (auto r = send_group("*CLS", {"*CLS"}); !r) return r;
    if (auto r = send_group("source setup",
                            {
                                "*RST",
                                ":SOUR:FUNC CURR",
                                ":SOUR:CURR:RANG " + scpi_number(s.current_range_a),
                                ":SOUR:CURR:LEV 0",
                                ":SOUR:CURR:VLIM " + scpi_number(s.compliance_v),
                            });
        !r) {
        return r;
    }
    if (auto r = send_group("sense setup",
                            {
                                ":SENS:FUNC \"VOLT:DC\"",
                                std::string(":SENS:VOLT:RSEN ") + (s.four_wire ? "ON" : "OFF"),
                                ":SENS:VOLT:NPLC " + scpi_number(s.nplc),
                            });
        !r) {
        return r;
    }
    if (auto r = send_group("output setup", {":OUTP:CURR:SMOD HIMP"}); !r) return r;
    settings_ = s;
    configured_at_ = std::chrono::steady_clock::now();
    return {};
}

Result<void> Keithley2450::set_current(double amps) {
    if (!settings_) return fail("not_configured", "set_current before configure", transport_->name());
    if (auto v = keithley::validate_level(amps, *settings_, transport_->name()); !v) return v;
    return scpi_.write(":SOUR:CURR:LEV " + scpi_number(amps));
}

Result<void> Keithley2450::output(bool on) {
    if (on && !settings_) return fail("not_configured", "output on before configure", transport_->name());
    const std::string cmd = on ? ":OUTP ON" : ":OUTP OFF";
    if (auto r = scpi_.write(cmd); !r) return r;
    return scpi_.check_errors(cmd);
}

Result<GalvanostatReading> parse_2450_reading(std::string_view reply) {
    auto values = scpi::parse_number_list(reply, 3);
    if (!values) return std::unexpected(values.error());
    const auto& v = *values;
    if (v[0].kind == scpi::ValueKind::not_measured || v[1].kind == scpi::ValueKind::not_measured) {
        return fail("bad_reply", "reading lacks voltage or source value");
    }
    if (v[2].kind != scpi::ValueKind::value || v[2].value < 0 || v[2].value > 65535.0) {
        return fail("bad_reply", "SOURSTAT is not a status number");
    }
    const auto status = static_cast<std::uint32_t>(v[2].value);
    GalvanostatReading r;
    r.potential_v = v[0].kind == scpi::ValueKind::overflow ? std::copysign(HUGE_VAL, v[0].value) : v[0].value;
    r.current_a = v[1].value;
    r.in_compliance = (status & sourstat_limited) != 0;
    return r;
}

Result<GalvanostatReading> Keithley2450::read() {
    if (!settings_) return fail("not_configured", "read before configure", transport_->name());
    const auto integration = std::chrono::milliseconds(static_cast<long>(settings_->nplc * 20.0) + 1);
    auto reply = scpi_.query(read_command, scpi_.options().timeout + integration);
    if (!reply) return std::unexpected(scpi_.explain_timeout(reply.error(), ":READ?"));
    auto reading = parse_2450_reading(*reply);
    if (!reading) {
        auto e = reading.error();
        e.where = transport_->name();
        return std::unexpected(std::move(e));
    }
    reading->instrument_time_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - configured_at_).count();
    return galvanostat::enforce_potential_limit(*reading, *settings_, *this, transport_->name());
}

Result<bool> Keithley2450::output_is_on() { return scpi_output_is_on(scpi_, *transport_); }

Result<void> Keithley2450::safe_off() {
    // HIMP before OFF, so the output opens into high impedance rather than a 0 V short.
    return scpi_safe_off(scpi_, *transport_, {":SOUR:CURR:LEV 0", ":OUTP:CURR:SMOD HIMP", ":OUTP OFF"});
}

}  // namespace edc
