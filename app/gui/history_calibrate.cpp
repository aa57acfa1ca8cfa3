// History: "Calibrate…" — the selected run re-simulated against its measured depth profile
// (app/calibration, as `edc calibrate --run ID --profile FILE -o CHEMISTRY`), the fit's report
// shown under the run's header, the chemistry file written for `--chemistry` or a recipe's
// `calibration` key.
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <fstream>
#include <sstream>

#include "app/calibration/calibration_report.hpp"
#include "app/calibration/profile_csv.hpp"
#include "app/calibration/recorded_run.hpp"
#include "app/gui/history_screen.hpp"
#include "app/journal/run_journal.hpp"

namespace edc::gui {

// On the GUI thread: one run's fit re-simulates it a few hundred times, well under a second.
Result<calibration::FitResult> HistoryScreen::calibrate_with_profile(const QString& profile_path,
                                                                     const QString& chemistry_path) {
    if (!detail_) return fail("no_run_selected", "select a run to calibrate");
    const std::int64_t id = detail_->record.id;
    auto shown = [this](const Error& e) {
        calibration_->setText(tr("✘ Calibration: %1%2")
                                  .arg(e.where.empty() ? QString() : QString::fromStdString(e.where) + ": ",
                                       QString::fromStdString(e.message))
                                  .toHtmlEscaped());
        calibration_->show();
        return std::unexpected(e);
    };
    // Opened here without marking runs interrupted: the History screen only reads.
    auto journal = journal::RunJournal::open(db_path_, journal::OpenOptions{false, 5000});
    if (!journal) return shown(journal.error());
    auto recorded = calibration::load_recorded_run(*journal, id);
    if (!recorded) return shown(recorded.error());
    auto profile = calibration::load_profile_csv(profile_path.toStdString());
    if (!profile) return shown(profile.error());

    calibration::FitInput input;
    input.start = recorded->run.cell.chemistry;
    input.runs.push_back({std::move(recorded->run), std::move(*profile), std::nullopt});
    auto fit = calibration::fit_chemistry(input);
    if (!fit) return shown(fit.error());

    const calibration::CalibrationSummary summary{
        {id}, {profile_path.toStdString()}, {recorded->chemistry_source}, input.resolution_m, std::nullopt};
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

QString HistoryScreen::calibration_text() const {
    return calibration_->text();
}

void HistoryScreen::calibrate_dialog() {
    if (!detail_) return;
    const std::int64_t id = detail_->record.id;
    const QString profile =
        QFileDialog::getOpenFileName(this, tr("Measured depth profile of run #%1").arg(id), QString(),
                                     tr("Depth profiles (*.csv *.txt);;All files (*)"));
    if (profile.isEmpty()) return;
    const QString chemistry = QFileDialog::getSaveFileName(
        this, tr("Save the calibrated chemistry of run #%1").arg(id),
        QFileInfo(profile).dir().filePath(QStringLiteral("run-%1-chemistry.toml").arg(id)),
        tr("Chemistry files (*.toml)"));
    if (chemistry.isEmpty()) return;
    if (calibrate_with_profile(profile, chemistry))
        status_->setText(tr("Calibrated: wrote %1").arg(chemistry));
}

}  // namespace edc::gui
