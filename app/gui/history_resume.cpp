// History's "Resume…": the button's rule (an interrupted run no continuation resumes yet) and
// the confirmation saying what `edc resume` will do. The resume itself starts on the Run screen
// (MainWindow::resume_run) through the same RunSession options the CLI builds.
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "app/gui/background.hpp"
#include "app/gui/gui_format.hpp"
#include "app/gui/history_screen.hpp"
#include "app/gui/resume_launch.hpp"

namespace edc::gui {

void HistoryScreen::check_resume() {
    resumable_ = 0;
    resume_->setEnabled(false);
    if (!detail_ || db_path_.empty()) return;
    const std::int64_t id = detail_->record.id;
    if (detail_->record.status != journal::RunStatus::interrupted) {
        emit resume_checked(id, false);
        return;
    }
    // The whole journal, not the filtered table: a continuation may be filtered out of view.
    run_in_background(
        this, [db = db_path_] { return load_runs(db, journal::RunFilter{}); },
        [this, id](Result<std::vector<journal::RunRecord>> all) {
            if (!detail_ || detail_->record.id != id) return;
            const bool ok = all && blocking_continuation(*all, id) == 0;
            resumable_ = ok ? id : 0;
            resume_->setEnabled(ok);
            resume_->setToolTip(ok || !all
                                    ? resume_->toolTip()
                                    : tr("Run #%1 resumed it already").arg(blocking_continuation(*all, id)));
            emit resume_checked(id, ok);
        });
}

bool HistoryScreen::selected_run_simulated() const {
    return detail_ && detail_->record.instruments_json.find("\"simulated\":true") != std::string::npos;
}

QString HistoryScreen::resume_text() const {
    if (!detail_) return {};
    const auto& r = detail_->record;
    QString reached = tr("nothing journaled");
    if (!detail_->samples.empty()) {
        const auto& last = detail_->samples.back();
        reached = tr("%1 into the run, %2 passed, %3 of film")
                      .arg(duration_text(last.t_s), with_unit(last.charge_c, 3, "C"),
                           with_unit(to_nm(last.depth_m), 0, "nm"));
    }
    return tr("<b>Resume interrupted run #%1 (%2)?</b><br>"
              "It had reached %3 when its controller died (found interrupted %4).<br><br>"
              "Resuming will:<ol>"
              "<li>reopen and re-identify the run's instruments%5 (refused if they are not the "
              "journaled ones);</li>"
              "<li>query them and switch off whatever was left on (galvanostat output, pump), and "
              "count what they did while no controller watched (the pump's own counter, the "
              "charge of an output left on);</li>"
              "<li>rebuild the bath from the journal and re-plan the rest of the profile from the "
              "depth reached;</li>"
              "<li>energise the cell and continue as a new run linked to run #%1.</li></ol>"
              "Nothing is energised before you confirm. A refusal is shown on the Run screen.")
        .arg(r.id)
        .arg(QString::fromStdString(r.recipe_name).toHtmlEscaped(), reached,
             QString::fromStdString(r.ended_at.value_or(r.started_at)),
             selected_run_simulated() ? tr(" (simulated)") : QString());
}

void HistoryScreen::resume_dialog() {
    if (resumable_ == 0 || !detail_ || detail_->record.id != resumable_) return;
    const std::int64_t id = resumable_;
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("resume_dialog"));
    dialog.setWindowTitle(tr("Resume run #%1").arg(id));
    auto* text = new QLabel(resume_text(), &dialog);
    text->setObjectName(QStringLiteral("resume_text"));
    text->setWordWrap(true);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(text);
    QLineEdit* state = nullptr;
    if (selected_run_simulated()) {
        // The simulators' truth the killed run left (`edc resume --sim --sim-state FILE`).
        state = new QLineEdit(sim_state_file_, &dialog);
        state->setObjectName(QStringLiteral("resume_sim_state"));
        auto* form = new QFormLayout();
        form->addRow(tr("Simulated instruments' &state file:"), state);
        layout->addLayout(form);
    }
    auto* buttons = new QDialogButtonBox(&dialog);
    buttons->addButton(tr("&Resume run #%1").arg(id), QDialogButtonBox::AcceptRole);
    buttons->addButton(QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted) return;
    if (state) sim_state_file_ = state->text().trimmed();
    emit resume_confirmed(id, state ? sim_state_file_ : QString());
}

}  // namespace edc::gui
