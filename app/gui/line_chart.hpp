#pragma once
// A Qt Charts view with value axes that carry units, and line series that stay bounded: past
// `max_points` a series keeps every second point, so a day-long run draws as fast as a short one.
#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QScatterSeries>
#include <QString>
#include <QValueAxis>
#include <vector>

namespace edc::gui {

class LineChart {
public:
    static constexpr qsizetype max_points = 4000;

    // Titles carry the unit: "time (s)", "current (mA)".
    LineChart(const QString& title, const QString& x_title, const QString& y_title, QWidget* parent);
    // The Qt objects belong to `parent`'s tree; a copy would be a second handle to the same chart.
    LineChart(const LineChart&) = delete;
    LineChart& operator=(const LineChart&) = delete;

    QChartView* view() const { return view_; }
    QChart* chart() const { return chart_; }
    QValueAxis* x_axis() const { return x_; }
    QValueAxis* y_axis() const { return y_; }

    QLineSeries* add_series(const QString& name, const QColor& colour, Qt::PenStyle style = Qt::SolidLine);
    // Markers without a line (measured points); rescaled and cleared with the lines.
    QScatterSeries* add_scatter(const QString& name, const QColor& colour);
    void append(QLineSeries* series, double x, double y);  // no redraw: call rescale()
    void clear();
    // Fits both axes to the data; x starts at 0 and spans at least `min_x_span`.
    void rescale(double min_x_span = 0.0);
    void set_y_range(double lo, double hi);  // fixed y range (rescale keeps it)

private:
    QChart* chart_;
    QChartView* view_ = nullptr;
    QValueAxis* x_;
    QValueAxis* y_;
    std::vector<QXYSeries*> series_;
    bool fixed_y_ = false;
};

}  // namespace edc::gui
