#include "app/gui/run_screen.hpp"

#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QThreadPool>
#include <QVBoxLayout>
#include <algorithm>

#include "app/gui/background.hpp"
#include "app/gui/gui_format.hpp"
#include "app/runtime/resume_request.hpp"

namespace edc::gui {
namespace {

QLabel* value_label(QWidget* parent, const char* name) {
    auto* l = new QLabel(QStringLiteral("–"), parent);
    l->setObjectName(QString::fromLatin1(name));
    l->setMinimumWidth(120);
    return l;
}

bool is_final(run::RunState s) {
    return s == run::RunState::completed || s == run::RunState::aborted || s == run::RunState::faulted;
}

}  // namespace

RunScreen::RunScreen(QWidget* parent)
    : QWidget(parent),
      state_(new QLabel(this)),
      banner_(new QLabel(this)),
      elapsed_(value_label(this, "run_elapsed")),
      remaining_(value_label(this, "run_remaining")),
      charge_(value_label(this, "run_charge")),
      depth_(value_label(this, "run_depth")),
      x_bi_(value_label(this, "run_x_bi")),
      current_(value_label(this, "run_current")),
      potential_(value_label(this, "run_potential")),
      feed_(value_label(this, "run_feed")),
      dispensed_(value_label(this, "run_dispensed")),
      volume_(value_label(this, "run_volume")),
      run_id_(value_label(this, "run_id")),
      start_reason_(new QLabel(this)),
      start_(new QPushButton(tr("▶ &Start"), this)),
      hold_(new QPushButton(tr("❚❚ &Hold"), this)),
      abort_(new QPushButton(tr("■ A&BORT"), this)),
      log_(new QPlainTextEdit(this)),
      charts_(new RunCharts(this)) {
    state_->setObjectName(QStringLiteral("state_indicator"));
    state_->setAlignment(Qt::AlignCenter);
    state_->setMinimumSize(230, 84);
    QFont big = state_->font();
    big.setPointSizeF(26.0);
    big.setBold(true);
    state_->setFont(big);
    banner_->setObjectName(QStringLiteral("fault_banner"));
    banner_->setWordWrap(true);
    banner_->setVisible(false);
    banner_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    for (QPushButton* b : {start_, hold_, abort_}) {
        b->setMinimumSize(112, 56);
        QFont f = b->font();
        f.setPointSizeF(f.pointSizeF() * 1.3);
        f.setBold(true);
        b->setFont(f);
    }
    start_->setObjectName(QStringLiteral("run_start"));
    hold_->setObjectName(QStringLiteral("run_hold"));
    abort_->setObjectName(QStringLiteral("run_abort"));
    abort_->setStyleSheet(
        QStringLiteral("QPushButton { background: #c62828; color: white; }"
                       "QPushButton:disabled { background: #e0a0a0; }"));
    abort_->setToolTip(tr("Abort now: output off, pump stopped, run journaled as aborted (one click)"));
    hold_->setToolTip(tr("Hold: current off and pump stopped, the charge index is kept; Resume continues"));
    connect(start_, &QPushButton::clicked, this, &RunScreen::start_requested);
    connect(hold_, &QPushButton::clicked, this, &RunScreen::hold_or_resume);
    connect(abort_, &QPushButton::clicked, this, &RunScreen::abort_run);
    start_reason_->setWordWrap(true);

    auto* values = new QGridLayout();
    auto add = [values](int row, int col, const QString& name, QLabel* value) {
        values->addWidget(new QLabel(name), row, col * 2);
        values->addWidget(value, row, col * 2 + 1);
    };
    add(0, 0, tr("Elapsed:"), elapsed_);
    add(1, 0, tr("Remaining:"), remaining_);
    add(2, 0, tr("Charge:"), charge_);
    add(3, 0, tr("Run:"), run_id_);
    add(0, 1, tr("Current:"), current_);
    add(1, 1, tr("Potential:"), potential_);
    add(2, 1, tr("Depth:"), depth_);
    add(3, 1, tr("x_Bi now/target:"), x_bi_);
    add(0, 2, tr("Feed rate:"), feed_);
    add(1, 2, tr("B dispensed:"), dispensed_);
    add(2, 2, tr("Cell volume:"), volume_);
    values->setHorizontalSpacing(8);
    values->setVerticalSpacing(2);
    for (int c : {1, 3, 5}) values->setColumnStretch(c, 1);

    auto* buttons = new QVBoxLayout();
    auto* row = new QHBoxLayout();
    row->addWidget(start_);
    row->addWidget(hold_);
    row->addWidget(abort_);
    buttons->addLayout(row);
    buttons->addWidget(start_reason_);

    auto* top = new QHBoxLayout();
    top->addWidget(state_);
    top->addLayout(values, 1);
    top->addLayout(buttons);

    log_->setObjectName(QStringLiteral("run_log"));
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(2000);
    log_->setMaximumHeight(70);
    log_->setPlaceholderText(tr("Run events appear here."));

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(banner_);
    layout->addWidget(charts_, 1);
    layout->addWidget(log_);

    poll_.setInterval(poll_interval_ms);
    connect(&poll_, &QTimer::timeout, this, &RunScreen::poll);
    show_snapshot(last_);
    update_buttons();
}

RunScreen::~RunScreen() {
    if (!session_) return;
    // Closing the window never leaves the cell energised.
    if (!session_->finished()) session_->abort("GUI closed during the run");
    // The last owner's destructor waits for the safe state and joins the run's threads (seconds
    // with a dead instrument): on Qt's thread pool, never on the GUI thread. ~QCoreApplication
    // waits for the pool, so the process does not end before the run has.
    QThreadPool::globalInstance()->start([session = std::move(session_)]() mutable { session.reset(); });
}

void RunScreen::set_start_allowed(bool allowed, const QString& why_not) {
    start_allowed_ = allowed;
    start_reason_->setText(allowed || active() ? QString() : tr("Start disabled: %1").arg(why_not));
    update_buttons();
}

void RunScreen::start(app::RunOptions options, std::optional<app::SimRigOptions> sim,
                      const plan::FeedPlan& plan) {
    if (active()) return;
    creating_ = true;
    abort_pending_ = false;
    simulate_ = sim.has_value();
    resumes_run_ = options.resume ? options.resume->run_id : 0;
    states_.clear();
    summary_.reset();
    error_.clear();
    last_ = app::RunSnapshot{};
    last_chart_t_ = -1.0;
    charts_->clear();
    charts_->set_plan(plan);
    charts_->refresh();
    banner_->setVisible(false);
    log_->clear();
    log_->appendPlainText(
        tr("Preparing the run (%1)…").arg(simulate_ ? tr("simulated hardware") : tr("instruments")));
    if (resumes_run_ > 0) log_->appendPlainText(tr("Resuming interrupted run #%1.").arg(resumes_run_));
    states_.push_back(run::RunState::idle);
    show_snapshot(last_);
    state_->setText(tr("Starting…"));
    update_buttons();
    emit active_changed(true);
    run_in_background(
        this,
        [options = std::move(options), sim = std::move(sim)]() mutable {
            return app::RunSession::create(std::move(options), std::move(sim));
        },
        [this](Result<std::unique_ptr<app::RunSession>> created) {
            creating_ = false;
            if (!created) {
                show_not_started(created.error());
                emit active_changed(false);
                return;
            }
            session_ = std::shared_ptr<app::RunSession>(std::move(*created));
            if (abort_pending_) {
                log_->appendPlainText(tr("Aborted before start: nothing was energised."));
                session_->abort("operator abort before start");
            } else {
                session_->start();
            }
            poll_.start();
            poll();
        });
}

void RunScreen::poll() {
    if (!session_) return;
    show_snapshot(session_->snapshot());
    show_events(session_->take_events());
    charts_->refresh();
    if (session_->finished()) finish();
}

void RunScreen::show_snapshot(const app::RunSnapshot& s) {
    if (states_.empty() || states_.back() != s.state) states_.push_back(s.state);
    last_ = s;
    const QColor colour = state_colour(s.state);
    state_->setText(state_text(s.state));
    state_->setStyleSheet(
        QStringLiteral("QLabel { background: %1; color: white; border-radius: 8px; padding: 6px; }")
            .arg(colour.name()));
    const QString sim = simulate_ ? tr(" (sim.)") : QString();
    elapsed_->setText(duration_text(s.t_s) + sim);
    double remaining = s.nominal_duration_s - s.t_s;
    if (s.planned_charge_c > 0.0) remaining = s.nominal_duration_s * (1.0 - s.charge_c / s.planned_charge_c);
    remaining_->setText(is_final(s.state) ? with_unit(0.0, 1, "s") : duration_text(std::max(0.0, remaining)));
    run_id_->setText(s.run_id > 0 ? QStringLiteral("#%1").arg(s.run_id) : QStringLiteral("–"));
    current_->setText(with_unit(to_ma(s.current_a), 3, "mA"));
    potential_->setText(with_unit(s.potential_v, 3, "V"));
    charge_->setText(fixed(s.charge_c, 3) + QStringLiteral(" / ") + with_unit(s.planned_charge_c, 3, "C"));
    depth_->setText(with_unit(to_nm(s.depth_m), 0, "nm"));
    x_bi_->setText(fixed(s.x_bi_now, 3) + QStringLiteral(" / ") + fixed(s.x_bi_target, 3));
    feed_->setText(with_unit(to_ml_per_min(s.feed_rate_m3_per_s), 4, "mL/min"));
    dispensed_->setText(with_unit(to_ml(s.dispensed_m3), 3, "mL"));
    volume_->setText(with_unit(to_ml(s.volume_m3), 2, "mL"));
    if (session_ && s.t_s > last_chart_t_ && s.state != run::RunState::idle) {
        last_chart_t_ = s.t_s;
        charts_->append({s.t_s, s.current_a, s.potential_v, s.charge_c, s.feed_rate_m3_per_s, s.depth_m,
                         s.x_bi_now, s.x_bi_target});
    }
    if (s.state == run::RunState::stopping)
        show_banner(tr("Stopping: output off (high impedance) and pump stop in progress."),
                    QColor(0xef, 0x6c, 0x00));
    update_buttons();
}

void RunScreen::show_events(const std::vector<app::RunEventRecord>& events) {
    for (const auto& e : events) {
        const QString line = QStringLiteral("[%1] %2 %3: %4")
                                 .arg(with_unit(e.t_s, 1, "s"), QString::fromStdString(e.level),
                                      QString::fromStdString(e.code), QString::fromStdString(e.message));
        log_->appendPlainText(line);
        if (e.level == "error")
            show_banner(tr("⚠ %1: %2").arg(QString::fromStdString(e.code), QString::fromStdString(e.message)),
                        QColor(0xc6, 0x28, 0x28));
        else if (e.level == "warning")
            show_banner(tr("⚠ %1: %2").arg(QString::fromStdString(e.code), QString::fromStdString(e.message)),
                        QColor(0xef, 0x6c, 0x00));
    }
}

void RunScreen::finish() {
    poll_.stop();
    joining_ = true;
    auto session = std::move(session_);
    session_.reset();
    // wait() joins the session's threads: never on the GUI thread.
    run_in_background(
        this,
        [session]() mutable {
            auto summary = session->wait();
            auto events = session->take_events();
            auto snap = session->snapshot();
            session.reset();
            return std::make_tuple(summary, events, snap);
        },
        [this](const std::tuple<app::RunSummary, std::vector<app::RunEventRecord>, app::RunSnapshot>& done) {
            joining_ = false;
            const auto& [summary, events, snap] = done;
            show_snapshot(snap);
            show_events(events);
            summary_ = summary;
            const QString hardware =
                summary.safe_state_confirmed
                    ? tr("Hardware: safe state confirmed (galvanostat output off, high impedance; "
                         "pump stopped).")
                    : tr("Hardware: safe state NOT confirmed — check the galvanostat output and "
                         "the pump by hand.");
            // A refused resume worded as `edc resume` prints it.
            const QString cause = QString::fromStdString(
                summary.resume_refused ? app::resume_refused(resumes_run_, summary.cause).message
                                       : summary.cause);
            switch (summary.outcome) {
                case run::Outcome::faulted:
                    error_ = cause;
                    show_banner(tr("FAULT: %1. %2").arg(cause, hardware), QColor(0xc6, 0x28, 0x28));
                    break;
                case run::Outcome::aborted:
                    show_banner(tr("Aborted: %1. %2").arg(cause, hardware), QColor(0x6a, 0x1b, 0x9a));
                    break;
                default:
                    if (summary.safe_state_confirmed)
                        banner_->setVisible(false);
                    else
                        show_banner(hardware, QColor(0xef, 0x6c, 0x00));
                    break;
            }
            log_->appendPlainText(tr("Run #%1 %2: %3.")
                                      .arg(summary.run_id)
                                      .arg(QString::fromUtf8(run::to_string(summary.outcome).data()),
                                           totals_text(summary.totals)));
            update_buttons();
            emit active_changed(false);
            emit run_finished(summary.run_id);
        });
}

void RunScreen::hold_or_resume() {
    if (!session_) return;
    if (last_.state == run::RunState::held)
        session_->resume();
    else if (last_.state == run::RunState::depositing)
        session_->hold();
}

void RunScreen::abort_run() {
    if (session_) {
        session_->abort("operator abort (GUI)");
        log_->appendPlainText(tr("Abort requested: safe state first."));
    } else if (creating_) {
        abort_pending_ = true;
    }
    update_buttons();
}

void RunScreen::show_banner(const QString& text, const QColor& colour) {
    banner_->setText(text);
    banner_->setStyleSheet(
        QStringLiteral("QLabel { background: %1; color: white; font-weight: bold; padding: 8px; "
                       "border-radius: 4px; }")
            .arg(colour.name()));
    banner_->setVisible(true);
}

void RunScreen::update_buttons() {
    const bool running = session_ != nullptr && !is_final(last_.state);
    start_->setEnabled(!active() && start_allowed_);
    abort_->setEnabled((running || creating_) && !abort_pending_);
    hold_->setEnabled(running &&
                      (last_.state == run::RunState::depositing || last_.state == run::RunState::held));
    hold_->setText(last_.state == run::RunState::held ? tr("▶ &Resume") : tr("❚❚ &Hold"));
    if (active()) start_reason_->clear();
}

void RunScreen::show_not_started(const Error& error) {
    error_ = QStringLiteral("%1: %2 (%3)")
                 .arg(QString::fromStdString(error.code), QString::fromStdString(error.message),
                      QString::fromStdString(error.where));
    show_banner(tr("Run not started: %1. Nothing was energised.").arg(error_), QColor(0xc6, 0x28, 0x28));
    log_->appendPlainText(error_);
    show_snapshot(last_);
    update_buttons();
}

QString RunScreen::error_text() const {
    return error_;
}

}  // namespace edc::gui
