#pragma once
// Re-simulating a journaled run for `edc calibrate`: what the film would have been, had the bath
// held this chemistry, given what the run recorded (the measured current and the pump's
// dispensed counter over time), not what the plan asked. Controller-side: it uses the
// controller's model (control/model), integrated in small steps with the electrode's mixing lag.
#include <vector>

#include "app/calibration/depth_profile.hpp"
#include "control/model/cell_model.hpp"

namespace edc::calibration {

// What a run recorded, per journal sample.
struct RecordedSample {
    double t_s = 0.0;
    double current_a = 0.0;       // measured, cathodic positive
    double dispensed_m3 = 0.0;    // the pump's counter (bolus included)
    double feed_rate_m3_s = 0.0;  // commanded from this sample on
};

struct RecordedRun {
    long long id = 0;                     // journal run id (0 when synthetic)
    model::CellParams cell;               // the recipe's cell and the run's effective chemistry
    double prebolus_m3 = 0.0;             // planned pre-bolus (the journal's "prebolus" event)
    double flow_lag_s = 1.0;              // the recipe's pump flow lag (delivered behind commanded)
    std::vector<RecordedSample> samples;  // time increasing; feed = the counter's increase
};

struct Prediction {
    DepthProfile profile;  // x at the growing front, depth increasing from 0
    double thickness_m = 0.0;
    double charge_c = 0.0;
    double min_ratio = 0.0;  // the range of c_Bi/c_Sb the electrode saw while depositing
    double max_ratio = 0.0;
};

// Integrates the run with `chemistry` in steps of at most max_step_s; current is interpolated
// linearly. The counter's value when current starts is the pre-bolus (the runtime clears it
// before the bolus, which can overshoot its plan), mixed in at once. The feed after that has the
// counter's total volume but the timing of the commanded rate through the pump's flow lag: the
// counter is read every few tenths of a second and coarsely, and a stale counter would shift the
// dilution later along the film (biasing k low). Without recorded rates, the counter's steps.
[[nodiscard]] Prediction predict(const RecordedRun& run, const model::Chemistry& chemistry,
                                 double max_step_s = 0.05);

// x at `depth_m` of the profile blurred by a Gaussian of standard deviation sigma_m (the
// measurement's depth resolution), over the film only (the kernel is renormalised at the
// substrate and the surface); sigma 0 interpolates linearly. Profile depths must increase.
[[nodiscard]] double blurred_x_at(const DepthProfile& profile, double depth_m, double sigma_m);

}  // namespace edc::calibration
