#pragma once
// Run: the state in large colour + text, elapsed and remaining time, live charts, Hold/Resume,
// an Abort that answers at once, and fault banners saying what happened and what state the
// hardware is in. The GUI thread never waits on the core: RunSession is created and joined on
// worker threads, and a 20 Hz timer polls its snapshot and redraws once per tick.
#include <QTimer>
#include <QWidget>
#include <memory>
#include <optional>
#include <vector>

#include "app/gui/run_charts.hpp"
#include "app/runtime/run_session.hpp"

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace edc::gui {

class RunScreen : public QWidget {
    Q_OBJECT
public:
    static constexpr int poll_interval_ms = 50;  // 20 Hz: at most 20 redraws a second

    explicit RunScreen(QWidget* parent = nullptr);
    ~RunScreen() override;

    // Plans were checked by the caller; creating the session (simulators, journal) happens off
    // the GUI thread, then the run starts.
    // `sim`: run against simulated instruments (see app::RunSession::create).
    void start(app::RunOptions options, std::optional<app::SimRigOptions> sim, const plan::FeedPlan& plan);
    void set_start_allowed(bool allowed, const QString& why_not);
    // A run that could not be prepared (e.g. a resume whose journal cannot be read): shown as a
    // run that did not start.
    void show_not_started(const Error& error);

    [[nodiscard]] bool active() const { return creating_ || session_ != nullptr || joining_; }
    [[nodiscard]] run::RunState state() const { return last_.state; }
    [[nodiscard]] const std::vector<run::RunState>& state_history() const { return states_; }
    [[nodiscard]] const std::optional<app::RunSummary>& summary() const { return summary_; }
    [[nodiscard]] QString error_text() const;  // why the run could not start, or the fault
    [[nodiscard]] RunCharts* charts() const { return charts_; }
    [[nodiscard]] QPushButton* abort_button() const { return abort_; }
    [[nodiscard]] QPushButton* hold_button() const { return hold_; }
    [[nodiscard]] QPushButton* start_button() const { return start_; }

signals:
    void start_requested();
    void active_changed(bool active);
    void run_finished(qint64 run_id);

public slots:
    void hold_or_resume();
    void abort_run();  // one click, no question: the safe state comes first

private:
    void poll();
    void show_snapshot(const app::RunSnapshot& s);
    void show_events(const std::vector<app::RunEventRecord>& events);
    void finish();
    void show_banner(const QString& text, const QColor& colour);
    void update_buttons();

    std::shared_ptr<app::RunSession> session_;
    bool creating_ = false;
    bool joining_ = false;
    bool abort_pending_ = false;
    bool simulate_ = false;
    bool start_allowed_ = false;
    std::int64_t resumes_run_ = 0;  // the interrupted run this one continues (0: a fresh run)
    app::RunSnapshot last_;
    double last_chart_t_ = -1.0;
    std::vector<run::RunState> states_;
    std::optional<app::RunSummary> summary_;
    QString error_;
    QTimer poll_;

    QLabel* state_;
    QLabel* banner_;
    QLabel *elapsed_, *remaining_, *charge_, *depth_, *x_bi_, *current_, *potential_, *feed_, *dispensed_,
        *volume_, *run_id_;
    QLabel* start_reason_;
    QPushButton* start_;
    QPushButton* hold_;
    QPushButton* abort_;
    QPlainTextEdit* log_;
    RunCharts* charts_;
};

}  // namespace edc::gui
