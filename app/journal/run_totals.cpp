#include "app/journal/run_totals.hpp"

#include <array>
#include <ranges>
#include <utility>

#include "control/decimal.hpp"

namespace edc::journal {

namespace {

// The fields in message order; mean_x_bi is handled apart (it may be absent).
constexpr std::array<std::pair<std::string_view, double RunTotals::*>, 5> fields{{
    {"duration_s", &RunTotals::duration_s},
    {"charge_c", &RunTotals::charge_c},
    {"thickness_m", &RunTotals::thickness_m},
    {"dispensed_m3", &RunTotals::dispensed_m3},
    {"final_volume_m3", &RunTotals::final_volume_m3},
}};

}  // namespace

std::string totals_message(const RunTotals& t) {
    std::string out;
    for (const auto& [key, member] : fields) {
        if (!out.empty()) out += ' ';
        out += key;
        out += '=';
        out += decimal::shortest(t.*member);
    }
    if (t.mean_x_bi) out += " mean_x_bi=" + decimal::shortest(*t.mean_x_bi);
    return out;
}

std::optional<RunTotals> parse_totals_message(std::string_view message) {
    RunTotals t;
    std::size_t seen = 0;
    while (!message.empty()) {
        const auto space = message.find(' ');
        const auto item = message.substr(0, space);
        message = space == std::string_view::npos ? std::string_view{} : message.substr(space + 1);
        const auto eq = item.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
        const auto key = item.substr(0, eq);
        const auto value = decimal::parse(item.substr(eq + 1));
        if (!value) return std::nullopt;
        if (key == "mean_x_bi") {
            t.mean_x_bi = *value;
            continue;
        }
        bool known = false;
        for (const auto& [name, member] : fields) {
            if (name != key) continue;
            t.*member = *value;
            known = true;
            ++seen;
        }
        if (!known) return std::nullopt;
    }
    if (seen != fields.size()) return std::nullopt;
    return t;
}

JournalEvent totals_event(double t_s, const RunTotals& t) {
    return JournalEvent{t_s, "info", std::string(run_totals_code), totals_message(t)};
}

std::optional<RunTotals> find_totals(std::span<const JournalEvent> events) {
    for (const auto& e : std::ranges::reverse_view(events)) {
        if (e.code == run_totals_code) return parse_totals_message(e.message);
    }
    return std::nullopt;
}

}  // namespace edc::journal
