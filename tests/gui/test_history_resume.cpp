// History's "Resume…" (issue 13 item 2, GUI): offered only for an interrupted run that no
// continuation resumes yet, confirmed in a dialog saying what resume does, then started on the
// Run screen through the RunSession options `edc resume` builds. The whole-run case kills a
// simulated `edc run --virtual` with SIGKILL (its journal and simulator state written by the
// CLI, as tests/integration/test_resume_sigkill.cpp does) and resumes it from the GUI on the
// lock-step virtual clock: it must complete, journaled as a run that resumes run 1.
#include <sqlite3.h>

#include <QDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTimer>
#include <QtTest>

#include "gui_test_support.hpp"
#include "tests/integration/edc_process.hpp"

using namespace edc;
using namespace edc::gui;
using namespace std::chrono_literals;

namespace {

journal::JournalSample sample_at(double t_s) {
    journal::JournalSample s;
    s.t_s = t_s;
    s.current_a = 0.0057;
    s.potential_v = -0.2;
    s.charge_c = 0.0057 * t_s;
    s.depth_m = 1e-9 * t_s;
    s.x_bi_predicted = 0.33;
    s.x_bi_target = 0.33;
    return s;
}

// A continuation of `resumes` journaled by hand, ended with `status`.
std::int64_t journal_continuation(const QString& db_path, std::int64_t resumes, journal::RunStatus status) {
    auto j = journal::RunJournal::open(db_path.toStdString());
    if (!j) return 0;
    journal::RunStart start;
    start.recipe_name = "g-bi033sb067";
    start.recipe_text = test::read_text(test::example_recipe("g-bi033sb067.toml")).toStdString();
    start.recipe_sha256 = "00";
    start.software_version = "test";
    start.git_revision = "test";
    start.instruments_json = "{}";
    start.operator_name = "ci";
    start.resumes_run = resumes;
    auto id = j->begin_run(start);
    if (!id || !j->end_run(*id, status)) return 0;
    return *id;
}

// Selects the run and waits for History's verdict on resuming it.
std::optional<bool> resumable(HistoryScreen& h, std::int64_t run_id) {
    QSignalSpy checked(&h, &HistoryScreen::resume_checked);
    h.select_run(run_id);
    for (int i = 0; i < 1000; ++i) {
        for (const auto& args : checked)
            if (args.at(0).toLongLong() == run_id) return args.at(1).toBool();
        checked.wait(10);
    }
    return std::nullopt;
}

void reload(HistoryScreen& h) {
    QSignalSpy loaded(&h, &HistoryScreen::runs_loaded);
    h.reload();
    QVERIFY(loaded.wait(10000));
}

// `edc run --sim --virtual` of the paper's recipe (5.7 mA for 200 s) killed with SIGKILL at 80 s
// of run time (virtual: the same instant on any machine); the journal then holds run 1, its
// simulators' truth is in `state`.
void kill_simulated_run(const std::string& bin, const QString& db, const QString& state) {
    edc::testing::EdcProcess p(
        bin, {"run", test::example_recipe("g-bi033sb067.toml").toStdString(), "--sim", "--virtual", "--speed",
              "50", "--db", db.toStdString(), "--sim-state", state.toStdString(), "--signal", "KILL@80"});
    QVERIFY(p.started());
    QVERIFY2(p.wait(120s), p.output().c_str());
    QCOMPARE(p.term_signal().value_or(0), SIGKILL);
}

// Run 1's Resume… clicked and confirmed with the simulators' state file; the Run screen then
// runs it on the lock-step virtual clock at 50x and this returns once it has ended.
void resume_from_gui(MainWindow& w, const QString& state) {
    HistoryScreen& h = *w.history();
    w.instruments()->set_simulate(false);  // the journal says simulated: resume follows it
    w.instruments()->set_speed(50.0);
    w.instruments()->set_lockstep(true);
    h.set_sim_state_file(state);
    reload(h);
    QCOMPARE(resumable(h, 1), std::optional<bool>(true));
    QTimer::singleShot(0, &h, [&h] {
        auto* d = h.findChild<QDialog*>(QStringLiteral("resume_dialog"));
        auto* file = d ? d->findChild<QLineEdit*>(QStringLiteral("resume_sim_state")) : nullptr;
        if (!d || !file || file->text().isEmpty()) {
            if (d) d->reject();
            return;
        }
        d->accept();
    });
    QSignalSpy confirmed(&h, &HistoryScreen::resume_confirmed);
    QTest::mouseClick(h.resume_button(), Qt::LeftButton);
    QCOMPARE(confirmed.count(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(w.run()->active(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!w.run()->active(), 120000);
}

void sql(const QString& db, const std::string& statement) {
    sqlite3* handle = nullptr;
    QCOMPARE(sqlite3_open(db.toStdString().c_str(), &handle), SQLITE_OK);
    const int rc = sqlite3_exec(handle, statement.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(handle);
    QCOMPARE(rc, SQLITE_OK);
}

}  // namespace

class HistoryResumeTest : public QObject {
    Q_OBJECT
private slots:
    void ResumeIsOfferedOnlyForAnInterruptedRunNoContinuationResumes() {
        test::GuiFixture f;
        HistoryScreen& h = *f.window->history();
        const QString db = f.window->db_path();
        const auto completed = test::journal_paper_run(db, {sample_at(10.0)});
        const auto interrupted =
            test::journal_paper_run(db, {sample_at(10.0)}, {}, journal::RunStatus::interrupted);
        const auto continued =
            test::journal_paper_run(db, {sample_at(10.0)}, {}, journal::RunStatus::interrupted);
        const auto continuation = journal_continuation(db, continued, journal::RunStatus::completed);
        // A continuation that faulted (e.g. refused: other instruments) leaves the run resumable.
        const auto retried =
            test::journal_paper_run(db, {sample_at(10.0)}, {}, journal::RunStatus::interrupted);
        const auto refused = journal_continuation(db, retried, journal::RunStatus::faulted);
        QVERIFY(completed > 0 && interrupted > 0 && continued > 0 && continuation > 0 && retried > 0 &&
                refused > 0);
        // The continuation filtered out of the table still counts.
        h.set_status_filter(QStringLiteral("interrupted"));
        reload(h);

        QCOMPARE(resumable(h, interrupted), std::optional<bool>(true));
        QVERIFY(h.resume_button()->isEnabled());
        QVERIFY2(h.resume_text().contains(QStringLiteral("run #%1").arg(interrupted)),
                 qPrintable(h.resume_text()));
        QVERIFY(h.resume_text().contains(QStringLiteral("switch off whatever was left on")));
        QVERIFY(h.resume_text().contains(QStringLiteral("re-plan the rest")));

        QCOMPARE(resumable(h, completed), std::optional<bool>(false));
        QVERIFY(!h.resume_button()->isEnabled());
        QCOMPARE(resumable(h, continued), std::optional<bool>(false));
        QVERIFY(!h.resume_button()->isEnabled());
        QCOMPARE(resumable(h, retried), std::optional<bool>(true));
        QVERIFY(h.resume_button()->isEnabled());

        // Cancel in the dialog starts nothing.
        QTimer::singleShot(0, &h, [&h] {
            if (auto* d = h.findChild<QDialog*>(QStringLiteral("resume_dialog"))) d->reject();
        });
        QSignalSpy confirmed(&h, &HistoryScreen::resume_confirmed);
        QTest::mouseClick(h.resume_button(), Qt::LeftButton);
        QCOMPARE(confirmed.count(), 0);
        QVERIFY(!f.window->run()->active());
    }

    void KilledSimulatedRunResumedFromTheGuiCompletesAsItsContinuation() {
        const auto bin = edc::testing::edc_binary();
        if (!bin) QSKIP("edc binary not built");
        test::GuiFixture f;
        const QString db = f.window->db_path();
        const QString state = QFileInfo(db).absolutePath() + QStringLiteral("/sim-state.json");
        kill_simulated_run(*bin, db, state);
        if (QTest::currentTestFailed()) return;
        resume_from_gui(*f.window, state);
        if (QTest::currentTestFailed()) return;
        HistoryScreen& h = *f.window->history();
        const RunScreen& run = *f.window->run();
        QVERIFY2(run.error_text().isEmpty(), qPrintable(run.error_text()));
        QVERIFY(run.summary().has_value());
        QCOMPARE(run.summary()->outcome, run::Outcome::completed);
        QVERIFY(run.summary()->resume.has_value());
        // The recipe's whole film, 5.7 mA for 200 s = 1.14 C (closed form), within 1 %: the
        // continuation's totals count from the charge the interrupted run had reached.
        QVERIFY(std::abs(run.summary()->totals.charge_c - 0.0057 * 200.0) / (0.0057 * 200.0) < 0.01);

        auto j = journal::RunJournal::open(db.toStdString());
        QVERIFY(j.has_value());
        auto second = j->get_run(run.summary()->run_id);
        QVERIFY(second.has_value());
        QCOMPARE(second->status, journal::RunStatus::completed);
        QCOMPARE(second->resumes_run, std::optional<std::int64_t>(1));
        // Resumed once: the button is not offered again.
        reload(h);
        QCOMPARE(resumable(h, 1), std::optional<bool>(false));
    }

    void RuntimeRefusalShowsAsTheRunsFaultWordedAsTheCliPrintsIt() {
        const auto bin = edc::testing::edc_binary();
        if (!bin) QSKIP("edc binary not built");
        test::GuiFixture f;
        const QString db = f.window->db_path();
        const QString state = QFileInfo(db).absolutePath() + QStringLiteral("/sim-state.json");
        kill_simulated_run(*bin, db, state);
        if (QTest::currentTestFailed()) return;
        // The galvanostat answering is not the one the journal names: the session refuses.
        sql(db,
            "UPDATE runs SET instruments = replace(instruments, 'MODEL 2400', 'MODEL 2401') WHERE id = 1");
        if (QTest::currentTestFailed()) return;
        resume_from_gui(*f.window, state);
        if (QTest::currentTestFailed()) return;
        const RunScreen& run = *f.window->run();
        QVERIFY(run.summary().has_value());
        QVERIFY(run.summary()->resume_refused);
        QVERIFY2(run.error_text().startsWith(QStringLiteral("run 1 cannot be resumed: ")),
                 qPrintable(run.error_text()));
        QVERIFY2(run.error_text().contains(QStringLiteral("not the interrupted run's")),
                 qPrintable(run.error_text()));
        // What the operator sees: the fault banner, in the same words (not the session's bare
        // "resume_refused: ..." cause).
        const auto* banner = run.findChild<QLabel*>(QStringLiteral("fault_banner"));
        QVERIFY(banner != nullptr);
        QVERIFY(banner->isVisible());
        QVERIFY2(banner->text().startsWith(QStringLiteral("FAULT: run 1 cannot be resumed: ")),
                 qPrintable(banner->text()));
        QVERIFY2(banner->text().contains(QStringLiteral("not the interrupted run's")),
                 qPrintable(banner->text()));
        auto j = journal::RunJournal::open(db.toStdString());
        QVERIFY(j.has_value());
        auto runs = j->list_runs();
        QVERIFY(runs.has_value());
        QCOMPARE(runs->size(), std::size_t{1});  // a refused resume begins no run
    }
};

QTEST_MAIN(HistoryResumeTest)
#include "test_history_resume.moc"
