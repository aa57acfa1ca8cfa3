// History: "Calibrate…" — the selected runs re-simulated against their measured depth profiles
// (app/calibration, as `edc calibrate --run ID --profile FILE [--run ID --profile FILE ...] -o
// CHEMISTRY`), one chemistry fitted to all of them, the fit's report
// shown under the run's header, the chemistry file written for `--chemistry` or a recipe's
// `calibration` key.
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QLabel>
#include <QTableWidget>
#include <algorithm>
#include <fstream>
#include <sstream>

#include "app/calibration/calibration_report.hpp"
#include "app/calibration/profile_csv.hpp"
#include "app/calibration/recorded_run.hpp"
#include "app/gui/history_screen.hpp"
#include "app/journal/run_journal.hpp"

namespace edc::gui {

Result<calibration::FitResult> HistoryScreen::calibrate_with_profile(const QString& profile_path,
                                                                     const QString& chemistry_path) {
    if (!detail_) return fail("no_run_selected", "select a run to calibrate");
    return calibrate_with_profiles({{detail_->record.id, profile_path}}, chemistry_path);
}

// On the GUI thread: a run's fit re-simulates it a few hundred times, well under a second each.
Result<calibration::FitResult> HistoryScreen::calibrate_with_profiles(const std::vector<RunProfile>& runs,
                                                                      const QString& chemistry_path) {
    auto shown = [this](const Error& e) {
        calibration_->setText(tr("✘ Calibration: %1%2")
                                  .arg(e.where.empty() ? QString() : QString::fromStdString(e.where) + ": ",
                                       QString::fromStdString(e.message))
                                  .toHtmlEscaped());
        calibration_->show();
        return std::unexpected(e);
    };
    if (runs.empty()) return shown(Error{"no_run_selected", "select a run to calibrate", {}});
    // Opened here without marking runs interrupted: the History screen only reads.
    journal::OpenOptions read_only;
    read_only.mark_interrupted = false;
    auto journal = journal::RunJournal::open(db_path_, read_only);
    if (!journal) return shown(journal.error());

    calibration::FitInput input;
    calibration::CalibrationSummary summary;
    for (const auto& [id, profile_path] : runs) {
        auto recorded = calibration::load_recorded_run(*journal, id);
        if (!recorded) return shown(recorded.error());
        auto profile = calibration::load_profile_csv(profile_path.toStdString());
        if (!profile) return shown(profile.error());
        if (input.runs.empty()) input.start = recorded->run.cell.chemistry;
        input.runs.push_back({std::move(recorded->run), std::move(*profile), std::nullopt});
        summary.runs.push_back(id);
        summary.profiles.push_back(profile_path.toStdString());
        summary.chemistry_sources.push_back(recorded->chemistry_source);
    }
    auto fit = calibration::fit_chemistry(input);
    if (!fit) return shown(fit.error());
    summary.resolution_m = input.resolution_m;

    {
        std::ofstream out(chemistry_path.toStdString(), std::ios::binary | std::ios::trunc);
        out << calibration::calibration_file_text(*fit, summary);
        if (!out.flush()) {
            return shown(
                Error{"write_failed", "cannot write the chemistry file", chemistry_path.toStdString()});
        }
    }
    std::ostringstream report;
    calibration::print_calibration(report, *fit, summary, chemistry_path.toStdString());
    calibration_->setText(
        QStringLiteral("<pre>%1</pre>").arg(QString::fromStdString(report.str()).toHtmlEscaped()));
    calibration_->show();
    return fit;
}

std::vector<std::int64_t> HistoryScreen::selected_runs() const {
    std::vector<int> rows;
    for (const QModelIndex& index : table_->selectionModel()->selectedRows()) rows.push_back(index.row());
    std::sort(rows.begin(), rows.end());
    std::vector<std::int64_t> ids;
    for (const int row : rows)
        if (const auto id = run_at(row)) ids.push_back(*id);
    if (ids.empty() && detail_) ids.push_back(detail_->record.id);
    return ids;
}

QString HistoryScreen::calibration_text() const {
    return calibration_->text();
}

void HistoryScreen::calibrate_dialog() {
    const auto ids = selected_runs();
    if (ids.empty()) return;
    std::vector<RunProfile> runs;
    QString last_profile;
    for (const std::int64_t id : ids) {
        const QString profile = QFileDialog::getOpenFileName(
            this, tr("Measured depth profile of run #%1").arg(id),
            last_profile.isEmpty() ? QString() : QFileInfo(last_profile).dir().path(),
            tr("Depth profiles (*.csv *.txt);;All files (*)"));
        if (profile.isEmpty()) return;
        runs.push_back({id, profile});
        last_profile = profile;
    }
    const QString name = ids.size() == 1
                             ? QStringLiteral("run-%1-chemistry.toml").arg(ids.front())
                             : QStringLiteral("runs-%1-%2-chemistry.toml").arg(ids.front()).arg(ids.back());
    const QString chemistry = QFileDialog::getSaveFileName(this, tr("Save the calibrated chemistry"),
                                                           QFileInfo(last_profile).dir().filePath(name),
                                                           tr("Chemistry files (*.toml)"));
    if (chemistry.isEmpty()) return;
    if (calibrate_with_profiles(runs, chemistry)) status_->setText(tr("Calibrated: wrote %1").arg(chemistry));
}

}  // namespace edc::gui
