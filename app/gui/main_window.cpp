#include "app/gui/main_window.hpp"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QDateTime>
#include <cstdlib>

#include "app/gui/background.hpp"
#include "app/gui/resume_launch.hpp"
#include "app/journal/run_journal.hpp"
#include "control/clock/virtual_clock.hpp"
#include "control/model/units.hpp"
#include "control/plan/syringe_load.hpp"

namespace edc::gui {
namespace {

std::string operator_name() {
    for (const char* var : {"EDC_OPERATOR", "USER", "LOGNAME"})
        if (const char* v = std::getenv(var); v && *v) return v;
    return {};
}

}  // namespace

MainWindow::MainWindow(WindowOptions options, QWidget* parent)
    : QMainWindow(parent),
      options_(std::move(options)),
      tabs_(new QTabWidget(this)),
      recipes_(new RecipesScreen(this)),
      plan_(new PlanScreen(this)),
      instruments_(new InstrumentsScreen(this)),
      run_(new RunScreen(this)),
      history_(new HistoryScreen(this)) {
    setWindowTitle(tr("edc — electrodeposition controller"));
    tabs_->addTab(recipes_, tr("&1 Recipes"));
    tabs_->addTab(plan_, tr("&2 Plan preview"));
    tabs_->addTab(instruments_, tr("&3 Instruments"));
    tabs_->addTab(run_, tr("&4 Run"));
    tabs_->addTab(history_, tr("&5 History"));
    setCentralWidget(tabs_);
    resize(1366, 768);
    setMinimumSize(1024, 640);

    db_path_ = options_.db_path.isEmpty() ? QString::fromStdString(journal::RunJournal::default_path())
                                          : options_.db_path;
    statusBar()->showMessage(tr("Journal: %1").arg(db_path_));

    connect(recipes_, &RecipesScreen::recipe_changed, this, &MainWindow::on_recipe_changed);
    connect(plan_, &PlanScreen::plan_ready, this, [this] {
        const auto* p = plan_->plan();
        instruments_->set_b_volume_to_load_ml(
            p ? std::optional<double>(units::m3_to_ml(plan::syringe_load(*p).load_m3)) : std::nullopt);
        update_start();
    });
    connect(instruments_, &InstrumentsScreen::readiness_changed, this, &MainWindow::update_start);
    connect(plan_, &PlanScreen::start_requested, this, &MainWindow::start_run);
    connect(run_, &RunScreen::start_requested, this, &MainWindow::start_run);
    connect(run_, &RunScreen::active_changed, this, [this](bool active) {
        instruments_->set_run_active(active);
        recipes_->setEnabled(!active);  // the recipe being run cannot change under it
        update_start();
        if (!active && closing_) QTimer::singleShot(0, this, &QWidget::close);
    });
    connect(history_, &HistoryScreen::resume_confirmed, this, &MainWindow::resume_run);
    connect(run_, &RunScreen::run_finished, this, [this](qint64) {
        instruments_->tick_checklist(false);  // confirm the bench again before the next run
        history_->reload();
        recipes_->refresh_ran();
        update_start();
    });

    build_menus();
    if (options_.use_settings) restore_settings();
    QString folder = options_.recipe_folder;
    if (folder.isEmpty() && !options_.recipe_path.isEmpty())
        folder = QFileInfo(options_.recipe_path).absolutePath();
    if (folder.isEmpty() && options_.use_settings) folder = QSettings().value("recipes/folder").toString();
    if (folder.isEmpty()) folder = QDir::current().absoluteFilePath(QStringLiteral("recipes/examples"));
    recipes_->set_folder(folder);
    recipes_->set_db_path(db_path_);
    history_->set_db_path(db_path_);
    if (!options_.recipe_path.isEmpty())
        recipes_->open_recipe(options_.recipe_path);
    else if (options_.use_settings)
        if (const QString last = QSettings().value("recipes/last").toString(); QFileInfo::exists(last))
            recipes_->open_recipe(last);
    update_start();
}

MainWindow::~MainWindow() = default;

void MainWindow::build_menus() {
    auto* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("Recipe &folder…"), recipes_, &RecipesScreen::choose_folder);
    file->addAction(tr("&Save recipe as new file…"), QKeySequence::SaveAs, recipes_,
                    &RecipesScreen::save_as_dialog);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    auto* view = menuBar()->addMenu(tr("&View"));
    const Screen screens[] = {Screen::recipes, Screen::plan, Screen::instruments, Screen::run,
                              Screen::history};
    const QString names[] = {tr("&Recipes"), tr("&Plan preview"), tr("&Instruments"), tr("R&un"),
                             tr("&History")};
    for (int i = 0; i < 5; ++i)
        view->addAction(names[i], QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)), this,
                        [this, s = screens[i]] { show_screen(s); });

    auto* runmenu = menuBar()->addMenu(tr("&Run"));
    runmenu->addAction(tr("&Start"), QKeySequence(Qt::CTRL | Qt::Key_R), this, &MainWindow::start_run);
    runmenu->addAction(tr("&Hold / resume"), QKeySequence(Qt::CTRL | Qt::Key_H), run_,
                       &RunScreen::hold_or_resume);
    // The keyboard path asks first (a stray key must not end a day-long sample); the red button
    // on the Run screen is the one-click emergency abort.
    runmenu->addAction(tr("&Abort…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A), this, [this] {
        if (!run_->active()) return;
        if (QMessageBox::question(this, tr("Abort run"),
                                  tr("Abort the run now? The sample will be incomplete.")) ==
            QMessageBox::Yes)
            run_->abort_run();
    });
    runmenu->addAction(tr("&Refresh history"), QKeySequence::Refresh, history_, &HistoryScreen::reload);
}

void MainWindow::show_screen(Screen screen) {
    tabs_->setCurrentIndex(static_cast<int>(screen));
}

void MainWindow::on_recipe_changed() {
    const auto& recipe = recipes_->recipe();
    instruments_->set_recipe(recipe);
    if (recipe) {
        plan_->set_recipe(*recipe);
        statusBar()->showMessage(
            tr("Recipe “%1” — journal: %2").arg(QString::fromStdString(recipe->name), db_path_));
    } else {
        plan_->clear_recipe(tr("The recipe has errors: see the Recipes screen."));
    }
    update_start();
}

QString MainWindow::why_not_start() const {
    if (run_->active()) return tr("a run is in progress");
    if (!recipes_->recipe()) return tr("no valid recipe");
    if (plan_->planning()) return tr("planning");
    if (!plan_->plan()) return tr("the plan is not feasible");
    if (!instruments_->checklist_complete()) return instruments_->checklist_missing();
    return {};
}

bool MainWindow::can_start() const {
    return why_not_start().isEmpty();
}

void MainWindow::update_start() {
    const QString why = why_not_start();
    plan_->set_start_allowed(!run_->active() && instruments_->checklist_complete(),
                             run_->active() ? tr("a run is in progress") : instruments_->checklist_missing());
    run_->set_start_allowed(why.isEmpty(), why);
}

void MainWindow::start_run() {
    const auto& recipe = recipes_->recipe();
    if (!can_start() || !recipe) {
        statusBar()->showMessage(tr("Cannot start: %1").arg(why_not_start()), 5000);
        return;
    }
    app::RunOptions options;
    options.recipe = *recipe;
    std::optional<app::SimRigOptions> sim;
    if (instruments_->simulate()) {
        sim.emplace();
        sim->speed = instruments_->speed();
        sim->faults = instruments_->sim_faults();
        if (instruments_->lockstep()) {
            sim->clock = std::make_shared<clk::VirtualClock>(sim->speed, sim->speed);
            sim->in_process = true;
        }
    }
    options.db_path = db_path_.toStdString();
    options.operator_name = operator_name();
    if (options_.use_settings) QSettings().setValue("recipes/last", recipes_->current_path());
    show_screen(Screen::run);
    run_->start(std::move(options), std::move(sim), *plan_->plan());
    update_start();
}

void MainWindow::resume_run(qint64 run_id, const QString& sim_state_file) {
    if (run_->active()) {
        statusBar()->showMessage(tr("Cannot resume: a run is in progress"), 5000);
        return;
    }
    show_screen(Screen::run);
    const double now_s = static_cast<double>(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    run_in_background(
        this, [db = db_path_.toStdString(), run_id, now_s] { return prepare_resume(db, run_id, now_s); },
        [this, sim_state_file](Result<ResumeLaunch> launch) {
            if (!launch) {
                run_->show_not_started(launch.error());
                return;
            }
            if (run_->active()) return;
            std::optional<app::SimRigOptions> sim;
            if (launch->simulated) {
                sim = resume_sim_rig(*launch, sim_state_file.toStdString());
                sim->speed = instruments_->speed();
                if (instruments_->lockstep()) {
                    sim->clock = std::make_shared<clk::VirtualClock>(sim->speed, sim->speed);
                    sim->in_process = true;
                }
            }
            app::RunOptions options = std::move(launch->options);
            options.operator_name = operator_name();
            // The operator confirmed in History's dialog, after reading what resume will do;
            // the session's findings are journaled and shown in the Run screen's log.
            options.confirm_resume = [](const app::ResumeFindings&) { return true; };
            run_->start(std::move(options), std::move(sim), launch->plan);
            update_start();
        });
}

void MainWindow::restore_settings() {
    QSettings s;
    if (const auto g = s.value("window/geometry").toByteArray(); !g.isEmpty()) restoreGeometry(g);
    if (const auto st = s.value("window/state").toByteArray(); !st.isEmpty()) restoreState(st);
    tabs_->setCurrentIndex(s.value("window/screen", 0).toInt());
    instruments_->set_simulate(s.value("instruments/simulate", false).toBool());
    instruments_->set_speed(s.value("instruments/speed", 1.0).toDouble());
}

void MainWindow::save_settings() {
    QSettings s;
    s.setValue("window/geometry", saveGeometry());
    s.setValue("window/state", saveState());
    s.setValue("window/screen", tabs_->currentIndex());
    s.setValue("instruments/simulate", instruments_->simulate());
    s.setValue("instruments/speed", instruments_->speed());
    s.setValue("recipes/folder", recipes_->folder());
    if (!recipes_->current_path().isEmpty()) s.setValue("recipes/last", recipes_->current_path());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (run_->active()) {
        if (!closing_ &&
            QMessageBox::question(this, tr("Run in progress"),
                                  tr("A run is in progress. Abort it (safe state first) and quit?")) !=
                QMessageBox::Yes) {
            event->ignore();
            return;
        }
        // Quit once the run has reached its safe final state and been journaled.
        closing_ = true;
        run_->abort_run();
        event->ignore();
        return;
    }
    if (options_.use_settings) save_settings();
    event->accept();
}

}  // namespace edc::gui
