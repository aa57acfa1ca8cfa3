#pragma once
// Display conversions for the screens: SI values in, text with units out. The only place the
// GUI chooses lab units (mL, mA, nm, mL/min), so every field and axis agrees.
#include <QColor>
#include <QString>

#include "app/journal/journal_records.hpp"
#include "app/journal/run_totals.hpp"
#include "control/run/run_state.hpp"

namespace edc::gui {

[[nodiscard]] QString fixed(double value, int decimals);
[[nodiscard]] QString with_unit(double value, int decimals, const char* unit);
// "3 min 20 s", "1 h 02 min 03 s", "12.5 s"
[[nodiscard]] QString duration_text(double seconds);

// A run's totals record (app/journal/run_totals.hpp), as the Run screen's end-of-run line and the
// History screen's header both show it, with the CLI's decimals: "duration 3 min 24 s, charge
// 1.1406 C, thickness 632.3 nm, B fed 86.62 mL, final volume 106.62 mL, mean x_Bi 0.3285".
[[nodiscard]] QString totals_text(const journal::RunTotals& t);

[[nodiscard]] double to_ml(double m3);
[[nodiscard]] double to_ml_per_min(double m3_per_s);
[[nodiscard]] double to_ma(double a);
[[nodiscard]] double to_nm(double m);

[[nodiscard]] QString state_text(run::RunState s);        // "Depositing"
[[nodiscard]] QColor state_colour(run::RunState s);       // background of the state indicator
[[nodiscard]] QString status_text(journal::RunStatus s);  // "completed"
[[nodiscard]] QColor status_colour(journal::RunStatus s);

}  // namespace edc::gui
