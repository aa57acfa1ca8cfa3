#pragma once
// Plan preview: what the recipe will do before it does it. Charts of target vs predicted x_Bi
// over depth, feed rate and volumes over time; the totals a technician prepares for; an
// infeasible plan shows the planner's messages and where they fail, and Start stays disabled.
#include <QWidget>
#include <cstdint>
#include <memory>
#include <optional>

#include "app/gui/line_chart.hpp"
#include "control/plan/feed_plan.hpp"
#include "recipes/format/recipe.hpp"

class QLabel;
class QPushButton;

namespace edc::gui {

class PlanScreen : public QWidget {
    Q_OBJECT
public:
    explicit PlanScreen(QWidget* parent = nullptr);

    // Plans on a worker thread; plan_ready() follows.
    void set_recipe(const recipes::Recipe& recipe);
    void clear_recipe(const QString& reason);
    // Start is enabled only when the plan is feasible AND the caller allows it (checklist, no run).
    void set_start_allowed(bool allowed, const QString& why_not);

    [[nodiscard]] bool planning() const { return planning_; }
    [[nodiscard]] const plan::FeedPlan* plan() const { return plan_ ? &*plan_ : nullptr; }
    [[nodiscard]] const std::optional<plan::PlanFailure>& failure() const { return failure_; }
    [[nodiscard]] QPushButton* start_button() const { return start_; }
    [[nodiscard]] QLineSeries* target_series() const { return x_target_; }
    [[nodiscard]] QLineSeries* predicted_series() const { return x_predicted_; }
    [[nodiscard]] QLineSeries* feed_rate_series() const { return feed_rate_; }
    [[nodiscard]] QLineSeries* volume_series() const { return volume_; }
    [[nodiscard]] QLineSeries* fed_series() const { return fed_; }

signals:
    void plan_ready();  // feasible or not: read plan() / failure()
    void start_requested();

private:
    void show_plan(const recipes::Recipe& recipe, const plan::FeedPlan& plan);
    void show_failure(const plan::PlanFailure& failure);
    void clear_charts();
    void update_start();
    QLabel* total_label(const char* object_name);

    std::optional<plan::FeedPlan> plan_;
    std::optional<plan::PlanFailure> failure_;
    std::uint64_t generation_ = 0;
    bool planning_ = false;
    bool start_allowed_ = false;
    QString why_not_;

    std::unique_ptr<LineChart> x_chart_, feed_chart_, volume_chart_;
    QLineSeries* x_target_ = nullptr;
    QLineSeries* x_predicted_ = nullptr;
    QLineSeries* feed_rate_ = nullptr;
    QLineSeries* volume_ = nullptr;
    QLineSeries* fed_ = nullptr;
    QLabel* title_;
    QLabel* issues_;
    QLabel* warnings_;
    QLabel* start_reason_;
    QPushButton* start_;
    QLabel *feed_volume_, *syringe_load_, *syringe_, *prebolus_, *final_volume_, *duration_, *mass_,
        *thickness_, *current_, *charge_, *max_rate_, *mean_x_, *roundtrip_;
};

}  // namespace edc::gui
