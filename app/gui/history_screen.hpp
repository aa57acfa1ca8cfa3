#pragma once
// History: runs from the SQLite journal, filtered by recipe, status and date; a detail view
// replaying the run's charts from its samples; a measured depth profile compared with the run
// (app/calibration: points over the composition chart, RMS and worst error against the
// target); "Calibrate…": the run and its profile fitted, the report shown, the chemistry file
// written (history_calibrate.cpp); "Resume…" for an interrupted run (history_resume.cpp);
// export as CSV and as a PNG report. Journal reads run on worker threads.
#include <QWidget>
#include <cstdint>
#include <optional>
#include <vector>

#include "app/calibration/chemistry_fit.hpp"
#include "app/calibration/profile_compare.hpp"
#include "app/gui/journal_queries.hpp"
#include "app/gui/run_charts.hpp"

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace edc::gui {

class HistoryScreen : public QWidget {
    Q_OBJECT
public:
    explicit HistoryScreen(QWidget* parent = nullptr);

    void set_db_path(const QString& db_path);
    [[nodiscard]] QString db_path() const { return QString::fromStdString(db_path_); }
    [[nodiscard]] int run_count() const;
    [[nodiscard]] std::optional<std::int64_t> run_at(int row) const;
    // Loads the run's detail; detail_loaded() follows.
    void select_run(std::int64_t run_id);
    [[nodiscard]] const std::optional<RunDetail>& detail() const { return detail_; }
    [[nodiscard]] RunCharts* charts() const { return charts_; }
    void set_status_filter(const QString& status);  // "" = any
    void set_recipe_filter(const QString& recipe);  // "" = any

    Result<void> export_csv(const QString& path) const;
    Result<void> export_png(const QString& path);
    // Imports a measured profile (app/calibration/profile_csv.hpp), overlays it on the selected
    // run's composition chart and shows the figures (or the file's error, with its line).
    Result<calibration::ProfileComparison> compare_with_profile(const QString& path);
    [[nodiscard]] QString comparison_text() const;
    // `edc calibrate --run ID --profile PROFILE -o CHEMISTRY` for the selected run (30 nm depth
    // resolution, thickness from the profile's extent): shows the fit's report, or the error
    // (unfinished run, bad profile with its line), and writes the chemistry file.
    Result<calibration::FitResult> calibrate_with_profile(const QString& profile_path,
                                                          const QString& chemistry_path);
    // Several runs fitted together (`edc calibrate --run A --profile PA --run B --profile PB`):
    // each run with its own measured profile, one chemistry for all of them.
    struct RunProfile {
        std::int64_t run_id = 0;
        QString profile_path;
    };
    Result<calibration::FitResult> calibrate_with_profiles(const std::vector<RunProfile>& runs,
                                                           const QString& chemistry_path);
    // The runs selected in the table (Ctrl/Shift-click selects several), in table order.
    [[nodiscard]] std::vector<std::int64_t> selected_runs() const;
    [[nodiscard]] QString calibration_text() const;
    // "Resume…": enabled for a selected run that was interrupted and that no continuation
    // resumes yet (checked against the whole journal: resume_checked() follows each check).
    [[nodiscard]] QPushButton* resume_button() const { return resume_; }
    // The confirmation's text: what resuming the selected run will do.
    [[nodiscard]] QString resume_text() const;
    // The simulated instruments' state file offered for a simulated run (`--sim-state FILE`).
    void set_sim_state_file(const QString& path) { sim_state_file_ = path; }

signals:
    void runs_loaded();
    void detail_loaded(qint64 run_id);
    void resume_checked(qint64 run_id, bool resumable);
    // The operator confirmed resuming `run_id` (with the simulators' state file when simulated).
    void resume_confirmed(qint64 run_id, const QString& sim_state_file);

public slots:
    void reload();
    void export_csv_dialog();
    void export_png_dialog();
    void compare_dialog();
    void calibrate_dialog();
    void resume_dialog();

private:
    void show_runs(const std::vector<journal::RunRecord>& runs);
    void show_detail(RunDetail detail);
    void check_resume();
    [[nodiscard]] bool selected_run_simulated() const;

    std::string db_path_;
    std::vector<journal::RunRecord> runs_;
    std::optional<RunDetail> detail_;
    std::optional<std::int64_t> wanted_;
    std::uint64_t reload_generation_ = 0;  // only the newest query's answer is shown
    std::int64_t resumable_ = 0;           // the selected run, when Resume… may continue it
    QString sim_state_file_;
    QComboBox* recipe_filter_;
    QComboBox* status_filter_;
    QCheckBox* since_enabled_;
    QDateEdit* since_;
    QLabel* status_;
    QPushButton* resume_;
    QTableWidget* table_;
    QWidget* report_;  // what the PNG report shows: header + charts
    QLabel* header_;
    QLabel* comparison_;   // the measured profile's figures; hidden until one is compared
    QLabel* calibration_;  // the fit's report; hidden until the run is calibrated
    RunCharts* charts_;
    QPlainTextEdit* events_;
};

}  // namespace edc::gui
