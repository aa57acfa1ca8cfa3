// edc-gui: the bench GUI. `edc-gui --screenshot FILE.png [--recipe PATH] [--screen NAME]
// [--db PATH]` renders one screen and exits (docs/screenshots).
#include <QApplication>
#include <QCommandLineParser>

#include "app/gui/main_window.hpp"
#include "app/gui/screenshot.hpp"
#include "edc/version.hpp"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("edc"));
    QApplication::setApplicationName(QStringLiteral("edc-gui"));
    QApplication::setApplicationVersion(QString::fromLatin1(edc::version) + QStringLiteral(" (") +
                                        QString::fromLatin1(edc::git_revision) + QLatin1Char(')'));

    QCommandLineParser cli;
    cli.setApplicationDescription(QStringLiteral("Electrodeposition controller for graded Bi/Sb films"));
    cli.addHelpOption();
    cli.addVersionOption();
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Render a screen to FILE.png and exit."),
                                        QStringLiteral("FILE.png"));
    const QCommandLineOption screen(
        QStringLiteral("screen"),
        QStringLiteral("Screen for --screenshot: recipes, plan, instruments, run, history."),
        QStringLiteral("NAME"), QStringLiteral("recipes"));
    const QCommandLineOption recipe(QStringLiteral("recipe"), QStringLiteral("Open this recipe."),
                                    QStringLiteral("PATH"));
    const QCommandLineOption db(QStringLiteral("db"), QStringLiteral("SQLite run journal."),
                                QStringLiteral("PATH"));
    const QCommandLineOption folder(QStringLiteral("folder"), QStringLiteral("Recipe folder."),
                                    QStringLiteral("DIR"));
    const QCommandLineOption speed(QStringLiteral("speed"),
                                   QStringLiteral("Simulated-time factor for --screen run (default 40)."),
                                   QStringLiteral("X"), QStringLiteral("40"));
    cli.addOptions({screenshot, screen, recipe, db, folder, speed});
    cli.process(app);

    edc::gui::WindowOptions options;
    options.db_path = cli.value(db);
    options.recipe_path = cli.value(recipe);
    options.recipe_folder = cli.value(folder);
    options.use_settings = !cli.isSet(screenshot);
    edc::gui::MainWindow window(options);
    window.show();
    if (cli.isSet(screenshot)) {
        edc::gui::ScreenshotRequest request;
        request.file = cli.value(screenshot);
        request.screen = cli.value(screen);
        request.speed = cli.value(speed).toDouble();
        if (request.speed <= 0.0) request.speed = 40.0;
        return edc::gui::take_screenshot(window, request);
    }
    return QApplication::exec();
}
