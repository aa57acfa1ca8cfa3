#include "drivers/pump/newera_pump.hpp"

#include <cmath>

#include "control/decimal.hpp"
#include "control/model/units.hpp"
#include "control/text.hpp"
#include "drivers/io/printable.hpp"

namespace edc {
namespace {

bool is_running(char status) {
    return status == 'I' || status == 'W' || status == 'X';
}

}  // namespace

NewEraPump::NewEraPump(std::unique_ptr<io::ByteTransport> transport, NewEraOptions options)
    : link_(std::move(transport), std::make_unique<io::NewEraAutoFramer>(), options.timeout),
      options_(options) {}

NewEraPump::~NewEraPump() = default;

void NewEraPump::enter_safe_mode(bool on) {
    safe_mode_ = on;
    // In safe mode the pump sends alarm packets unprompted. They do not acknowledge the alarm:
    // the reply to this command carries it again, so they are dropped, not mistaken for it.
    // One still on the wire when the command is written is told from the reply by the reply
    // that follows it (pump_link.hpp); 100 ms covers the pump's processing, 8 bytes at 9600
    // baud and an FTDI adapter's latency timer.
    link_.set_drain_before_write(on);
    if (on) {
        link_.set_unasked(
            [](std::string_view frame) {
                const auto r = newera::parse_reply(frame);
                return r && r->status == 'A';
            },
            std::chrono::milliseconds(100));
    } else {
        link_.set_unasked({}, std::chrono::milliseconds(100));
    }
}

Result<newera::Reply> NewEraPump::exchange(std::string_view command) {
    auto frame = link_.exchange(newera::command_bytes(options_.address, command, safe_mode_), command);
    for (const auto& unasked : link_.take_unasked()) {
        if (auto alarm = newera::parse_reply(unasked); alarm && alarm->status == 'A') {
            ++unasked_alarms_;
            last_unasked_alarm_ = alarm->alarm;
        }
    }
    if (!frame) return std::unexpected(frame.error());
    auto reply = newera::parse_reply(*frame);
    if (!reply) return std::unexpected(link_.annotate(reply.error(), command));
    if (reply->status != 'A') running_ = is_running(reply->status);
    return reply;
}

Result<newera::Reply> NewEraPump::command(std::string_view cmd) {
    auto reply = exchange(cmd);
    if (!reply) return reply;
    const auto& r = *reply;
    const std::string& where = link_.name();
    const int n = static_cast<int>(cmd.size());
    if (r.status == 'A') {
        return fail("pump_alarm",
                    strf("pump alarm %c (%s): %.*s was not executed", r.alarm, newera::alarm_meaning(r.alarm),
                         n, cmd.data()),
                    where);
    }
    if (r.has_error) {
        if (r.error == "OOR")
            return fail("out_of_range", strf("pump rejected %.*s: out of range", n, cmd.data()), where);
        if (r.error == "NA") {
            return fail("not_applicable", strf("pump rejected %.*s: not applicable now", n, cmd.data()),
                        where);
        }
        if (r.error.empty())
            return fail("unknown_command", strf("pump does not know %.*s", n, cmd.data()), where);
        if (r.error == "COM")
            return fail("bad_packet", strf("pump received a bad packet for %.*s", n, cmd.data()), where);
        if (r.error == "IGN") return fail("ignored", strf("pump ignored %.*s", n, cmd.data()), where);
        return fail("pump_error", strf("pump answered ?%s to %.*s", r.error.c_str(), n, cmd.data()), where);
    }
    return reply;
}

Result<void> NewEraPump::set_safe_mode(int host_timeout_s) {
    if (host_timeout_s < 0 || host_timeout_s > 255) {
        return fail("out_of_range", strf("safe-mode timeout %d s outside 0..255", host_timeout_s),
                    link_.name());
    }
    auto r = command(strf("SAF%d", host_timeout_s));
    if (!r) return std::unexpected(r.error());
    enter_safe_mode(host_timeout_s > 0);
    return {};
}

Result<bool> NewEraPump::leave_safe_mode() {
    if (!safe_mode_) return false;
    if (auto basic = set_safe_mode(0); !basic) return std::unexpected(basic.error());
    return true;
}

Result<char> NewEraPump::acknowledge_alarm() {
    auto s = exchange("");
    if (!s && s.error().code == "timeout" && !safe_mode_) {
        // A pump left in safe mode (its controller died before SAF0; the pump keeps safe mode,
        // power cycles included, until told otherwise) ignores basic-mode commands: ask again
        // as a packet and, when it answers, return it to basic mode like leave_safe_mode().
        enter_safe_mode(true);
        auto again = exchange("");
        if (!again) {
            enter_safe_mode(false);
            return std::unexpected(s.error());
        }
        if (auto basic = set_safe_mode(0); !basic) return std::unexpected(basic.error());
        s = std::move(again);
    }
    if (!s) return std::unexpected(s.error());
    return s->status == 'A' ? s->alarm : '\0';
}

Result<std::string> NewEraPump::identify() {
    if (auto a = acknowledge_alarm(); !a) return std::unexpected(a.error());
    auto r = command("VER");
    if (!r) return std::unexpected(r.error());
    return io::identity_text(r->data);
}

Result<void> NewEraPump::set_diameter(double d_m) {
    const auto text = newera::format_number(d_m / units::m_per_mm);
    if (!text || d_m <= 0.0) {
        return fail("out_of_range",
                    strf("syringe diameter %g mm cannot be sent (0 < d <= 9999 mm)", d_m * 1e3),
                    link_.name());
    }
    if (auto r = command("DIA" + *text); !r) return std::unexpected(r.error());
    unit_.reset();  // the pump resets its volume and rate units with the diameter
    if (auto r = command("VOL0"); !r) return std::unexpected(r.error());
    return {};
}

Result<double> NewEraPump::select_rate_unit(double max_rate) {
    auto choice = newera::choose_rate_unit(max_rate);
    if (!choice) {
        auto e = choice.error();
        e.where = link_.name();
        return std::unexpected(std::move(e));
    }
    if (running_ && unit_ && *unit_ != choice->unit) {
        return fail("not_applicable", "the rate unit cannot change while the pump runs", link_.name());
    }
    unit_ = choice->unit;
    unit_sent_ = false;
    return choice->resolution_m3_per_s;
}

Result<double> NewEraPump::set_rate(double rate) {
    if (!unit_) return fail("not_configured", "set_rate before select_rate_unit", link_.name());
    const double per_unit = newera::m3_per_s_per_unit(*unit_);
    const auto text = newera::format_number(rate / per_unit);
    if (!text) {
        return fail("out_of_range",
                    strf("rate %g mL/min does not fit 4 digits in %s", units::m3_per_s_to_ml_per_min(rate),
                         newera::unit_code(*unit_)),
                    link_.name());
    }
    // Units go with the number only while stopped: the pump refuses a unit while pumping.
    const std::string cmd =
        running_ && unit_sent_ ? "RAT" + *text : "RAT" + *text + newera::unit_code(*unit_);
    if (auto r = command(cmd); !r) return std::unexpected(r.error());
    unit_sent_ = true;
    return decimal::parse(*text).value_or(0.0) * per_unit;
}

Result<void> NewEraPump::start() {
    if (!unit_sent_) return fail("not_configured", "start before set_rate", link_.name());
    if (auto r = command("DIRINF"); !r) return std::unexpected(r.error());
    if (auto r = command("RUN"); !r) return std::unexpected(r.error());
    return {};
}

Result<void> NewEraPump::stop() {
    auto r = command("STP");
    if (!r) return std::unexpected(r.error());
    if (r->status == 'P') {  // a running program pauses on the first STP
        if (auto again = command("STP"); !again) return std::unexpected(again.error());
    }
    running_ = false;
    return {};
}

Result<PumpStatus> NewEraPump::status() {
    auto r = exchange("DIS");
    if (!r) return std::unexpected(r.error());
    PumpStatus s;
    s.dispensed_m3 = last_dispensed_m3_;
    switch (r->status) {
        case 'A':
            s.state = PumpState::alarm;
            s.alarm = std::string(1, r->alarm);
            return s;
        case 'I':
            s.state = PumpState::infusing;
            break;
        case 'W':
            s.state = PumpState::withdrawing;
            break;
        case 'S':
            s.state = PumpState::stopped;
            break;
        case 'P':
        case 'T':
        case 'U':
            s.state = PumpState::paused;
            break;
        default:
            s.state = PumpState::unknown;
            break;
    }
    if (r->has_error)
        return fail("pump_error", strf("pump answered ?%s to DIS", r->error.c_str()), link_.name());
    auto d = newera::parse_dispensed(r->data);
    if (!d) {
        auto e = d.error();
        e.where = link_.name();
        return std::unexpected(std::move(e));
    }
    s.dispensed_m3 = last_dispensed_m3_ = d->infused_m3;
    return s;
}

Result<void> NewEraPump::clear_dispensed() {
    if (auto r = command("CLDINF"); !r) return std::unexpected(r.error());
    if (auto r = command("CLDWDR"); !r) return std::unexpected(r.error());
    last_dispensed_m3_ = 0.0;
    return {};
}

Result<void> NewEraPump::safe_stop() {
    link_.drain();
    auto r = stop();
    if (!r && r.error().code == "pump_alarm") {
        // The alarm reply acknowledged the alarm and the command was not executed: once more.
        r = stop();
    }
    return r;
}

}  // namespace edc
