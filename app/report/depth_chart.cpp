#include "app/report/depth_chart.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <QColor>
#include <QFont>
#include <QFontMetrics>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QPen>
#include <QPointF>
#include <QPolygonF>
#include <QRectF>
#include <QString>
#include <algorithm>
#include <array>
#include <cmath>

namespace edc::report {
namespace {

// Qt's own notices (e.g. "XDG_RUNTIME_DIR not set" on a headless machine) are not the CLI's
// output: they go to the debug log.
void qt_message_to_log(QtMsgType type, const QMessageLogContext& /*context*/, const QString& message) {
    const std::string text = message.toStdString();
    if (type == QtCriticalMsg || type == QtFatalMsg) {
        spdlog::error("Qt: {}", text);
    } else {
        spdlog::debug("Qt: {}", text);
    }
}

// Text needs a QGuiApplication (fonts). The CLI has none: make one on the offscreen platform
// and keep it for the process (destroying it at exit races other statics' destructors).
void ensure_gui_application() {
    if (QCoreApplication::instance() != nullptr) return;
    qInstallMessageHandler(qt_message_to_log);
    static int argc = 3;
    static std::array<char, 4> name{"edc"};
    static std::array<char, 10> platform_flag{"-platform"};
    static std::array<char, 10> platform{"offscreen"};
    static std::array<char*, 4> argv{name.data(), platform_flag.data(), platform.data(), nullptr};
    static const auto* app = new QGuiApplication(argc, argv.data());
    (void)app;
}

// 1, 2, 2.5 or 5 times a power of ten: about `ticks` intervals over `span`.
double nice_step(double span, int ticks) {
    const double raw = span / ticks;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 2.5, 5.0}) {
        if (raw <= m * power) return m * power;
    }
    return 10.0 * power;
}

struct Axes {
    QRectF plot;
    double x0, x1, y0, y1;
    [[nodiscard]] QPointF map(double x, double y) const {
        return {plot.left() + (x - x0) / (x1 - x0) * plot.width(),
                plot.bottom() - (y - y0) / (y1 - y0) * plot.height()};
    }
};

Axes make_axes(const DepthChart& c, const QRectF& plot) {
    double depth_max = 0.0;
    double lo = 1.0;
    double hi = 0.0;
    for (const DepthCurve* curve : {&c.target, &c.predicted, &c.measured}) {
        for (const auto& [d, x] : curve->points) {
            depth_max = std::max(depth_max, d);
            lo = std::min(lo, x);
            hi = std::max(hi, x);
        }
    }
    if (depth_max <= 0.0) depth_max = 1.0;
    if (lo > hi) std::swap(lo, hi);
    const double y_step = nice_step(std::max(hi - lo, 0.05) + 0.04, 6);
    const double x_step = nice_step(depth_max, 7);
    return {plot, 0.0, std::ceil(depth_max / x_step - 1e-9) * x_step,
            std::max(0.0, std::floor((lo - 0.02) / y_step) * y_step),
            std::min(1.0, std::ceil((hi + 0.02) / y_step) * y_step)};
}

QString text(const std::string& s) {
    return QString::fromStdString(s);
}

void draw_grid(QPainter& p, const Axes& a, const QFont& small) {
    p.setFont(small);
    const QFontMetrics fm(small);
    const double x_step = nice_step(a.x1 - a.x0, 7);
    const double y_step = nice_step(a.y1 - a.y0, 6);
    const QPen grid(QColor(0xe0, 0xe0, 0xe0), 1.0);
    const QPen ink(QColor(0x30, 0x30, 0x30), 1.0);
    for (double x = a.x0; x <= a.x1 + 1e-9 * x_step; x += x_step) {
        const QPointF bottom = a.map(x, a.y0);
        p.setPen(grid);
        p.drawLine(bottom, a.map(x, a.y1));
        p.setPen(ink);
        const QString label = text(fmt::format("{:g}", x));
        p.drawText(QPointF(bottom.x() - fm.horizontalAdvance(label) / 2.0, bottom.y() + fm.height() + 2),
                   label);
    }
    for (double y = a.y0; y <= a.y1 + 1e-9 * y_step; y += y_step) {
        const QPointF left = a.map(a.x0, y);
        p.setPen(grid);
        p.drawLine(left, a.map(a.x1, y));
        p.setPen(ink);
        const QString label = text(fmt::format("{:.2f}", y));
        p.drawText(QPointF(left.x() - fm.horizontalAdvance(label) - 6, left.y() + fm.ascent() / 2.0 - 1),
                   label);
    }
    p.setPen(ink);
    p.setBrush(Qt::NoBrush);
    p.drawRect(a.plot);
    const QString x_title = QStringLiteral("depth above the substrate (nm)");
    p.drawText(QPointF(a.plot.center().x() - fm.horizontalAdvance(x_title) / 2.0,
                       a.plot.bottom() + 2.2 * fm.height() + 4),
               x_title);
    p.save();
    p.translate(a.plot.left() - 58, a.plot.center().y());
    p.rotate(-90);
    const QString y_title = QStringLiteral("x_Bi = Bi / (Bi + Sb)");
    p.drawText(QPointF(-fm.horizontalAdvance(y_title) / 2.0, 0), y_title);
    p.restore();
}

QPolygonF polyline(const Axes& a, const DepthCurve& c) {
    QPolygonF out;
    for (const auto& [d, x] : c.points) out << a.map(d, x);
    return out;
}

void draw_marker(QPainter& p, QPointF at) {
    p.drawEllipse(at, 3.2, 3.2);
}

}  // namespace

Result<void> write_depth_chart_png(const DepthChart& chart, const std::string& path) {
    ensure_gui_application();
    QImage image(chart.width_px, chart.height_px, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);

    QFont title_font;
    title_font.setPixelSize(18);
    title_font.setBold(true);
    QFont small;
    small.setPixelSize(13);
    p.setPen(QColor(0x20, 0x20, 0x20));
    p.setFont(title_font);
    p.drawText(QPointF(80, 28), text(chart.title));
    p.setFont(small);
    p.drawText(QPointF(80, 50), text(chart.subtitle));

    const QRectF plot(80, 66, chart.width_px - 80 - 24, chart.height_px - 66 - 62);
    const Axes axes = make_axes(chart, plot);
    draw_grid(p, axes, small);

    p.setClipRect(plot.adjusted(-4, -4, 4, 4));
    const QColor target_colour(0x75, 0x75, 0x75);
    const QColor predicted_colour(0x1f, 0x63, 0xb5);
    const QColor measured_colour(0xd9, 0x5f, 0x02);
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(target_colour, 2.0, Qt::DashLine));
    p.drawPolyline(polyline(axes, chart.target));
    p.setPen(QPen(predicted_colour, 2.0));
    p.drawPolyline(polyline(axes, chart.predicted));
    p.setPen(QPen(measured_colour, 1.2));
    p.setBrush(QColor(0xd9, 0x5f, 0x02, 0x90));
    for (const auto& [d, x] : chart.measured.points) draw_marker(p, axes.map(d, x));
    p.setClipping(false);

    // Legend, top right inside the plot: graded films fall from left to right, so it is free.
    const QFontMetrics fm(small);
    const std::array<const DepthCurve*, 3> curves{&chart.target, &chart.predicted, &chart.measured};
    int label_width = 0;
    for (const auto* c : curves) label_width = std::max(label_width, fm.horizontalAdvance(text(c->label)));
    const double row = fm.height() + 6;
    const QRectF box(plot.right() - label_width - 58, plot.top() + 10, label_width + 48, 3 * row + 8);
    p.setPen(QColor(0xc0, 0xc0, 0xc0));
    p.setBrush(QColor(0xff, 0xff, 0xff, 0xe6));
    p.drawRect(box);
    for (std::size_t i = 0; i < curves.size(); ++i) {
        const double y = box.top() + 4 + row * (static_cast<double>(i) + 0.5);
        const QPointF a(box.left() + 8, y);
        const QPointF b(box.left() + 34, y);
        if (i == 0) p.setPen(QPen(target_colour, 2.0, Qt::DashLine));
        if (i == 1) p.setPen(QPen(predicted_colour, 2.0));
        if (i < 2) {
            p.drawLine(a, b);
        } else {
            p.setPen(QPen(measured_colour, 1.2));
            p.setBrush(QColor(0xd9, 0x5f, 0x02, 0x90));
            draw_marker(p, (a + b) / 2.0);
        }
        p.setPen(QColor(0x20, 0x20, 0x20));
        p.drawText(QPointF(b.x() + 6, y + fm.ascent() / 2.0 - 1), text(curves[i]->label));
    }
    p.end();
    if (!image.save(QString::fromStdString(path), "PNG")) {
        return fail("png_write_failed", "cannot write the PNG chart", path);
    }
    return {};
}

}  // namespace edc::report
