#include "drivers/pump/harvard_pump.hpp"

#include <cmath>

#include "control/decimal.hpp"
#include "control/model/units.hpp"
#include "control/text.hpp"
#include "drivers/io/printable.hpp"

namespace edc {

HarvardPump::HarvardPump(std::unique_ptr<io::ByteTransport> transport, HarvardOptions options)
    : link_(std::move(transport), std::make_unique<io::HarvardPromptFramer>(), options.timeout),
      options_(options) {}

HarvardPump::~HarvardPump() = default;

Result<harvard::Reply> HarvardPump::command(std::string_view cmd) {
    std::string line;
    if (options_.address > 0)
        line = strf("%02d", options_.address);  // address, then the '@' of a fast command
    line.append(cmd);
    line.push_back('\r');
    auto frame = link_.exchange(line, cmd);
    if (!frame) return std::unexpected(frame.error());
    auto reply = harvard::parse_reply(*frame);
    if (!reply) return std::unexpected(link_.annotate(reply.error(), cmd));
    running_ = reply->prompt == harvard::Prompt::infusing || reply->prompt == harvard::Prompt::withdrawing;
    if (!reply->error_kind.empty()) {
        const auto& text = reply->error_text;
        const char* code = text.find("Out of range") != std::string::npos ? "out_of_range"
                           : reply->error_kind == "Command error"         ? "unknown_command"
                                                                          : "pump_error";
        return std::unexpected(link_.annotate(
            Error{code, strf("%s: %s", reply->error_kind.c_str(), text.c_str()), link_.name()}, cmd));
    }
    return reply;
}

Result<void> HarvardPump::disable_nvram() {
    if (auto r = command("NVRAM off"); !r) return std::unexpected(r.error());
    return {};
}

Result<std::string> HarvardPump::identify() {
    auto r = command("ver");
    if (!r) return std::unexpected(r.error());
    if (r->lines.empty()) return fail("bad_reply", "ver answered no version line", link_.name());
    return io::identity_text(r->lines.front());
}

Result<void> HarvardPump::set_diameter(double d_m) {
    const auto text = harvard::format_number(d_m / units::m_per_mm);
    if (!text)
        return fail("out_of_range", strf("syringe diameter %g mm cannot be sent", d_m * 1e3), link_.name());
    if (auto r = command("diameter " + *text); !r) return std::unexpected(r.error());
    auto lim = command("irate lim");
    if (!lim) return std::unexpected(lim.error());
    if (lim->lines.empty()) return fail("bad_reply", "irate lim answered nothing", link_.name());
    auto limits = harvard::parse_rate_limits(lim->lines.front());
    if (!limits) {
        auto e = limits.error();
        e.where = link_.name();
        return std::unexpected(std::move(e));
    }
    limits_ = *limits;
    return {};
}

Result<double> HarvardPump::select_rate_unit(double max_rate) {
    if (!std::isfinite(max_rate) || max_rate <= 0.0) {
        return fail("out_of_range", strf("planned maximum rate %g m3/s must be positive", max_rate),
                    link_.name());
    }
    if (limits_ && max_rate > limits_->max_m3_per_s) {
        return fail("out_of_range",
                    strf("planned maximum rate %g mL/min exceeds the syringe's limit %g mL/min",
                         units::m3_per_s_to_ml_per_min(max_rate),
                         units::m3_per_s_to_ml_per_min(limits_->max_m3_per_s)),
                    link_.name());
    }
    std::optional<harvard::RateUnit> best;
    double best_res = 0.0;
    for (const auto& u : harvard::rate_units()) {
        const auto s = harvard::format_number(max_rate / u.m3_per_s);
        if (!s) continue;
        const auto dot = s->find('.');
        const int decimals = dot == std::string::npos ? 0 : static_cast<int>(s->size() - dot - 1);
        const double res = std::pow(10.0, -decimals) * u.m3_per_s;
        if (!best || res < best_res * (1.0 - 1e-9)) {
            best = u;
            best_res = res;
        }
    }
    if (!best) return fail("out_of_range", "no rate unit can express the planned maximum rate", link_.name());
    unit_ = best;
    return best_res;
}

Result<double> HarvardPump::set_rate(double rate) {
    if (!unit_) return fail("not_configured", "set_rate before select_rate_unit", link_.name());
    if (limits_ && (rate < limits_->min_m3_per_s || rate > limits_->max_m3_per_s)) {
        return fail(
            "out_of_range",
            strf("rate %g mL/min outside the syringe's %g..%g mL/min", units::m3_per_s_to_ml_per_min(rate),
                 units::m3_per_s_to_ml_per_min(limits_->min_m3_per_s),
                 units::m3_per_s_to_ml_per_min(limits_->max_m3_per_s)),
            link_.name());
    }
    const auto text = harvard::format_number(rate / unit_->m3_per_s);
    if (!text) {
        return fail(
            "out_of_range",
            strf("rate %g mL/min cannot be sent in %s", units::m3_per_s_to_ml_per_min(rate), unit_->code),
            link_.name());
    }
    const std::string cmd = std::string(running_ ? "@" : "") + "irate " + *text + " " + unit_->code;
    if (auto r = command(cmd); !r) return std::unexpected(r.error());
    return decimal::parse(*text).value_or(0.0) * unit_->m3_per_s;
}

Result<void> HarvardPump::start() {
    auto r = command("irun");
    if (!r) return std::unexpected(r.error());
    if (r->prompt == harvard::Prompt::stalled)
        return fail("pump_alarm", "pump stalled at irun", link_.name());
    return {};
}

Result<void> HarvardPump::stop() {
    if (auto r = command("stop"); !r) return std::unexpected(r.error());
    running_ = false;
    return {};
}

Result<PumpStatus> HarvardPump::status() {
    auto r = command("status");
    if (!r) return std::unexpected(r.error());
    if (r->lines.empty()) return fail("bad_reply", "status answered no status line", link_.name());
    auto w = harvard::parse_status(r->lines.front());
    if (!w) {
        auto e = w.error();
        e.where = link_.name();
        return std::unexpected(std::move(e));
    }
    PumpStatus s;
    s.dispensed_m3 = w->volume_m3;
    if (w->stalled || r->prompt == harvard::Prompt::stalled) {
        s.state = PumpState::alarm;
        s.alarm = "stall";
    } else if (w->target_reached || r->prompt == harvard::Prompt::target_reached) {
        // Stopped by itself at the target volume (set_target_volume): say why, not just "stopped".
        s.state = PumpState::stopped;
        s.alarm = "target volume reached";
    } else if (w->moving) {
        s.state = w->direction == 'w' ? PumpState::withdrawing : PumpState::infusing;
    } else {
        s.state = PumpState::stopped;
    }
    return s;
}

Result<void> HarvardPump::clear_dispensed() {
    if (auto r = command("civolume"); !r) return std::unexpected(r.error());
    return {};
}

Result<bool> HarvardPump::set_target_volume(double volume_m3) {
    if (!std::isfinite(volume_m3) || volume_m3 <= 0.0) {
        return fail("out_of_range", strf("target volume %g mL must be positive", volume_m3 * 1e6),
                    link_.name());
    }
    // 4 significant digits rounded to nearest are off by at most half a unit in the 4th digit,
    // 5e-4 of the value: raised by that much first, the target is never below the volume asked.
    constexpr double round_up = 1.0 + 5e-4;
    const bool millilitres = volume_m3 >= units::m3_per_ml;
    const double unit_m3 = millilitres ? units::m3_per_ml : units::m3_per_ml * 1e-3;
    const auto text = harvard::format_number(volume_m3 * round_up / unit_m3);
    if (!text) {
        return fail("out_of_range", strf("target volume %g mL cannot be sent", volume_m3 * 1e6),
                    link_.name());
    }
    if (auto r = command("tvolume " + *text + (millilitres ? " ml" : " ul")); !r)
        return std::unexpected(r.error());
    return true;
}

Result<bool> HarvardPump::leave_safe_mode() {
    if (auto r = command("ctvolume"); !r) return std::unexpected(r.error());
    return true;
}

Result<void> HarvardPump::safe_stop() {
    link_.drain();
    return stop();
}

}  // namespace edc
