#include "app/gui/plan_screen.hpp"

#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include "app/gui/background.hpp"
#include "app/gui/gui_format.hpp"
#include "control/model/units.hpp"
#include "control/plan/planner.hpp"
#include "control/plan/syringe_load.hpp"

namespace edc::gui {

PlanScreen::PlanScreen(QWidget* parent)
    : QWidget(parent),
      title_(new QLabel(this)),
      issues_(new QLabel(this)),
      warnings_(new QLabel(this)),
      start_reason_(new QLabel(this)),
      start_(new QPushButton(tr("▶ &Start run"), this)) {
    x_chart_ = std::make_unique<LineChart>(tr("Composition over depth"), tr("depth from substrate (nm)"),
                                           tr("x_Bi (mol/mol)"), this);
    x_target_ = x_chart_->add_series(tr("target"), QColor(0x75, 0x75, 0x75), Qt::DashLine);
    x_predicted_ = x_chart_->add_series(tr("predicted by the plan"), QColor(0xc6, 0x28, 0x28));
    x_chart_->set_y_range(0.0, 1.0);
    feed_chart_ =
        std::make_unique<LineChart>(tr("Feed rate of B"), tr("time (s)"), tr("feed rate (mL/min)"), this);
    feed_rate_ = feed_chart_->add_series(tr("feed rate"), QColor(0xef, 0x6c, 0x00));
    volume_chart_ = std::make_unique<LineChart>(tr("Volumes"), tr("time (s)"), tr("volume (mL)"), this);
    volume_ = volume_chart_->add_series(tr("cell volume"), QColor(0x1e, 0x88, 0xe5));
    fed_ = volume_chart_->add_series(tr("B fed (bolus included)"), QColor(0xef, 0x6c, 0x00));

    QFont big = title_->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    title_->setFont(big);
    title_->setWordWrap(true);
    issues_->setObjectName(QStringLiteral("plan_issues"));
    issues_->setWordWrap(true);
    issues_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    warnings_->setObjectName(QStringLiteral("plan_warnings"));
    warnings_->setWordWrap(true);
    start_reason_->setWordWrap(true);
    start_->setObjectName(QStringLiteral("plan_start"));
    start_->setMinimumHeight(48);
    start_->setToolTip(tr("Start the run (Ctrl+R)"));
    connect(start_, &QPushButton::clicked, this, &PlanScreen::start_requested);

    auto* totals = new QGroupBox(tr("To prepare"), this);
    auto* form = new QFormLayout(totals);
    feed_volume_ = total_label("total_feed_volume");
    syringe_load_ = total_label("total_syringe_load");
    syringe_ = total_label("total_syringe");
    prebolus_ = total_label("total_prebolus");
    final_volume_ = total_label("total_final_volume");
    duration_ = total_label("total_duration");
    mass_ = total_label("total_mass");
    thickness_ = total_label("total_thickness");
    current_ = total_label("total_current");
    charge_ = total_label("total_charge");
    max_rate_ = total_label("total_max_rate");
    mean_x_ = total_label("total_mean_x");
    roundtrip_ = total_label("total_roundtrip");
    form->addRow(tr("B to load in the syringe:"), syringe_load_);
    form->addRow(tr("B the plan feeds:"), feed_volume_);
    form->addRow(tr("Syringe:"), syringe_);
    form->addRow(tr("Pre-dilution bolus:"), prebolus_);
    form->addRow(tr("Final cell volume:"), final_volume_);
    form->addRow(tr("Duration (nominal):"), duration_);
    form->addRow(tr("Expected mass:"), mass_);
    form->addRow(tr("Expected thickness:"), thickness_);
    form->addRow(tr("Current:"), current_);
    form->addRow(tr("Charge:"), charge_);
    form->addRow(tr("Peak feed rate:"), max_rate_);
    form->addRow(tr("Mean x_Bi:"), mean_x_);
    form->addRow(tr("Plan round-trip error:"), roundtrip_);

    auto* side = new QWidget(this);
    auto* side_layout = new QVBoxLayout(side);
    side_layout->setContentsMargins(0, 0, 0, 0);
    side_layout->addWidget(title_);
    side_layout->addWidget(totals);
    side_layout->addWidget(issues_);
    side_layout->addWidget(warnings_);
    side_layout->addStretch(1);
    side_layout->addWidget(start_reason_);
    side_layout->addWidget(start_);
    side->setMinimumWidth(330);
    side->setMaximumWidth(420);

    auto* charts = new QGridLayout();
    charts->addWidget(x_chart_->view(), 0, 0, 1, 2);
    charts->addWidget(feed_chart_->view(), 1, 0);
    charts->addWidget(volume_chart_->view(), 1, 1);
    charts->setRowStretch(0, 3);
    charts->setRowStretch(1, 2);

    auto* layout = new QHBoxLayout(this);
    layout->addWidget(side);
    layout->addLayout(charts, 1);
    clear_recipe(tr("No recipe: open one on the Recipes screen."));
}

QLabel* PlanScreen::total_label(const char* object_name) {
    auto* l = new QLabel(QStringLiteral("–"), this);
    l->setObjectName(QString::fromLatin1(object_name));
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return l;
}

void PlanScreen::clear_charts() {
    x_chart_->clear();
    feed_chart_->clear();
    volume_chart_->clear();
    for (QLabel* l : {feed_volume_, syringe_load_, syringe_, prebolus_, final_volume_, duration_, mass_,
                      thickness_, current_, charge_, max_rate_, mean_x_, roundtrip_})
        l->setText(QStringLiteral("–"));
}

void PlanScreen::clear_recipe(const QString& reason) {
    ++generation_;
    planning_ = false;
    plan_.reset();
    failure_.reset();
    clear_charts();
    title_->setText(tr("No plan"));
    issues_->setText(reason);
    warnings_->clear();
    update_start();
}

void PlanScreen::set_recipe(const recipes::Recipe& recipe) {
    const std::uint64_t generation = ++generation_;
    planning_ = true;
    title_->setText(tr("Planning “%1”…").arg(QString::fromStdString(recipe.name)));
    update_start();
    run_in_background(
        this, [recipe] { return std::make_pair(recipe, plan::make_plan(recipe.plan)); },
        [this,
         generation](std::pair<recipes::Recipe, std::expected<plan::FeedPlan, plan::PlanFailure>> done) {
            if (generation != generation_) return;  // a newer recipe replaced this one
            planning_ = false;
            if (done.second)
                show_plan(done.first, *done.second);
            else
                show_failure(done.second.error());
            update_start();
            emit plan_ready();
        });
}

void PlanScreen::show_plan(const recipes::Recipe& recipe, const plan::FeedPlan& p) {
    plan_ = p;
    failure_.reset();
    clear_charts();
    title_->setText(tr("Plan for “%1”").arg(QString::fromStdString(recipe.name)));
    issues_->setText(tr("<span style='color:#2e7d32'>✔ Feasible with this cell and pump.</span>"));
    QList<QPointF> target, predicted, rate, volume, fed;
    for (const auto& pt : p.points) {
        target.append({to_nm(pt.depth_m), pt.x_target});
        predicted.append({to_nm(pt.depth_m), pt.x_predicted});
        rate.append({pt.t_s, to_ml_per_min(pt.feed_rate_m3_per_s)});
        volume.append({pt.t_s, to_ml(pt.volume_m3)});
        fed.append({pt.t_s, to_ml(pt.fed_m3)});
    }
    x_target_->replace(target);
    x_predicted_->replace(predicted);
    feed_rate_->replace(rate);
    volume_->replace(volume);
    fed_->replace(fed);
    x_chart_->rescale();
    feed_chart_->rescale();
    volume_chart_->rescale();

    const auto& t = p.totals;
    const double area_m2 = recipe.plan.cell.cell.electrode_area_m2;
    feed_volume_->setText(with_unit(to_ml(t.feed_volume_m3), 3, "mL"));
    // Never the plan's bare volume: a run dispenses more than it (control/plan/syringe_load.hpp).
    const auto load = plan::syringe_load(p);
    syringe_load_->setText(tr("≥ %1 (plan %2 + margin %3, %4 %)")
                               .arg(with_unit(to_ml(load.load_m3), 2, "mL"),
                                    with_unit(to_ml(load.plan_m3), 2, "mL"),
                                    with_unit(to_ml(load.margin_m3), 2, "mL"))
                               .arg(100.0 * plan::syringe_margin_fraction, 0, 'f', 0));
    syringe_->setText(recipe.pump ? with_unit(to_ml(recipe.pump->syringe_volume_m3), 1, "mL") + tr(", Ø ") +
                                        with_unit(recipe.pump->syringe_diameter_m * 1e3, 2, "mm")
                                  : tr("no pump in this recipe"));
    prebolus_->setText(with_unit(to_ml(p.prebolus_m3), 3, "mL") + tr(" (before current starts)"));
    final_volume_->setText(with_unit(to_ml(t.final_volume_m3), 2, "mL"));
    duration_->setText(with_unit(t.duration_s, 1, "s") + QStringLiteral(" (") + duration_text(t.duration_s) +
                       QLatin1Char(')'));
    mass_->setText(with_unit(t.mass_kg_per_m2 * area_m2 * 1e6, 3, "mg") + QStringLiteral(" (") +
                   with_unit(units::kg_per_m2_to_mg_per_cm2(t.mass_kg_per_m2), 3, "mg/cm²") +
                   QLatin1Char(')'));
    thickness_->setText(with_unit(to_nm(t.thickness_m), 0, "nm"));
    current_->setText(with_unit(to_ma(t.current_a), 3, "mA"));
    charge_->setText(with_unit(t.charge_c, 3, "C"));
    max_rate_->setText(with_unit(to_ml_per_min(t.max_feed_rate_m3_per_s), 4, "mL/min"));
    mean_x_->setText(with_unit(t.mean_x_bi, 3, "mol/mol"));
    roundtrip_->setText(
        tr("RMS %1 at.%, max %2 at.%")
            .arg(fixed(t.roundtrip_rms_x_bi * 100.0, 3), fixed(t.roundtrip_max_x_bi * 100.0, 3)));
    QStringList w;
    for (const auto& warning : p.warnings)
        w << QStringLiteral("⚠ %1: %2")
                 .arg(QString::fromStdString(warning.code),
                      QString::fromStdString(warning.message).toHtmlEscaped());
    warnings_->setText(w.join(QStringLiteral("<br>")));
}

void PlanScreen::show_failure(const plan::PlanFailure& failure) {
    plan_.reset();
    failure_ = failure;
    clear_charts();
    title_->setText(tr("Plan is not feasible"));
    QStringList lines;
    for (const auto& issue : failure.issues)
        lines << tr("✘ <b>%1</b>: %2<br>&nbsp;&nbsp;&nbsp;where: depth %3, t = %4")
                     .arg(QString::fromStdString(issue.code),
                          QString::fromStdString(issue.message).toHtmlEscaped(),
                          with_unit(to_nm(issue.depth_m), 0, "nm"), with_unit(issue.t_s, 1, "s"));
    issues_->setText(QStringLiteral("<span style='color:#c62828'>") + lines.join(QStringLiteral("<br>")) +
                     QStringLiteral("</span>"));
    warnings_->clear();
}

void PlanScreen::set_start_allowed(bool allowed, const QString& why_not) {
    start_allowed_ = allowed;
    why_not_ = why_not;
    update_start();
}

void PlanScreen::update_start() {
    const bool ok = plan_.has_value() && !planning_ && start_allowed_;
    start_->setEnabled(ok);
    if (ok)
        start_reason_->setText(tr("Ready."));
    else if (planning_)
        start_reason_->setText(tr("Start: waiting for the plan."));
    else if (!plan_)
        start_reason_->setText(tr("Start disabled: no feasible plan."));
    else
        start_reason_->setText(tr("Start disabled: %1").arg(why_not_));
}

}  // namespace edc::gui
