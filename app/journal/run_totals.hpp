#pragma once
// A run's totals: each quantity computed once, when the run ends, and journaled as one event
// (code "run_totals") among the run's sealed rows. The run's summary, `edc show`, `edc export`
// and the GUI's history all read these figures, so one run has one thickness, one volume
// (issue 11, defect 1). SI units; the message is "key=value" pairs in the C locale, each value
// the shortest text that reads back to the same double.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "app/journal/journal_records.hpp"

namespace edc::journal {

inline constexpr std::string_view run_totals_code = "run_totals";

struct RunTotals {
    double duration_s = 0.0;          // run time from energising the cell to the run's end
    double charge_c = 0.0;            // the measured current integrated by the control loop
    double thickness_m = 0.0;         // the plan's depth at that charge
    double dispensed_m3 = 0.0;        // B dispensed: the pump's counter (pre-bolus included)
    double final_volume_m3 = 0.0;     // the bath at the end, from the start bath and the counter
    std::optional<double> mean_x_bi;  // the loop's predicted film, mole-weighted; none if nothing deposited

    friend bool operator==(const RunTotals&, const RunTotals&) = default;
};

// "duration_s=204.18 charge_c=1.1406 thickness_m=6.3e-07 dispensed_m3=8.6e-05 final_volume_m3=1.06e-04
//  mean_x_bi=0.3285" (mean_x_bi left out when there is none).
[[nodiscard]] std::string totals_message(const RunTotals& t);
[[nodiscard]] std::optional<RunTotals> parse_totals_message(std::string_view message);
[[nodiscard]] JournalEvent totals_event(double t_s, const RunTotals& t);
// The run's totals record among its events; nullopt for runs journaled before edc kept one
// (or whose record does not parse).
[[nodiscard]] std::optional<RunTotals> find_totals(std::span<const JournalEvent> events);

}  // namespace edc::journal
