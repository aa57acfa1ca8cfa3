#pragma once
// The run's charts, shared by the Run screen (live, from snapshots) and History (replayed from
// journal samples): current, potential, charge and feed rate over time, and the predicted
// x_Bi over depth against the target.
#include <QWidget>
#include <memory>

#include "app/gui/line_chart.hpp"
#include "control/plan/feed_plan.hpp"

namespace edc::gui {

// One point of a run, SI units.
struct ChartSample {
    double t_s = 0.0;
    double current_a = 0.0;
    double potential_v = 0.0;
    double charge_c = 0.0;
    double feed_rate_m3_per_s = 0.0;
    double depth_m = 0.0;
    double x_bi_predicted = 0.0;
    double x_bi_target = 0.0;
};

class RunCharts : public QWidget {
public:
    explicit RunCharts(QWidget* parent = nullptr);

    void clear();
    // The target profile over depth and the planned duration, drawn before the run fills them.
    void set_plan(const plan::FeedPlan& plan);
    // Adds the sample; the target is taken from the samples when no plan was set.
    void append(const ChartSample& sample);
    void refresh();  // rescale the axes (redraw): called at most at the GUI's refresh rate

    QLineSeries* current_series() const { return current_; }
    QLineSeries* potential_series() const { return potential_; }
    QLineSeries* charge_series() const { return charge_; }
    QLineSeries* feed_series() const { return feed_; }
    QLineSeries* x_predicted_series() const { return x_predicted_; }
    QLineSeries* x_target_series() const { return x_target_; }
    // A measured depth profile over the composition chart (History's compare): (depth nm, x_Bi).
    void set_measured(const QList<QPointF>& depth_nm_x);
    QScatterSeries* x_measured_series() const { return x_measured_; }

private:
    std::unique_ptr<LineChart> current_chart_, potential_chart_, charge_chart_, feed_chart_, x_chart_;
    QLineSeries* current_ = nullptr;
    QLineSeries* potential_ = nullptr;
    QLineSeries* charge_ = nullptr;
    QLineSeries* feed_ = nullptr;
    QLineSeries* x_predicted_ = nullptr;
    QLineSeries* x_target_ = nullptr;
    QScatterSeries* x_measured_ = nullptr;
    bool target_from_plan_ = false;
    double planned_duration_s_ = 0.0;
    double planned_depth_nm_ = 0.0;
};

}  // namespace edc::gui
