// History: "Compare with measured profile…" overlays the measured points on the run's
// composition chart and shows the error against the target; a bad file shows its line. The
// dialog is bypassed: the test hands the path to compare_with_profile.
#include <QFile>
#include <QLabel>
#include <QtTest>

#include "app/journal/run_journal.hpp"
#include "gui_test_support.hpp"

using namespace edc;
using namespace edc::gui;

namespace {

// A completed run of the paper's graded recipe whose controller predicted the target over
// 600 nm: x = 0.50 - 0.34 d / 600 nm, a sample every 10 nm.
std::int64_t journal_one_run(const QString& db_path) {
    std::vector<journal::JournalSample> samples(61);
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const double f = static_cast<double>(i) / 60.0;
        samples[i].t_s = static_cast<double>(i);
        samples[i].depth_m = 600e-9 * f;
        samples[i].x_bi_predicted = 0.50 - 0.34 * f;
        samples[i].x_bi_target = 0.50 - 0.34 * f;
    }
    return test::journal_paper_run(db_path, samples);
}

QString write(const QTemporaryDir& dir, const char* name, const char* text) {
    QString path = dir.filePath(QString::fromLatin1(name));
    QFile f(path);
    if (f.open(QIODevice::WriteOnly)) f.write(text);
    return path;
}

}  // namespace

class HistoryCompareTest : public QObject {
    Q_OBJECT
private slots:
    void MeasuredProfileIsOverlaidWithItsErrorAgainstTheTarget() {
        test::GuiFixture f;
        const std::int64_t id = journal_one_run(f.dir.filePath(QStringLiteral("journal.sqlite")));
        QVERIFY(id > 0);
        HistoryScreen* history = f.window->history();
        history->reload();
        QTRY_VERIFY_WITH_TIMEOUT(history->run_count() == 1, 10000);
        history->select_run(id);
        QTRY_VERIFY_WITH_TIMEOUT(history->detail() && history->detail()->record.id == id, 10000);

        // 2 at.% below the target at all three depths: RMS 2, worst 2.
        const QString csv = write(f.dir, "film.csv", "depth_nm;x_bi\n0;0,48\n300;0,31\n600;0,14\n");
        const auto c = history->compare_with_profile(csv);
        QVERIFY2(c.has_value(), c ? "" : c.error().message.c_str());
        QCOMPARE(c->points.size(), std::size_t{3});
        QVERIFY(std::abs(c->rms_error_at_pct - 2.0) < 1e-9);
        QVERIFY(std::abs(c->max_error_at_pct - 2.0) < 1e-9);

        QScatterSeries* measured = history->charts()->x_measured_series();
        QCOMPARE(measured->count(), 3);
        QCOMPARE(measured->at(1), QPointF(300.0, 0.31));
        auto* label = history->findChild<QLabel*>(QStringLiteral("history_comparison"));
        QVERIFY(label != nullptr);
        QVERIFY(!label->isHidden());
        QVERIFY2(label->text().contains(QStringLiteral("2.00 at.% Bi RMS, 2.00 at.% worst")),
                 qPrintable(label->text()));
        QVERIFY2(label->text().contains(QStringLiteral("600.0 nm measured")), qPrintable(label->text()));

        // Selecting the run again clears the overlay.
        history->select_run(id);
        QTRY_VERIFY_WITH_TIMEOUT(measured->count() == 0, 10000);
        QVERIFY(label->isHidden());
    }

    void BadProfileShowsItsLineAndDrawsNothing() {
        test::GuiFixture f;
        const std::int64_t id = journal_one_run(f.dir.filePath(QStringLiteral("journal.sqlite")));
        QVERIFY(id > 0);
        HistoryScreen* history = f.window->history();
        history->reload();
        QTRY_VERIFY_WITH_TIMEOUT(history->run_count() == 1, 10000);
        history->select_run(id);
        QTRY_VERIFY_WITH_TIMEOUT(history->detail().has_value(), 10000);

        const QString csv = write(f.dir, "bad.csv", "depth_nm,x_bi\n0,0.5\n10,nan\n");
        const auto c = history->compare_with_profile(csv);
        QVERIFY(!c.has_value());
        QCOMPARE(QString::fromStdString(c.error().code), QStringLiteral("invalid_profile"));
        QCOMPARE(history->charts()->x_measured_series()->count(), 0);
        QVERIFY2(history->comparison_text().contains(QStringLiteral("bad.csv:3")),
                 qPrintable(history->comparison_text()));
    }
};

QTEST_MAIN(HistoryCompareTest)
#include "test_history_compare.moc"
