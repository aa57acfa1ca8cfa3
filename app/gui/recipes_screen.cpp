#include "app/gui/recipes_screen.hpp"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

#include "app/gui/background.hpp"
#include "app/gui/journal_queries.hpp"
#include "recipes/format/sha256.hpp"

namespace edc::gui {
namespace {

// "file:line:col" -> {line, col}; file names may contain ':' so read from the right.
std::pair<int, int> line_and_column(const QString& where) {
    const QStringList parts = where.split(QLatin1Char(':'));
    if (parts.size() < 3) return {0, 0};
    bool ok_line = false, ok_col = false;
    const int line = parts[parts.size() - 2].toInt(&ok_line);
    const int col = parts[parts.size() - 1].toInt(&ok_col);
    return {ok_line ? line : 0, ok_col ? col : 0};
}

std::optional<std::string> file_sha256(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return std::nullopt;
    const QByteArray bytes = f.readAll();
    return recipes::sha256_hex(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())));
}

}  // namespace

RecipesScreen::RecipesScreen(QWidget* parent)
    : QWidget(parent),
      folder_label_(new QLabel(this)),
      list_(new QListWidget(this)),
      editor_(new RecipeEditor(this)),
      status_(new QLabel(this)),
      ran_label_(new QLabel(this)),
      goto_error_(new QPushButton(tr("&Go to error"), this)) {
    debounce_.setSingleShot(true);
    debounce_.setInterval(250);
    connect(&debounce_, &QTimer::timeout, this, &RecipesScreen::validate);
    connect(editor_, &QPlainTextEdit::textChanged, this, [this] { debounce_.start(); });

    auto* folder_button = new QPushButton(tr("&Folder…"), this);
    connect(folder_button, &QPushButton::clicked, this, &RecipesScreen::choose_folder);
    auto* reload_button = new QPushButton(tr("Re&load"), this);
    connect(reload_button, &QPushButton::clicked, this, [this] { reload_list(); });
    list_->setObjectName(QStringLiteral("recipe_list"));
    connect(list_, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { open_recipe(item->data(Qt::UserRole).toString()); });
    connect(list_, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        if (item) open_recipe(item->data(Qt::UserRole).toString());
    });

    auto* left = new QWidget(this);
    auto* left_layout = new QVBoxLayout(left);
    left_layout->setContentsMargins(0, 0, 0, 0);
    folder_label_->setWordWrap(true);
    left_layout->addWidget(new QLabel(tr("<b>Recipe folder</b>"), left));
    left_layout->addWidget(folder_label_);
    auto* folder_row = new QHBoxLayout();
    folder_row->addWidget(folder_button);
    folder_row->addWidget(reload_button);
    left_layout->addLayout(folder_row);
    left_layout->addWidget(list_, 1);

    status_->setObjectName(QStringLiteral("validation_status"));
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    ran_label_->setObjectName(QStringLiteral("ran_status"));
    ran_label_->setWordWrap(true);
    goto_error_->setShortcut(QKeySequence(Qt::Key_F8));
    goto_error_->setToolTip(tr("Move the cursor to the error (F8)"));
    goto_error_->setEnabled(false);
    connect(goto_error_, &QPushButton::clicked, editor_, &RecipeEditor::go_to_error);
    auto* save_button = new QPushButton(tr("&Save as new file…"), this);
    save_button->setShortcut(QKeySequence::SaveAs);
    save_button->setToolTip(tr("Recipes are never overwritten in place (Ctrl+Shift+S)"));
    connect(save_button, &QPushButton::clicked, this, &RecipesScreen::save_as_dialog);

    auto* right = new QWidget(this);
    auto* right_layout = new QVBoxLayout(right);
    right_layout->setContentsMargins(0, 0, 0, 0);
    right_layout->addWidget(editor_, 1);
    auto* status_row = new QHBoxLayout();
    status_row->addWidget(status_, 1);
    status_row->addWidget(goto_error_);
    status_row->addWidget(save_button);
    right_layout->addLayout(status_row);
    right_layout->addWidget(ran_label_);

    auto* split = new QSplitter(this);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);
    validate();
}

void RecipesScreen::set_folder(const QString& folder) {
    folder_ = folder;
    folder_label_->setText(QDir::toNativeSeparators(folder));
    reload_list();
}

void RecipesScreen::reload_list() {
    const QSignalBlocker block(list_);
    list_->clear();
    const QDir dir(folder_);
    for (const QFileInfo& f : dir.entryInfoList({QStringLiteral("*.toml")}, QDir::Files, QDir::Name)) {
        auto* item = new QListWidgetItem(f.fileName(), list_);
        item->setData(Qt::UserRole, f.absoluteFilePath());
        if (f.absoluteFilePath() == QFileInfo(path_).absoluteFilePath()) list_->setCurrentItem(item);
    }
}

void RecipesScreen::choose_folder() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Recipe folder"), folder_);
    if (!dir.isEmpty()) set_folder(dir);
}

void RecipesScreen::set_db_path(const QString& db_path) {
    db_path_ = db_path.toStdString();
    refresh_ran();
}

void RecipesScreen::refresh_ran() {
    if (db_path_.empty()) return;
    run_in_background(
        this, [db = db_path_] { return recipes_that_ran(db); },
        [this](Result<std::map<std::string, std::int64_t>> ran) {
            if (ran) ran_ = std::move(*ran);
            update_ran_label();
        });
}

bool RecipesScreen::open_recipe(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) {
        status_->setText(tr("<span style='color:#c62828'>Cannot open %1: %2</span>")
                             .arg(path.toHtmlEscaped(), f.errorString().toHtmlEscaped()));
        return false;
    }
    path_ = path;
    {
        const QSignalBlocker block(list_);
        for (int i = 0; i < list_->count(); ++i)
            if (QFileInfo(list_->item(i)->data(Qt::UserRole).toString()) == QFileInfo(path))
                list_->setCurrentRow(i);
    }
    set_text(QString::fromUtf8(f.readAll()), path);
    return true;
}

void RecipesScreen::set_text(const QString& text, const QString& name_for_errors) {
    name_for_errors_ = name_for_errors;
    editor_->setPlainText(text);
    validate();  // now, not after the typing debounce
}

void RecipesScreen::validate() {
    debounce_.stop();
    const QByteArray utf8 = editor_->toPlainText().toUtf8();
    if (utf8.trimmed().isEmpty()) {
        editor_->mark_error(0, 0, {});
        goto_error_->setEnabled(false);
        status_->setText(tr("Open a recipe from the folder list, or type one."));
        const bool had = recipe_.has_value();
        recipe_.reset();
        last_valid_sha_.clear();
        if (had) emit recipe_changed();
        return;
    }
    const std::string name =
        name_for_errors_.isEmpty() ? std::string("recipe.toml") : name_for_errors_.toStdString();
    auto parsed = recipes::parse_recipe(
        std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())), name);
    if (parsed) {
        editor_->mark_error(0, 0, {});
        goto_error_->setEnabled(false);
        status_->setText(tr("<span style='color:#2e7d32'>✔ Valid recipe “%1”</span>")
                             .arg(QString::fromStdString(parsed->name).toHtmlEscaped()));
        const bool changed = !recipe_ || parsed->sha256 != last_valid_sha_;
        last_valid_sha_ = parsed->sha256;
        recipe_ = std::move(*parsed);
        update_ran_label();
        if (changed) emit recipe_changed();
        return;
    }
    const auto [line, col] = line_and_column(QString::fromStdString(parsed.error().where));
    const QString message = QString::fromStdString(parsed.error().message);
    editor_->mark_error(line, col, message);
    goto_error_->setEnabled(line > 0);
    status_->setText(tr("<span style='color:#c62828'>✘ %1</span>").arg(message.toHtmlEscaped()));
    const bool had = recipe_.has_value();
    recipe_.reset();
    last_valid_sha_.clear();
    update_ran_label();
    if (had) emit recipe_changed();
}

QString RecipesScreen::error_text() const {
    return recipe_ ? QString() : status_->text();
}

std::optional<std::int64_t> RecipesScreen::ran_as() const {
    const QByteArray utf8 = editor_->toPlainText().toUtf8();
    const auto it = ran_.find(
        recipes::sha256_hex(std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size()))));
    if (it == ran_.end()) return std::nullopt;
    return it->second;
}

void RecipesScreen::update_ran_label() {
    std::optional<std::int64_t> file_ran;
    if (!path_.isEmpty())
        if (auto sha = file_sha256(path_); sha)
            if (auto it = ran_.find(*sha); it != ran_.end()) file_ran = it->second;
    if (file_ran)
        ran_label_->setText(
            tr("ℹ The file %1 ran as run #%2: the journal keeps its text, and edits are saved "
               "as a new file.")
                .arg(QFileInfo(path_).fileName())
                .arg(*file_ran));
    else
        ran_label_->setText(path_.isEmpty() ? QString()
                                            : tr("File: %1").arg(QDir::toNativeSeparators(path_)));
}

Result<void> RecipesScreen::save_as(const QString& path) {
    if (QFileInfo::exists(path)) {
        if (auto sha = file_sha256(path); sha)
            if (auto it = ran_.find(*sha); it != ran_.end())
                return fail("recipe_ran",
                            QStringLiteral("%1 ran as run #%2 and is kept as it ran; choose a new file name")
                                .arg(path)
                                .arg(it->second)
                                .toStdString(),
                            path.toStdString());
    }
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
        return fail("save_failed",
                    QStringLiteral("cannot write %1: %2").arg(path, f.errorString()).toStdString(),
                    path.toStdString());
    const QByteArray utf8 = editor_->toPlainText().toUtf8();
    if (f.write(utf8) != utf8.size() || !f.flush())
        return fail("save_failed",
                    QStringLiteral("writing %1 failed: %2").arg(path, f.errorString()).toStdString(),
                    path.toStdString());
    f.close();
    path_ = path;
    name_for_errors_ = path;
    if (QFileInfo(path).absolutePath() == QFileInfo(folder_).absoluteFilePath()) reload_list();
    validate();
    update_ran_label();
    return {};
}

void RecipesScreen::save_as_dialog() {
    QString suggestion = path_.isEmpty() ? folder_ + QStringLiteral("/new-recipe.toml") : path_;
    if (!path_.isEmpty()) {
        const QFileInfo fi(path_);
        suggestion =
            fi.absolutePath() + QLatin1Char('/') + fi.completeBaseName() + QStringLiteral("-copy.toml");
    }
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save recipe as new file"), suggestion, tr("Recipes (*.toml)"));
    if (path.isEmpty()) return;
    if (auto saved = save_as(path); !saved)
        status_->setText(tr("<span style='color:#c62828'>✘ %1</span>")
                             .arg(QString::fromStdString(saved.error().message).toHtmlEscaped()));
}

}  // namespace edc::gui
