#pragma once
// The edc-gui window: five screens in tabs (Recipes, Plan, Instruments, Run, History), the
// rules joining them (Start needs a feasible plan, a ticked checklist and no run in progress),
// and the window state kept in QSettings.
#include <QMainWindow>
#include <QString>

#include "app/gui/history_screen.hpp"
#include "app/gui/instruments_screen.hpp"
#include "app/gui/plan_screen.hpp"
#include "app/gui/recipes_screen.hpp"
#include "app/gui/run_screen.hpp"

class QTabWidget;

namespace edc::gui {

struct WindowOptions {
    QString db_path;           // empty: RunJournal::default_path()
    QString recipe_folder;     // empty: the last one, else ./recipes/examples
    QString recipe_path;       // opened at start when given
    bool use_settings = true;  // false: neither read nor write QSettings (tests, screenshots)
};

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum class Screen { recipes, plan, instruments, run, history };

    explicit MainWindow(WindowOptions options, QWidget* parent = nullptr);
    ~MainWindow() override;

    void show_screen(Screen screen);
    [[nodiscard]] bool can_start() const;
    [[nodiscard]] QString why_not_start() const;
    // Starts the run the Start buttons start (no-op when can_start() is false).
    void start_run();
    // History's "Resume…" confirmed: the interrupted run's continuation, built from its journal
    // as `edc resume` builds it, starts on the Run screen like any run (simulated runs on the
    // simulators, paced and lock-stepped as the Instruments screen says, from `sim_state_file`).
    void resume_run(qint64 run_id, const QString& sim_state_file);

    [[nodiscard]] RecipesScreen* recipes() const { return recipes_; }
    [[nodiscard]] PlanScreen* plan() const { return plan_; }
    [[nodiscard]] InstrumentsScreen* instruments() const { return instruments_; }
    [[nodiscard]] RunScreen* run() const { return run_; }
    [[nodiscard]] HistoryScreen* history() const { return history_; }
    [[nodiscard]] QString db_path() const { return db_path_; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void build_menus();
    void update_start();
    void on_recipe_changed();
    void restore_settings();
    void save_settings();

    WindowOptions options_;
    QString db_path_;
    QTabWidget* tabs_;
    RecipesScreen* recipes_;
    PlanScreen* plan_;
    InstrumentsScreen* instruments_;
    RunScreen* run_;
    HistoryScreen* history_;
    bool closing_ = false;
};

}  // namespace edc::gui
