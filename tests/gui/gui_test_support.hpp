#pragma once
// Shared set-up for the GUI tests: a main window on a journal in a temporary directory,
// QSettings untouched, the example recipes of the source tree.
#include <QFile>
#include <QStandardPaths>
#include <QString>
#include <QTemporaryDir>
#include <QThreadPool>
#include <memory>

#include "app/gui/main_window.hpp"
#include "app/journal/journal_records.hpp"
#include "edc/test_source_dir.hpp"

namespace edc::gui::test {

inline QString example_recipe(const char* name) {
    return QStringLiteral(EDC_SOURCE_DIR "/recipes/examples/") + QString::fromLatin1(name);
}

inline QString read_text(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) return {};
    return QString::fromUtf8(f.readAll());
}

// The start record of a hand-journaled run of the paper's graded recipe (History tests).
inline journal::RunStart paper_run_start() {
    journal::RunStart start;
    start.recipe_name = "g-bi033sb067";
    start.recipe_text = read_text(example_recipe("g-bi033sb067.toml")).toStdString();
    start.recipe_sha256 = "00";
    start.software_version = "test";
    start.git_revision = "test";
    start.instruments_json = "{}";
    start.operator_name = "ci";
    return start;
}

struct GuiFixture {
    QTemporaryDir dir;
    std::unique_ptr<MainWindow> window;

    explicit GuiFixture(const QString& recipe_path = {}) {
        QStandardPaths::setTestModeEnabled(true);
        WindowOptions options;
        options.db_path = dir.filePath(QStringLiteral("journal.sqlite"));
        options.recipe_folder = QStringLiteral(EDC_SOURCE_DIR "/recipes/examples");
        options.recipe_path = recipe_path;
        options.use_settings = false;
        window = std::make_unique<MainWindow>(options);
        window->show();
    }
    ~GuiFixture() {
        window.reset();
        // Journal reads still in flight would recreate the file in the removed directory.
        QThreadPool::globalInstance()->waitForDone();
    }
    GuiFixture(const GuiFixture&) = delete;
    GuiFixture& operator=(const GuiFixture&) = delete;
};

}  // namespace edc::gui::test
