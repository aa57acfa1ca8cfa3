// History: "Calibrate…" fits the selected run to its measured depth profile, shows the report and
// writes the chemistry file; an unfinished run is refused with the reason. The dialogs are
// bypassed: the test hands both paths to calibrate_with_profile.
#include <QFile>
#include <QLabel>
#include <QTableWidget>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <vector>

#include "app/journal/run_journal.hpp"
#include "gui_test_support.hpp"

using namespace edc;
using namespace edc::gui;

namespace {

// The truth of the film below, computed here: no feed, so the bath stays bath A (50 mM Bi and Sb;
// 1.14 C takes 0.1 % of its metal) and x = k/(1 + k) throughout; 200 s at 5.7 mA, efficiency
// 0.65, three electrons, Vegard molar volume, packing 0.868, 1 cm2.
constexpr double true_k = 1.25;
constexpr double true_efficiency = 0.65;
constexpr double film_x = true_k / (1.0 + true_k);

double film_thickness_m() {
    const double metal_mol = true_efficiency * 5.7e-3 * 200.0 / (3.0 * 96485.332);
    const double molar_volume = film_x * 21.3e-6 + (1.0 - film_x) * 18.2e-6;
    return metal_mol * molar_volume / (1e-4 * 0.868);
}

// A run of the paper's recipe (its chemistry says k 1, efficiency 0.725) that recorded 200 s of
// 5.7 mA and no feed, ended with `status`.
std::int64_t journal_run(const QString& db_path, journal::RunStatus status) {
    std::vector<journal::JournalSample> samples(401);
    for (std::size_t i = 0; i < samples.size(); ++i) {
        samples[i].t_s = 0.5 * static_cast<double>(i);
        samples[i].current_a = 5.7e-3;
        samples[i].charge_c = 5.7e-3 * samples[i].t_s;
    }
    return test::journal_paper_run(db_path, samples, {}, status);
}

// The film as measured exactly: a point every 10 nm from the substrate and one at the top.
QString write_profile(const QTemporaryDir& dir) {
    const double top_nm = film_thickness_m() * 1e9;
    QString text = QStringLiteral("depth_nm,x_bi\n");
    for (double d = 0.0; d < top_nm; d += 10.0)
        text += QStringLiteral("%1,%2\n").arg(d).arg(film_x, 0, 'f', 6);
    text += QStringLiteral("%1,%2\n").arg(top_nm, 0, 'f', 3).arg(film_x, 0, 'f', 6);
    QString path = dir.filePath(QStringLiteral("film.csv"));
    QFile f(path);
    if (f.open(QIODevice::WriteOnly)) f.write(text.toUtf8());
    return path;
}

}  // namespace

class HistoryCalibrateTest : public QObject {
    Q_OBJECT
private slots:
    void CalibrationShowsTheFitAndWritesTheChemistryFile() {
        test::GuiFixture f;
        const std::int64_t id =
            journal_run(f.dir.filePath(QStringLiteral("journal.sqlite")), journal::RunStatus::completed);
        QVERIFY(id > 0);
        HistoryScreen* history = f.window->history();
        history->reload();
        QTRY_VERIFY_WITH_TIMEOUT(history->run_count() == 1, 10000);
        history->select_run(id);
        QTRY_VERIFY_WITH_TIMEOUT(history->detail() && history->detail()->record.id == id, 10000);

        const QString chemistry = f.dir.filePath(QStringLiteral("bath.toml"));
        const auto fit = history->calibrate_with_profile(write_profile(f.dir), chemistry);
        QVERIFY2(fit.has_value(), fit ? "" : fit.error().message.c_str());
        QVERIFY2(std::abs(fit->k / true_k - 1.0) < 0.005, qPrintable(QString::number(fit->k)));
        QVERIFY(fit->efficiency.has_value());
        QVERIFY2(std::abs(*fit->efficiency / true_efficiency - 1.0) < 0.01,
                 qPrintable(QString::number(*fit->efficiency)));

        const QString file = test::read_text(chemistry);
        QVERIFY2(file.contains(QStringLiteral("[chemistry]")), qPrintable(file));
        QVERIFY2(file.contains(QStringLiteral("selectivity_k = 1.2")), qPrintable(file));
        auto* label = history->findChild<QLabel*>(QStringLiteral("history_calibration"));
        QVERIFY(label != nullptr);
        QVERIFY(!label->isHidden());
        QVERIFY2(history->calibration_text().contains(QStringLiteral("current efficiency")),
                 qPrintable(history->calibration_text()));
        QVERIFY2(history->calibration_text().contains(QStringLiteral("bath.toml")),
                 qPrintable(history->calibration_text()));

        // Selecting the run again clears the report.
        history->select_run(id);
        QTRY_VERIFY_WITH_TIMEOUT(label->isHidden(), 10000);
    }

    void SeveralSelectedRunsAreFittedTogether() {
        test::GuiFixture f;
        const QString db = f.dir.filePath(QStringLiteral("journal.sqlite"));
        const std::int64_t first = journal_run(db, journal::RunStatus::completed);
        const std::int64_t second = journal_run(db, journal::RunStatus::completed);
        QVERIFY(first > 0 && second > first);
        HistoryScreen* history = f.window->history();
        history->reload();
        QTRY_VERIFY_WITH_TIMEOUT(history->run_count() == 2, 10000);

        // Both rows selected in the table, as Ctrl-click does.
        auto* table = history->findChild<QTableWidget*>(QStringLiteral("history_table"));
        QVERIFY(table != nullptr);
        table->selectAll();
        auto selected = history->selected_runs();
        std::sort(selected.begin(), selected.end());
        QCOMPARE(selected, (std::vector<std::int64_t>{first, second}));

        const QString profile = write_profile(f.dir);
        const QString chemistry = f.dir.filePath(QStringLiteral("bath.toml"));
        const auto fit = history->calibrate_with_profiles({{first, profile}, {second, profile}}, chemistry);
        QVERIFY2(fit.has_value(), fit ? "" : fit.error().message.c_str());
        QVERIFY2(std::abs(fit->k / true_k - 1.0) < 0.005, qPrintable(QString::number(fit->k)));
        QVERIFY(fit->efficiency.has_value());
        QVERIFY2(std::abs(*fit->efficiency / true_efficiency - 1.0) < 0.01,
                 qPrintable(QString::number(*fit->efficiency)));
        const QString report = history->calibration_text();
        QVERIFY2(report.contains(QStringLiteral("run %1 planned").arg(first)) &&
                     report.contains(QStringLiteral("run %1 planned").arg(second)),
                 qPrintable(report));
        QVERIFY(QFile::exists(chemistry));
    }

    void UnfinishedRunIsRefusedWithTheReasonAndNoFile() {
        test::GuiFixture f;
        const std::int64_t id =
            journal_run(f.dir.filePath(QStringLiteral("journal.sqlite")), journal::RunStatus::aborted);
        QVERIFY(id > 0);
        HistoryScreen* history = f.window->history();
        history->reload();
        QTRY_VERIFY_WITH_TIMEOUT(history->run_count() == 1, 10000);
        history->select_run(id);
        QTRY_VERIFY_WITH_TIMEOUT(history->detail().has_value(), 10000);

        const QString chemistry = f.dir.filePath(QStringLiteral("bath.toml"));
        const auto fit = history->calibrate_with_profile(write_profile(f.dir), chemistry);
        QVERIFY(!fit.has_value());
        QCOMPARE(QString::fromStdString(fit.error().code), QStringLiteral("run_not_completed"));
        QVERIFY(!QFile::exists(chemistry));
        QVERIFY2(history->calibration_text().contains(QStringLiteral("is aborted, not completed")),
                 qPrintable(history->calibration_text()));
    }
};

QTEST_MAIN(HistoryCalibrateTest)
#include "test_history_calibrate.moc"
