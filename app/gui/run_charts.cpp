#include "app/gui/run_charts.hpp"

#include <QGridLayout>
#include <QLegendMarker>

#include "app/gui/gui_format.hpp"

namespace edc::gui {
namespace {

// The measured series is named in the legend only when it holds a profile.
void show_measured_in_legend(QChart* chart, QScatterSeries* series, bool visible) {
    for (QLegendMarker* m : chart->legend()->markers(series)) m->setVisible(visible);
}

}  // namespace

RunCharts::RunCharts(QWidget* parent) : QWidget(parent) {
    const QString time_axis = QStringLiteral("time (s)");
    current_chart_ = std::make_unique<LineChart>(QStringLiteral("Current"), time_axis,
                                                 QStringLiteral("current (mA)"), this);
    potential_chart_ = std::make_unique<LineChart>(QStringLiteral("Potential"), time_axis,
                                                   QStringLiteral("potential (V)"), this);
    charge_chart_ =
        std::make_unique<LineChart>(QStringLiteral("Charge"), time_axis, QStringLiteral("charge (C)"), this);
    feed_chart_ = std::make_unique<LineChart>(QStringLiteral("Feed rate of B (commanded)"), time_axis,
                                              QStringLiteral("feed (mL/min)"), this);
    x_chart_ = std::make_unique<LineChart>(QStringLiteral("Composition over depth"),
                                           QStringLiteral("depth from substrate (nm)"),
                                           QStringLiteral("x_Bi (mol/mol)"), this);
    current_ = current_chart_->add_series(QStringLiteral("current"), QColor(0x1e, 0x88, 0xe5));
    potential_ = potential_chart_->add_series(QStringLiteral("potential"), QColor(0x6a, 0x1b, 0x9a));
    charge_ = charge_chart_->add_series(QStringLiteral("charge"), QColor(0x2e, 0x7d, 0x32));
    feed_ = feed_chart_->add_series(QStringLiteral("feed rate"), QColor(0xef, 0x6c, 0x00));
    x_target_ = x_chart_->add_series(QStringLiteral("target"), QColor(0x75, 0x75, 0x75), Qt::DashLine);
    x_predicted_ = x_chart_->add_series(QStringLiteral("predicted (deposited)"), QColor(0xc6, 0x28, 0x28));
    x_measured_ = x_chart_->add_scatter(QStringLiteral("measured"), QColor(0xef, 0x8a, 0x17));
    show_measured_in_legend(x_chart_->chart(), x_measured_, false);
    x_chart_->set_y_range(0.0, 1.0);
    x_chart_->chart()->legend()->setAlignment(Qt::AlignRight);  // the wide chart has room beside, not above

    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(2);
    grid->addWidget(current_chart_->view(), 0, 0);
    grid->addWidget(potential_chart_->view(), 0, 1);
    grid->addWidget(charge_chart_->view(), 0, 2);
    grid->addWidget(feed_chart_->view(), 1, 0);
    grid->addWidget(x_chart_->view(), 1, 1, 1, 2);
}

void RunCharts::clear() {
    for (auto* c : {current_chart_.get(), potential_chart_.get(), charge_chart_.get(), feed_chart_.get(),
                    x_chart_.get()})
        c->clear();
    show_measured_in_legend(x_chart_->chart(), x_measured_, false);
    target_from_plan_ = false;
    planned_duration_s_ = 0.0;
    planned_depth_nm_ = 0.0;
}

void RunCharts::set_plan(const plan::FeedPlan& plan) {
    x_target_->clear();
    QList<QPointF> target;
    target.reserve(static_cast<qsizetype>(plan.points.size()));
    for (const auto& p : plan.points) target.append(QPointF(to_nm(p.depth_m), p.x_target));
    x_target_->replace(target);
    target_from_plan_ = !target.isEmpty();
    planned_duration_s_ = plan.totals.duration_s;
    planned_depth_nm_ = to_nm(plan.totals.thickness_m);
}

void RunCharts::set_measured(const QList<QPointF>& depth_nm_x) {
    x_measured_->replace(depth_nm_x);
    show_measured_in_legend(x_chart_->chart(), x_measured_, !depth_nm_x.isEmpty());
}

void RunCharts::append(const ChartSample& s) {
    current_chart_->append(current_, s.t_s, to_ma(s.current_a));
    potential_chart_->append(potential_, s.t_s, s.potential_v);
    charge_chart_->append(charge_, s.t_s, s.charge_c);
    feed_chart_->append(feed_, s.t_s, to_ml_per_min(s.feed_rate_m3_per_s));
    if (s.depth_m > 0.0) {
        x_chart_->append(x_predicted_, to_nm(s.depth_m), s.x_bi_predicted);
        if (!target_from_plan_) x_chart_->append(x_target_, to_nm(s.depth_m), s.x_bi_target);
    }
}

void RunCharts::refresh() {
    current_chart_->rescale(planned_duration_s_);
    potential_chart_->rescale(planned_duration_s_);
    charge_chart_->rescale(planned_duration_s_);
    feed_chart_->rescale(planned_duration_s_);
    x_chart_->rescale(planned_depth_nm_);
}

}  // namespace edc::gui
