// History (issue 11, defect 1): the run's header shows the run's totals record, the figures the
// run's summary and `edc show` print, not what its last sample says; a run journaled before
// there were totals records says so and shows its last sample.
#include <QLabel>
#include <QtTest>

#include "app/journal/run_journal.hpp"
#include "app/journal/run_totals.hpp"
#include "gui_test_support.hpp"

using namespace edc;
using namespace edc::gui;

namespace {

// A completed run whose last sample says 600 nm and 80 mL dispensed; with `totals`, its record
// says otherwise (as when the pump's counter and the plan's depth were read at the run's end).
std::int64_t journal_one_run(const QString& db_path, const std::optional<journal::RunTotals>& totals) {
    std::vector<journal::JournalSample> samples(11);
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const double f = static_cast<double>(i) / 10.0;
        samples[i].t_s = 20.0 * static_cast<double>(i);
        samples[i].charge_c = 1.1 * f;
        samples[i].depth_m = 600e-9 * f;
        samples[i].dispensed_m3 = 80e-6 * f;
    }
    std::vector<journal::JournalEvent> events;
    if (totals) events.push_back(journal::totals_event(200.0, *totals));
    return test::journal_paper_run(db_path, samples, events);
}

QString header_after_loading(test::GuiFixture& f, std::int64_t id) {
    HistoryScreen* history = f.window->history();
    history->reload();
    if (!QTest::qWaitFor([&] { return history->run_count() == 1; }, 10000)) return {};
    history->select_run(id);
    if (!QTest::qWaitFor([&] { return history->detail() && history->detail()->record.id == id; }, 10000))
        return {};
    auto* header = history->findChild<QLabel*>(QStringLiteral("history_header"));
    return header != nullptr ? header->text() : QString();
}

}  // namespace

class HistoryTotalsTest : public QObject {
    Q_OBJECT
private slots:
    void HeaderShowsTheRunsTotalsRecord() {
        test::GuiFixture f;
        journal::RunTotals t;
        t.duration_s = 204.2;
        t.charge_c = 1.14063;
        t.thickness_m = 632.24e-9;
        t.dispensed_m3 = 86.621e-6;
        t.final_volume_m3 = 106.621e-6;
        t.mean_x_bi = 0.32851;
        const std::int64_t id = journal_one_run(f.dir.filePath(QStringLiteral("journal.sqlite")), t);
        QVERIFY(id > 0);
        const QString text = header_after_loading(f, id);
        // The CLI's decimals: "thickness 632.2 nm", "feed volume 86.62 mL", "final volume 106.62 mL".
        for (const char* shown : {"charge 1.1406 C", "thickness 632.2 nm", "B fed 86.62 mL",
                                  "final volume 106.62 mL", "mean x_Bi 0.3285"}) {
            QVERIFY2(text.contains(QString::fromLatin1(shown)), qPrintable(shown + (" not in: " + text)));
        }
        QVERIFY2(!text.contains(QStringLiteral("600.0 nm")),
                 qPrintable(text));  // not the last sample's depth
    }

    void RunWithoutATotalsRecordSaysSoAndShowsItsLastSample() {
        test::GuiFixture f;
        const std::int64_t id =
            journal_one_run(f.dir.filePath(QStringLiteral("journal.sqlite")), std::nullopt);
        QVERIFY(id > 0);
        const QString text = header_after_loading(f, id);
        QVERIFY2(text.contains(QStringLiteral("no totals record")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("600.0 nm")), qPrintable(text));
    }
};

QTEST_MAIN(HistoryTotalsTest)
#include "test_history_totals.moc"
