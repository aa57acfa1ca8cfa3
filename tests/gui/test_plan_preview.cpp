// Plan preview: a loaded recipe shows the planner's plan (charts and totals), an infeasible one
// shows the planner's message and where, and Start waits for the checklist.
#include <QLabel>
#include <QPushButton>
#include <QtTest>

#include "control/plan/planner.hpp"
#include "gui_test_support.hpp"
#include "recipes/format/recipe.hpp"

using namespace edc;
using namespace edc::gui;

namespace {

QString label_text(QWidget* w, const char* name) {
    auto* l = w->findChild<QLabel*>(QString::fromLatin1(name));
    return l ? l->text() : QStringLiteral("<no label %1>").arg(QString::fromLatin1(name));
}

double leading_number(const QString& text) {
    return text.section(QLatin1Char(' '), 0, 0).toDouble();
}

}  // namespace

class PlanPreviewTest : public QObject {
    Q_OBJECT
private slots:
    void LoadedRecipeShowsThePlannersPlanAndTotals() {
        test::GuiFixture f(test::example_recipe("g-bi033sb067.toml"));
        PlanScreen* screen = f.window->plan();
        QTRY_VERIFY_WITH_TIMEOUT(screen->plan() != nullptr, 10000);

        auto recipe = recipes::load_recipe(test::example_recipe("g-bi033sb067.toml").toStdString());
        QVERIFY(recipe.has_value());
        auto expected = plan::make_plan(recipe->plan);
        QVERIFY(expected.has_value());
        const auto n = static_cast<int>(expected->points.size());
        QCOMPARE(screen->target_series()->count(), n);
        QCOMPARE(screen->predicted_series()->count(), n);
        QCOMPARE(screen->feed_rate_series()->count(), n);
        QCOMPARE(screen->volume_series()->count(), n);
        QVERIFY(n > 10);

        // The totals shown are the planner's, in the units the labels name.
        const auto& t = expected->totals;
        QCOMPARE(label_text(screen, "total_feed_volume"),
                 QString::number(t.feed_volume_m3 * 1e6, 'f', 3) + " mL");
        // The load asked of the technician is above the plan's volume and says by how much.
        const QString load = label_text(screen, "total_syringe_load");
        QVERIFY2(load.startsWith(QStringLiteral("≥ ")), qPrintable(load));
        QVERIFY2(load.section(QLatin1Char(' '), 1, 1).toDouble() > t.feed_volume_m3 * 1e6, qPrintable(load));
        QVERIFY2(load.contains(QStringLiteral("margin")), qPrintable(load));
        QCOMPARE(label_text(screen, "total_final_volume"),
                 QString::number(t.final_volume_m3 * 1e6, 'f', 2) + " mL");
        QVERIFY(
            label_text(screen, "total_duration").startsWith(QString::number(t.duration_s, 'f', 1) + " s"));
        QCOMPARE(label_text(screen, "total_thickness"), QString::number(t.thickness_m * 1e9, 'f', 0) + " nm");
        QVERIFY(label_text(screen, "total_mass")
                    .startsWith(QString::number(t.mass_kg_per_m2 * 1e-4 * 1e6, 'f', 3) + " mg"));

        // Independent of the planner: 5.7 mA/cm2 on 1 cm2 for 200 s passes 1.140 C at 5.700 mA, and
        // in a growing cell (no outflow) the final volume is the 20 mL start plus every mL of B fed.
        QCOMPARE(label_text(screen, "total_charge"), QStringLiteral("1.140 C"));
        QCOMPARE(label_text(screen, "total_current"), QStringLiteral("5.700 mA"));
        QCOMPARE(label_text(screen, "total_duration").left(7), QStringLiteral("200.0 s"));
        const double fed_ml = leading_number(label_text(screen, "total_feed_volume"));
        const double final_ml = leading_number(label_text(screen, "total_final_volume"));
        QVERIFY2(std::abs(final_ml - (20.0 + fed_ml)) < 0.02,
                 qPrintable(QString("%1 vs %2").arg(final_ml).arg(fed_ml)));
        // The target chart starts at the recipe's substrate composition 0.50 and ends at 0.16.
        QCOMPARE(screen->target_series()->at(0).y(), 0.50);
        QVERIFY(std::abs(screen->target_series()->at(n - 1).y() - 0.16) < 1e-9);
    }

    void StartWaitsForTheChecklist() {
        test::GuiFixture f(test::example_recipe("g-bi033sb067.toml"));
        PlanScreen* screen = f.window->plan();
        QTRY_VERIFY_WITH_TIMEOUT(screen->plan() != nullptr, 10000);
        QVERIFY(!screen->start_button()->isEnabled());
        QVERIFY(!f.window->can_start());
        f.window->instruments()->tick_checklist(true);
        QVERIFY(screen->start_button()->isEnabled());
        QVERIFY(f.window->run()->start_button()->isEnabled());
        f.window->instruments()->tick_checklist(false);
        QVERIFY(!screen->start_button()->isEnabled());
    }

    void InfeasiblePlanShowsWhereAndDisablesStart() {
        test::GuiFixture f(test::example_recipe("g-bi033sb067.toml"));
        PlanScreen* screen = f.window->plan();
        QTRY_VERIFY_WITH_TIMEOUT(screen->plan() != nullptr, 10000);
        // The plan needs ~105 mL in the cell; a 60 mL limit must overflow.
        QString text = test::read_text(test::example_recipe("g-bi033sb067.toml"));
        QVERIFY(text.contains(QStringLiteral("max_volume = \"150 mL\"")));
        text.replace(QStringLiteral("max_volume = \"150 mL\""), QStringLiteral("max_volume = \"60 mL\""));
        f.window->recipes()->set_text(text, QStringLiteral("small-cell.toml"));
        QVERIFY(f.window->recipes()->recipe().has_value());
        QTRY_VERIFY_WITH_TIMEOUT(screen->failure().has_value(), 10000);
        QVERIFY(screen->plan() == nullptr);
        QVERIFY(screen->failure()->has(plan::issue::cell_overflow));
        const QString issues = label_text(screen, "plan_issues");
        QVERIFY2(issues.contains(QStringLiteral("cell_overflow")), qPrintable(issues));
        QVERIFY2(issues.contains(QStringLiteral("where: depth")), qPrintable(issues));
        f.window->instruments()->tick_checklist(true);
        QVERIFY(!screen->start_button()->isEnabled());
        QVERIFY(!f.window->run()->start_button()->isEnabled());
        QCOMPARE(screen->target_series()->count(), 0);
    }
};

QTEST_MAIN(PlanPreviewTest)
#include "test_plan_preview.moc"
