// Recipes screen: validation errors are marked at their line, and a recipe text that ran is
// never overwritten.
#include <QtTest>

#include "app/journal/run_journal.hpp"
#include "gui_test_support.hpp"
#include "recipes/format/sha256.hpp"

using namespace edc;
using namespace edc::gui;

namespace {

int line_of(const QString& text, const QString& needle) {
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i)
        if (lines[i].contains(needle)) return i + 1;
    return 0;
}

}  // namespace

class RecipeEditorTest : public QObject {
    Q_OBJECT
private slots:
    void InvalidRecipeShowsTheErrorAtItsLine() {
        test::GuiFixture f(test::example_recipe("g-bi033sb067.toml"));
        RecipesScreen* screen = f.window->recipes();
        QVERIFY(screen->recipe().has_value());
        QTRY_VERIFY_WITH_TIMEOUT(f.window->plan()->plan() != nullptr, 10000);

        QString text = test::read_text(test::example_recipe("g-bi033sb067.toml"));
        QVERIFY(text.contains(QStringLiteral("current_density = \"5.7 mA/cm2\"")));
        text.replace(QStringLiteral("current_density = \"5.7 mA/cm2\""),
                     QStringLiteral("current_density = \"5.7 furlongs\""));
        const int bad_line = line_of(text, QStringLiteral("furlongs"));
        QVERIFY(bad_line > 0);
        screen->set_text(text, QStringLiteral("bad.toml"));

        QVERIFY(!screen->recipe().has_value());
        QCOMPARE(screen->error_line(), bad_line);
        QCOMPARE(screen->editor()->error_line(), bad_line);
        QVERIFY2(screen->error_text().contains(QStringLiteral("bad.toml:%1:").arg(bad_line)),
                 qPrintable(screen->error_text()));
        // The plan of the previous recipe is gone and nothing can start.
        QVERIFY(f.window->plan()->plan() == nullptr);
        f.window->instruments()->tick_checklist(true);
        QVERIFY(!f.window->can_start());

        // Typing a fix (through the editor, as a technician would) clears the marker.
        text.replace(QStringLiteral("5.7 furlongs"), QStringLiteral("5.7 mA/cm2"));
        screen->editor()->setPlainText(text);
        QTRY_VERIFY_WITH_TIMEOUT(screen->recipe().has_value(), 5000);
        QCOMPARE(screen->error_line(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(f.window->plan()->plan() != nullptr, 10000);
    }

    void RecipeThatRanIsNeverOverwritten() {
        QTemporaryDir work;
        const QString path = work.filePath(QStringLiteral("ran.toml"));
        QVERIFY(QFile::copy(test::example_recipe("g-bi033sb067.toml"), path));
        const QString text = test::read_text(path);

        test::GuiFixture f;
        {  // The journal holds a run of exactly this text.
            auto j = journal::RunJournal::open(f.window->db_path().toStdString());
            QVERIFY(j.has_value());
            journal::RunStart start;
            start.recipe_name = "g-bi033sb067";
            start.recipe_text = text.toStdString();
            start.recipe_sha256 = recipes::sha256_hex(start.recipe_text);
            auto id = j->begin_run(start);
            QVERIFY(id.has_value());
            QVERIFY(j->end_run(*id, journal::RunStatus::completed).has_value());
        }
        RecipesScreen* screen = f.window->recipes();
        screen->refresh_ran();
        QVERIFY(screen->open_recipe(path));
        QTRY_VERIFY_WITH_TIMEOUT(screen->ran_as().has_value(), 5000);

        screen->editor()->setPlainText(text + QStringLiteral("\n# edited\n"));
        auto refused = screen->save_as(path);
        QVERIFY(!refused.has_value());
        QCOMPARE(QString::fromStdString(refused.error().code), QStringLiteral("recipe_ran"));
        QCOMPARE(test::read_text(path), text);  // untouched

        const QString copy = work.filePath(QStringLiteral("ran-copy.toml"));
        QVERIFY(screen->save_as(copy).has_value());
        QCOMPARE(test::read_text(copy), text + QStringLiteral("\n# edited\n"));
        QCOMPARE(screen->current_path(), copy);
    }
};

QTEST_MAIN(RecipeEditorTest)
#include "test_recipe_editor.moc"
