#include "app/gui/history_screen.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <set>

#include "app/calibration/profile_csv.hpp"
#include "app/gui/background.hpp"
#include "app/gui/csv_export.hpp"
#include "app/gui/gui_format.hpp"
#include "recipes/format/recipe.hpp"

namespace edc::gui {

HistoryScreen::HistoryScreen(QWidget* parent)
    : QWidget(parent),
      recipe_filter_(new QComboBox(this)),
      status_filter_(new QComboBox(this)),
      since_enabled_(new QCheckBox(tr("Started &since:"), this)),
      since_(new QDateEdit(QDate::currentDate().addDays(-30), this)),
      status_(new QLabel(this)),
      resume_(new QPushButton(tr("&Resume…"), this)),
      table_(new QTableWidget(0, 8, this)),
      report_(new QWidget(this)),
      header_(new QLabel(report_)),
      comparison_(new QLabel(report_)),
      calibration_(new QLabel(report_)),
      charts_(new RunCharts(report_)),
      events_(new QPlainTextEdit(this)) {
    recipe_filter_->setObjectName(QStringLiteral("history_recipe"));
    recipe_filter_->setEditable(true);
    recipe_filter_->setMinimumWidth(180);
    recipe_filter_->addItem(QString());
    status_filter_->setObjectName(QStringLiteral("history_status"));
    status_filter_->addItem(tr("any"), QString());
    for (auto s : {journal::RunStatus::running, journal::RunStatus::completed, journal::RunStatus::aborted,
                   journal::RunStatus::faulted, journal::RunStatus::interrupted})
        status_filter_->addItem(status_text(s), status_text(s));
    since_->setCalendarPopup(true);
    since_->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    since_->setEnabled(false);
    connect(since_enabled_, &QCheckBox::toggled, since_, &QWidget::setEnabled);
    auto* apply = new QPushButton(tr("&Filter / refresh"), this);
    apply->setShortcut(QKeySequence::Refresh);
    connect(apply, &QPushButton::clicked, this, &HistoryScreen::reload);
    connect(recipe_filter_->lineEdit(), &QLineEdit::returnPressed, this, &HistoryScreen::reload);
    connect(status_filter_, &QComboBox::currentIndexChanged, this, &HistoryScreen::reload);
    connect(since_enabled_, &QCheckBox::toggled, this, &HistoryScreen::reload);
    connect(since_, &QDateEdit::dateChanged, this, &HistoryScreen::reload);

    auto* filters = new QHBoxLayout();
    auto* recipe_label = new QLabel(tr("&Recipe:"), this);
    recipe_label->setBuddy(recipe_filter_);
    auto* status_label = new QLabel(tr("S&tatus:"), this);
    status_label->setBuddy(status_filter_);
    filters->addWidget(recipe_label);
    filters->addWidget(recipe_filter_);
    filters->addWidget(status_label);
    filters->addWidget(status_filter_);
    filters->addWidget(since_enabled_);
    filters->addWidget(since_);
    filters->addWidget(apply);
    filters->addStretch(1);
    auto* csv = new QPushButton(tr("Export &CSV…"), this);
    auto* png = new QPushButton(tr("Export &PNG report…"), this);
    connect(csv, &QPushButton::clicked, this, &HistoryScreen::export_csv_dialog);
    connect(png, &QPushButton::clicked, this, &HistoryScreen::export_png_dialog);
    auto* compare = new QPushButton(tr("Compare with &measured profile…"), this);
    compare->setToolTip(
        tr("A composition depth profile of this run's film (EDS, XPS/AES, GD-OES) as CSV: "
           "depth_nm, depth_um or depth_from_surface_nm; x_bi, bi_at_pct, or Bi and Sb at.%"));
    connect(compare, &QPushButton::clicked, this, &HistoryScreen::compare_dialog);
    filters->addWidget(compare);
    auto* calibrate = new QPushButton(tr("Ca&librate…"), this);
    calibrate->setToolTip(
        tr("Fit the chemistry (selectivity k, current efficiency) to the selected runs' measured "
           "depth profiles (Ctrl-click to select several) and save it as a chemistry file for the "
           "next plan"));
    connect(calibrate, &QPushButton::clicked, this, &HistoryScreen::calibrate_dialog);
    filters->addWidget(calibrate);
    resume_->setObjectName(QStringLiteral("history_resume"));
    resume_->setToolTip(tr("Continue the selected interrupted run (its controller died) as a new run "
                           "linked to it, as `edc resume` does"));
    resume_->setEnabled(false);
    connect(resume_, &QPushButton::clicked, this, &HistoryScreen::resume_dialog);
    filters->addWidget(resume_);
    filters->addWidget(csv);
    filters->addWidget(png);

    table_->setObjectName(QStringLiteral("history_table"));
    table_->setHorizontalHeaderLabels({tr("Run"), tr("Recipe"), tr("Status"), tr("Started (UTC)"),
                                       tr("Ended (UTC)"), tr("Operator"), tr("Samples"),
                                       tr("Recipe sha256")});
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->verticalHeader()->setVisible(false);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);  // several runs for Calibrate…
    connect(table_, &QTableWidget::currentCellChanged, this, [this](int row, int, int, int) {
        if (auto id = run_at(row); id && (!detail_ || detail_->record.id != *id)) select_run(*id);
    });

    header_->setObjectName(QStringLiteral("history_header"));
    header_->setWordWrap(true);
    header_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* report_layout = new QVBoxLayout(report_);
    report_layout->setContentsMargins(0, 0, 0, 0);
    report_layout->addWidget(header_);
    comparison_->setObjectName(QStringLiteral("history_comparison"));
    comparison_->setWordWrap(true);
    comparison_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    comparison_->hide();
    report_layout->addWidget(comparison_);
    calibration_->setObjectName(QStringLiteral("history_calibration"));
    calibration_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    calibration_->hide();
    report_layout->addWidget(calibration_);
    report_layout->addWidget(charts_, 1);
    report_->setAutoFillBackground(true);
    events_->setReadOnly(true);
    events_->setPlaceholderText(tr("Events of the selected run."));

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(table_);
    split->addWidget(report_);
    split->addWidget(events_);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 8);
    split->setStretchFactor(2, 1);
    split->setSizes({110, 470, 60});  // at 1366x768 the charts get the room

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(status_);
    layout->addWidget(split, 1);
}

void HistoryScreen::set_db_path(const QString& db_path) {
    db_path_ = db_path.toStdString();
    reload();
}

void HistoryScreen::set_status_filter(const QString& status) {
    const int i = status_filter_->findData(status);
    status_filter_->setCurrentIndex(i < 0 ? 0 : i);
}

void HistoryScreen::set_recipe_filter(const QString& recipe) {
    recipe_filter_->setCurrentText(recipe);
    reload();
}

void HistoryScreen::reload() {
    if (db_path_.empty()) return;
    journal::RunFilter filter;
    if (const QString r = recipe_filter_->currentText().trimmed(); !r.isEmpty())
        filter.recipe_name = r.toStdString();
    if (const QString s = status_filter_->currentData().toString(); !s.isEmpty())
        filter.status = journal::parse_run_status(s.toStdString());
    if (since_enabled_->isChecked())
        filter.started_since = since_->date().toString(Qt::ISODate).toStdString() + "T00:00:00Z";
    status_->setText(tr("Loading runs from %1…").arg(QString::fromStdString(db_path_)));
    const std::uint64_t generation = ++reload_generation_;
    run_in_background(
        this, [db = db_path_, filter] { return load_runs(db, filter); },
        [this, generation](Result<std::vector<journal::RunRecord>> runs) {
            if (generation != reload_generation_) return;
            if (!runs) {
                status_->setText(
                    tr("✘ Journal %1: %2")
                        .arg(QString::fromStdString(db_path_), QString::fromStdString(runs.error().message)));
                show_runs({});
            } else {
                status_->setText(
                    tr("%1 run(s) in %2").arg(runs->size()).arg(QString::fromStdString(db_path_)));
                show_runs(*runs);
            }
            check_resume();  // a continuation may have appeared since
            emit runs_loaded();
        });
}

void HistoryScreen::show_runs(const std::vector<journal::RunRecord>& runs) {
    runs_ = runs;
    const QSignalBlocker block(table_);
    table_->setRowCount(static_cast<int>(runs.size()));
    std::set<QString> names;
    for (int row = 0; row < static_cast<int>(runs.size()); ++row) {
        const auto& r = runs[static_cast<std::size_t>(row)];
        auto* status = new QTableWidgetItem(status_text(r.status));
        status->setForeground(status_colour(r.status));
        QFont bold = status->font();
        bold.setBold(true);
        status->setFont(bold);
        table_->setItem(row, 0, new QTableWidgetItem(QStringLiteral("#%1").arg(r.id)));
        table_->setItem(row, 1, new QTableWidgetItem(QString::fromStdString(r.recipe_name)));
        table_->setItem(row, 2, status);
        table_->setItem(row, 3, new QTableWidgetItem(QString::fromStdString(r.started_at)));
        table_->setItem(row, 4, new QTableWidgetItem(QString::fromStdString(r.ended_at.value_or("–"))));
        table_->setItem(row, 5, new QTableWidgetItem(QString::fromStdString(r.operator_name)));
        table_->setItem(row, 6, new QTableWidgetItem(QString::number(r.sample_count)));
        table_->setItem(row, 7, new QTableWidgetItem(QString::fromStdString(r.recipe_sha256.substr(0, 16))));
        names.insert(QString::fromStdString(r.recipe_name));
        if (detail_ && detail_->record.id == r.id) table_->selectRow(row);
    }
    table_->resizeColumnsToContents();
    table_->horizontalHeader()->setStretchLastSection(true);
    const QString current = recipe_filter_->currentText();
    const QSignalBlocker block_filter(recipe_filter_);
    for (const QString& n : names)
        if (recipe_filter_->findText(n) < 0) recipe_filter_->addItem(n);
    recipe_filter_->setCurrentText(current);
}

int HistoryScreen::run_count() const {
    return static_cast<int>(runs_.size());
}

std::optional<std::int64_t> HistoryScreen::run_at(int row) const {
    if (row < 0 || row >= static_cast<int>(runs_.size())) return std::nullopt;
    return runs_[static_cast<std::size_t>(row)].id;
}

void HistoryScreen::select_run(std::int64_t run_id) {
    wanted_ = run_id;
    for (int row = 0; row < static_cast<int>(runs_.size()); ++row)
        if (runs_[static_cast<std::size_t>(row)].id == run_id) {
            const QSignalBlocker block(table_);
            table_->selectRow(row);
        }
    header_->setText(tr("Loading run #%1…").arg(run_id));
    run_in_background(
        this, [db = db_path_, run_id] { return load_run_detail(db, run_id); },
        [this, run_id](Result<RunDetail> detail) {
            if (wanted_ != run_id) return;
            if (!detail) {
                header_->setText(
                    tr("✘ Run #%1: %2").arg(run_id).arg(QString::fromStdString(detail.error().message)));
                return;
            }
            show_detail(std::move(*detail));
            emit detail_loaded(run_id);
        });
}

void HistoryScreen::show_detail(RunDetail detail) {
    const auto& r = detail.record;
    // The run's totals record; a run journaled before there was one shows its last sample.
    QString totals;
    if (const auto t = journal::find_totals(detail.events)) {
        totals = totals_text(*t);
    } else if (!detail.samples.empty()) {
        const auto& last = detail.samples.back();
        totals =
            tr("no totals record; last sample: t %1, charge %2, thickness %3, B dispensed %4")
                .arg(duration_text(last.t_s), with_unit(last.charge_c, 4, "C"),
                     with_unit(to_nm(last.depth_m), 1, "nm"), with_unit(to_ml(last.dispensed_m3), 2, "mL"));
    } else {
        totals = tr("nothing deposited");
    }
    header_->setText(
        tr("<b>Run #%1 — %2 — <span style='color:%3'>%4</span></b><br>"
           "started %5, ended %6, operator %7, software %8 (%9)<br>"
           "%10; %11 samples, %12 events")
            .arg(r.id)
            .arg(QString::fromStdString(r.recipe_name).toHtmlEscaped(), status_colour(r.status).name(),
                 status_text(r.status), QString::fromStdString(r.started_at),
                 QString::fromStdString(r.ended_at.value_or("–")),
                 QString::fromStdString(r.operator_name).toHtmlEscaped(),
                 QString::fromStdString(r.software_version), QString::fromStdString(r.git_revision))
            .arg(totals)
            .arg(detail.samples.size())
            .arg(detail.events.size()));
    charts_->clear();
    comparison_->clear();
    comparison_->hide();
    calibration_->clear();
    calibration_->hide();
    for (const auto& s : detail.samples)
        charts_->append({s.t_s, s.current_a, s.potential_v, s.charge_c, s.feed_rate_m3_s, s.depth_m,
                         s.x_bi_predicted, s.x_bi_target});
    charts_->refresh();
    events_->clear();
    for (const auto& e : detail.events)
        events_->appendPlainText(QStringLiteral("[%1] %2 %3: %4")
                                     .arg(with_unit(e.t_s, 1, "s"), QString::fromStdString(e.level),
                                          QString::fromStdString(e.code), QString::fromStdString(e.message)));
    detail_ = std::move(detail);
    check_resume();
}

Result<void> HistoryScreen::export_csv(const QString& path) const {
    if (!detail_) return fail("no_run_selected", "select a run to export");
    return write_samples_csv(path.toStdString(), detail_->samples);
}

Result<void> HistoryScreen::export_png(const QString& path) {
    if (!detail_) return fail("no_run_selected", "select a run to export");
    const QPixmap image = report_->grab();
    if (!image.save(path, "PNG"))
        return fail("export_failed", QStringLiteral("cannot write %1").arg(path).toStdString(),
                    path.toStdString());
    return {};
}

// On the GUI thread: a depth profile is a few kilobytes (the importer refuses over 16 MiB).
Result<calibration::ProfileComparison> HistoryScreen::compare_with_profile(const QString& path) {
    if (!detail_) return fail("no_run_selected", "select a run to compare");
    auto shown = [this](const Error& e) {
        comparison_->setText(tr("✘ Measured profile: %1: %2")
                                 .arg(QString::fromStdString(e.where), QString::fromStdString(e.message))
                                 .toHtmlEscaped());
        comparison_->show();
        return std::unexpected(e);
    };
    auto measured = calibration::load_profile_csv(path.toStdString());
    if (!measured) return shown(measured.error());
    const auto& record = detail_->record;
    auto recipe = recipes::parse_recipe(record.recipe_text, "run " + std::to_string(record.id) + " recipe");
    if (!recipe) return shown(recipe.error());
    auto c = calibration::compare_profiles(*measured, recipe->plan.deposit.profile,
                                           calibration::predicted_profile(detail_->samples));
    if (!c) return shown(c.error());
    QList<QPointF> points;
    points.reserve(static_cast<qsizetype>(measured->points.size()));
    for (const auto& p : measured->points) points.append(QPointF(to_nm(p.depth_m), p.x_bi));
    charts_->set_measured(points);
    charts_->refresh();
    comparison_->setText(
        tr("<b>Measured</b> %1: %2 points; against the target %3 at.% Bi RMS, %4 at.% worst (at %5 nm); "
           "against the prediction %6 at.% RMS; thickness %7 measured, %8 predicted; mean x_Bi %9 measured, "
           "%10 predicted (target read over the measured thickness)")
            .arg(QFileInfo(path).fileName().toHtmlEscaped())
            .arg(c->points.size())
            .arg(QString::number(c->rms_error_at_pct, 'f', 2), QString::number(c->max_error_at_pct, 'f', 2),
                 QString::number(to_nm(c->max_error_depth_m), 'f', 0),
                 QString::number(c->rms_vs_predicted_at_pct, 'f', 2),
                 with_unit(to_nm(c->thickness_m_measured), 1, "nm"),
                 with_unit(to_nm(c->thickness_m_predicted), 1, "nm"),
                 QString::number(c->mean_x_bi_measured, 'f', 4),
                 QString::number(c->mean_x_bi_predicted, 'f', 4)));
    comparison_->show();
    return c;
}

QString HistoryScreen::comparison_text() const {
    return comparison_->text();
}

void HistoryScreen::compare_dialog() {
    if (!detail_) return;
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Measured depth profile of run #%1").arg(detail_->record.id),
                                     QString(), tr("Depth profiles (*.csv *.txt);;All files (*)"));
    if (path.isEmpty()) return;
    (void)compare_with_profile(path);
}

void HistoryScreen::export_csv_dialog() {
    if (!detail_) return;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export run as CSV"), QStringLiteral("edc-run-%1.csv").arg(detail_->record.id),
        tr("CSV (*.csv)"));
    if (path.isEmpty()) return;
    const auto done = export_csv(path);
    status_->setText(done ? tr("Exported %1").arg(path)
                          : tr("✘ %1").arg(QString::fromStdString(done.error().message)));
}

void HistoryScreen::export_png_dialog() {
    if (!detail_) return;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export PNG report"), QStringLiteral("edc-run-%1.png").arg(detail_->record.id),
        tr("PNG (*.png)"));
    if (path.isEmpty()) return;
    const auto done = export_png(path);
    status_->setText(done ? tr("Exported %1").arg(path)
                          : tr("✘ %1").arg(QString::fromStdString(done.error().message)));
}

}  // namespace edc::gui
