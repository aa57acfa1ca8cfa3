#include "drivers/sim/sim_fault.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "control/decimal.hpp"
#include "control/text.hpp"

namespace edc::sim {
namespace {

struct Name {
    FaultKind kind;
    const char* text;
};
constexpr std::array<Name, 12> names{{
    {FaultKind::galvanostat_timeout, "galvanostat-timeout"},
    {FaultKind::galvanostat_disconnect, "galvanostat-disconnect"},
    {FaultKind::galvanostat_garbage, "galvanostat-garbage"},
    {FaultKind::galvanostat_scpi_error, "galvanostat-scpi-error"},
    {FaultKind::compliance_trip, "compliance-trip"},
    {FaultKind::pump_timeout, "pump-timeout"},
    {FaultKind::pump_disconnect, "pump-disconnect"},
    {FaultKind::pump_stall, "pump-stall"},
    {FaultKind::pump_alarm, "pump-alarm"},
    {FaultKind::syringe_empty, "syringe-empty"},
    {FaultKind::galvanostat_reenumerate, "galvanostat-reenumerate"},
    {FaultKind::pump_reenumerate, "pump-reenumerate"},
}};

}  // namespace

const char* to_string(FaultKind k) noexcept {
    for (const auto& n : names) {
        if (n.kind == k) return n.text;
    }
    return "unknown";
}

std::optional<FaultKind> fault_kind_from_string(std::string_view name) noexcept {
    for (const auto& n : names) {
        if (name == n.text) return n.kind;
    }
    return std::nullopt;
}

bool is_reenumerate(FaultKind k) noexcept {
    return k == FaultKind::galvanostat_reenumerate || k == FaultKind::pump_reenumerate;
}

std::string fault_kinds_list() {
    std::string out;
    for (const auto& n : names) {
        if (!out.empty()) out += ", ";
        out += n.text;
    }
    return out;
}

Result<FaultSpec> parse_fault(std::string_view text) {
    const std::string where = "--fault " + std::string(text);
    const auto at = text.find('@');
    if (at == std::string_view::npos) {
        return fail("fault_syntax",
                    "expected KIND@SECONDS or KIND@safe-state (e.g. pump-stall@30), got no '@'", where);
    }
    const auto kind = fault_kind_from_string(text.substr(0, at));
    if (!kind) {
        return fail("fault_kind",
                    strf("unknown fault kind '%.*s'; known kinds: %s", static_cast<int>(at), text.data(),
                         fault_kinds_list().c_str()),
                    where);
    }
    std::string seconds(text.substr(at + 1));
    double away_s = FaultSpec::default_away_s;
    if (const auto plus = seconds.find('+'); plus != std::string::npos) {
        const std::string away(seconds.substr(plus + 1));
        const auto parsed_away = decimal::parse(away);
        if (!is_reenumerate(*kind)) {
            return fail("fault_syntax", "only the re-enumerate kinds take '+SECONDS away'", where);
        }
        if (!parsed_away || *parsed_away <= 0.0) {
            return fail("fault_time", "the time after '+' must be a positive number of seconds away, got '" + away + "'",
                        where);
        }
        away_s = *parsed_away;
        seconds.resize(plus);
    }
    if (seconds == "safe-state") return FaultSpec{*kind, 0.0, FaultTrigger::at_safe_state, away_s};
    const auto parsed = decimal::parse(seconds);
    if (!parsed) {
        return fail("fault_time",
                    "the time after '@' must be a number of simulated seconds or 'safe-state', got '" +
                        seconds + "'",
                    where);
    }
    const double s = *parsed;
    if (s < 0.0) return fail("fault_time", "the fault time must not be negative, got " + seconds, where);
    return FaultSpec{*kind, s, FaultTrigger::at_time, away_s};
}

FaultSchedule::FaultSchedule(std::vector<FaultSpec> faults) : faults_(std::move(faults)) {
    std::erase_if(faults_, [](const FaultSpec& f) { return f.trigger != FaultTrigger::at_time; });
    std::stable_sort(faults_.begin(), faults_.end(),
                     [](const FaultSpec& a, const FaultSpec& b) { return a.at_sim_s < b.at_sim_s; });
}

std::vector<FaultSpec> FaultSchedule::due(double sim_s) {
    std::vector<FaultSpec> out;
    while (next_ < faults_.size() && faults_[next_].at_sim_s <= sim_s) out.push_back(faults_[next_++]);
    return out;
}

}  // namespace edc::sim
