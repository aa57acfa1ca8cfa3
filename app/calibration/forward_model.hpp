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
    double current_a = 0.0;     // measured, cathodic positive
    double dispensed_m3 = 0.0;  // the pump's counter (bolus included)
};

struct RecordedRun {
    long long id = 0;                     // journal run id (0 when synthetic)
    model::CellParams cell;               // the recipe's cell and the run's effective chemistry
    double prebolus_m3 = 0.0;             // planned pre-bolus (the journal's "prebolus" event)
    std::vector<RecordedSample> samples;  // time increasing; feed = the counter's increase
};

struct Prediction {
    DepthProfile profile;  // x at the growing front, depth increasing from 0
    double thickness_m = 0.0;
    double charge_c = 0.0;
    double min_ratio = 0.0;  // the range of c_Bi/c_Sb the electrode saw while depositing
    double max_ratio = 0.0;
};

// Integrates the run with `chemistry` in steps of at most max_step_s. Feed between two samples
// is the counter's difference spread evenly, counted once current flows; the counter's value when
// current starts is the pre-bolus (the runtime clears it before the bolus; a bolus can overshoot
// its plan, and the counter's first reads can lag), mixed in at once. Current is interpolated
// linearly.
[[nodiscard]] Prediction predict(const RecordedRun& run, const model::Chemistry& chemistry,
                                 double max_step_s = 0.05);

// x at `depth_m` of the profile blurred by a Gaussian of standard deviation sigma_m (the
// measurement's depth resolution), over the film only (the kernel is renormalised at the
// substrate and the surface); sigma 0 interpolates linearly. Profile depths must increase.
[[nodiscard]] double blurred_x_at(const DepthProfile& profile, double depth_m, double sigma_m);

}  // namespace edc::calibration
