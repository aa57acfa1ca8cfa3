#include "app/gui/gui_format.hpp"

#include <cmath>

#include "control/model/units.hpp"

namespace edc::gui {

QString fixed(double value, int decimals) {
    return QString::number(value, 'f', decimals);
}

QString with_unit(double value, int decimals, const char* unit) {
    return fixed(value, decimals) + QChar(' ') + QString::fromUtf8(unit);
}

QString duration_text(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0.0) return QStringLiteral("–");
    if (seconds < 60.0) return with_unit(seconds, 1, "s");
    const auto total = static_cast<long long>(std::llround(seconds));
    const long long h = total / 3600;
    const long long m = (total % 3600) / 60;
    const long long s = total % 60;
    if (h == 0) return QStringLiteral("%1 min %2 s").arg(m).arg(s, 2, 10, QChar('0'));
    return QStringLiteral("%1 h %2 min %3 s").arg(h).arg(m, 2, 10, QChar('0')).arg(s, 2, 10, QChar('0'));
}

QString totals_text(const journal::RunTotals& t) {
    QString text =
        QStringLiteral("duration %1, charge %2, thickness %3, B fed %4, final volume %5")
            .arg(duration_text(t.duration_s), with_unit(t.charge_c, 4, "C"),
                 with_unit(to_nm(t.thickness_m), 1, "nm"), with_unit(to_ml(t.dispensed_m3), 2, "mL"),
                 with_unit(to_ml(t.final_volume_m3), 2, "mL"));
    if (t.mean_x_bi) text += QStringLiteral(", mean x_Bi %1 (predicted)").arg(fixed(*t.mean_x_bi, 4));
    return text;
}

double to_ml(double m3) {
    return units::m3_to_ml(m3);
}
double to_ml_per_min(double m3_per_s) {
    return units::m3_per_s_to_ml_per_min(m3_per_s);
}
double to_ma(double a) {
    return a * 1e3;
}
double to_nm(double m) {
    return units::m_to_nm(m);
}

QString state_text(run::RunState s) {
    switch (s) {
        case run::RunState::idle:
            return QStringLiteral("Idle");
        case run::RunState::checking:
            return QStringLiteral("Checking");
        case run::RunState::priming:
            return QStringLiteral("Priming");
        case run::RunState::depositing:
            return QStringLiteral("Depositing");
        case run::RunState::held:
            return QStringLiteral("Held");
        case run::RunState::stopping:
            return QStringLiteral("Stopping");
        case run::RunState::completed:
            return QStringLiteral("Completed");
        case run::RunState::aborted:
            return QStringLiteral("Aborted");
        case run::RunState::faulted:
            return QStringLiteral("Faulted");
    }
    return QStringLiteral("Unknown");
}

// Colour is never the only cue: the indicator always shows the state's name as well.
QColor state_colour(run::RunState s) {
    switch (s) {
        case run::RunState::idle:
            return QColor(0x9e, 0x9e, 0x9e);
        case run::RunState::checking:
        case run::RunState::priming:
            return QColor(0x1e, 0x88, 0xe5);
        case run::RunState::depositing:
            return QColor(0x2e, 0x7d, 0x32);
        case run::RunState::held:
            return QColor(0xf9, 0xa8, 0x25);
        case run::RunState::stopping:
            return QColor(0xef, 0x6c, 0x00);
        case run::RunState::completed:
            return QColor(0x1b, 0x5e, 0x20);
        case run::RunState::aborted:
            return QColor(0x6a, 0x1b, 0x9a);
        case run::RunState::faulted:
            return QColor(0xc6, 0x28, 0x28);
    }
    return QColor(Qt::gray);
}

QString status_text(journal::RunStatus s) {
    const auto text = journal::to_string(s);
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

QColor status_colour(journal::RunStatus s) {
    switch (s) {
        case journal::RunStatus::running:
            return QColor(0x1e, 0x88, 0xe5);
        case journal::RunStatus::completed:
            return QColor(0x2e, 0x7d, 0x32);
        case journal::RunStatus::aborted:
            return QColor(0x6a, 0x1b, 0x9a);
        case journal::RunStatus::faulted:
            return QColor(0xc6, 0x28, 0x28);
        case journal::RunStatus::interrupted:
            return QColor(0xef, 0x6c, 0x00);
    }
    return QColor(Qt::gray);
}

}  // namespace edc::gui
