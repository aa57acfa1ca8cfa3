#include "app/gui/line_chart.hpp"

#include <QPen>
#include <algorithm>
#include <cmath>
#include <limits>

namespace edc::gui {

LineChart::LineChart(const QString& title, const QString& x_title, const QString& y_title, QWidget* parent)
    // The view takes the chart at construction: QChartView(parent) would make a default chart
    // that setChart() then releases without deleting.
    : chart_(new QChart()), x_(new QValueAxis()), y_(new QValueAxis()) {
    view_ = new QChartView(chart_, parent);
    chart_->setTitle(title);
    chart_->setMargins(QMargins(4, 4, 4, 4));
    chart_->legend()->setAlignment(Qt::AlignTop);
    chart_->setAnimationOptions(QChart::NoAnimation);
    x_->setTitleText(x_title);
    y_->setTitleText(y_title);
    x_->setLabelFormat(QStringLiteral("%.4g"));
    y_->setLabelFormat(QStringLiteral("%.4g"));
    x_->setRange(0.0, 1.0);
    y_->setRange(0.0, 1.0);
    QFont axis_font = x_->titleFont();
    axis_font.setPointSizeF(std::max(7.0, axis_font.pointSizeF() - 1.0));
    x_->setTitleFont(axis_font);
    y_->setTitleFont(axis_font);
    chart_->addAxis(x_, Qt::AlignBottom);
    chart_->addAxis(y_, Qt::AlignLeft);
    view_->setRenderHint(QPainter::Antialiasing);
    view_->setMinimumSize(220, 160);
    view_->setFocusPolicy(Qt::NoFocus);
}

QLineSeries* LineChart::add_series(const QString& name, const QColor& colour, Qt::PenStyle style) {
    auto* s = new QLineSeries();
    s->setName(name);
    QPen pen(colour);
    pen.setWidthF(2.0);
    pen.setStyle(style);
    s->setPen(pen);
    chart_->addSeries(s);
    s->attachAxis(x_);
    s->attachAxis(y_);
    series_.push_back(s);
    chart_->legend()->setVisible(series_.size() > 1);
    return s;
}

QScatterSeries* LineChart::add_scatter(const QString& name, const QColor& colour) {
    auto* s = new QScatterSeries();
    s->setName(name);
    s->setMarkerShape(QScatterSeries::MarkerShapeCircle);
    s->setMarkerSize(7.0);
    s->setColor(colour);
    s->setBorderColor(colour.darker(130));
    chart_->addSeries(s);
    s->attachAxis(x_);
    s->attachAxis(y_);
    series_.push_back(s);
    chart_->legend()->setVisible(series_.size() > 1);
    return s;
}

void LineChart::append(QLineSeries* series, double x, double y) {
    if (!std::isfinite(x) || !std::isfinite(y)) return;
    if (series->count() >= max_points) {
        const QList<QPointF> old = series->points();
        QList<QPointF> kept;
        kept.reserve(old.size() / 2 + 1);
        for (qsizetype i = 0; i < old.size(); i += 2) kept.append(old[i]);
        series->replace(kept);
    }
    series->append(x, y);
}

void LineChart::clear() {
    for (auto* s : series_) s->clear();
    x_->setRange(0.0, 1.0);
    if (!fixed_y_) y_->setRange(0.0, 1.0);
}

void LineChart::set_y_range(double lo, double hi) {
    fixed_y_ = true;
    y_->setRange(lo, hi);
}

void LineChart::rescale(double min_x_span) {
    double x_hi = min_x_span;
    double y_lo = std::numeric_limits<double>::infinity();
    double y_hi = -std::numeric_limits<double>::infinity();
    for (auto* s : series_) {
        for (const QPointF& p : s->points()) {
            x_hi = std::max(x_hi, p.x());
            y_lo = std::min(y_lo, p.y());
            y_hi = std::max(y_hi, p.y());
        }
    }
    x_->setRange(0.0, x_hi > 0.0 ? x_hi : 1.0);
    x_->applyNiceNumbers();
    if (fixed_y_ || !std::isfinite(y_lo)) return;
    double pad = 0.05 * (y_hi - y_lo);
    if (pad <= 0.0) pad = std::max(std::abs(y_hi) * 0.05, 1e-6);
    const double lo = (y_lo >= 0.0 && y_lo - pad < 0.0) ? 0.0 : y_lo - pad;
    y_->setRange(lo, y_hi + pad);
    y_->applyNiceNumbers();
}

}  // namespace edc::gui
