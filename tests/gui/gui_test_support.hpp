#pragma once
// Shared set-up for the GUI tests: a main window on a journal in a temporary directory,
// QSettings untouched, the example recipes of the source tree.
#include <QFile>
#include <QStandardPaths>
#include <QString>
#include <QTemporaryDir>
#include <QThreadPool>
#include <memory>
#include <vector>

#include "app/gui/main_window.hpp"
#include "app/journal/journal_records.hpp"
#include "app/journal/run_journal.hpp"
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

// Journals a run of the paper's graded recipe by hand (History tests): these samples and events,
// ended with `status`. Its id, or 0 when the journal refused any step.
inline std::int64_t journal_paper_run(const QString& db_path,
                                      const std::vector<journal::JournalSample>& samples,
                                      const std::vector<journal::JournalEvent>& events = {},
                                      journal::RunStatus status = journal::RunStatus::completed) {
    auto j = journal::RunJournal::open(db_path.toStdString());
    if (!j) return 0;
    journal::RunStart start;
    start.recipe_name = "g-bi033sb067";
    start.recipe_text = read_text(example_recipe("g-bi033sb067.toml")).toStdString();
    start.recipe_sha256 = "00";
    start.software_version = "test";
    start.git_revision = "test";
    start.instruments_json = "{}";
    start.operator_name = "ci";
    auto id = j->begin_run(start);
    if (!id || !j->append(*id, samples, events) || !j->end_run(*id, status)) return 0;
    return *id;
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
