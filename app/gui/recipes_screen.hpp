#pragma once
// Recipes: the recipe folder, an editor validating as the CLI does (errors at their line), and
// "save as new file". A recipe whose text already ran is never overwritten: the journal keeps
// the text that ran by its sha256, and edits go to a new file.
#include <QString>
#include <QTimer>
#include <QWidget>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "app/gui/recipe_editor.hpp"
#include "recipes/format/recipe.hpp"

class QLabel;
class QListWidget;
class QPushButton;

namespace edc::gui {

class RecipesScreen : public QWidget {
    Q_OBJECT
public:
    explicit RecipesScreen(QWidget* parent = nullptr);

    void set_folder(const QString& folder);
    [[nodiscard]] QString folder() const { return folder_; }
    void set_db_path(const QString& db_path);  // reloads which recipe texts already ran
    void refresh_ran();
    bool open_recipe(const QString& path);
    void set_text(const QString& text, const QString& name_for_errors);  // validates now
    // Writes the editor's text to `path`. Refused when `path` holds a recipe text that ran.
    Result<void> save_as(const QString& path);

    [[nodiscard]] const std::optional<recipes::Recipe>& recipe() const { return recipe_; }
    [[nodiscard]] QString current_path() const { return path_; }
    [[nodiscard]] RecipeEditor* editor() const { return editor_; }
    [[nodiscard]] QString error_text() const;
    [[nodiscard]] int error_line() const { return editor_->error_line(); }
    // The run that used this exact text, if any (the journal's newest).
    [[nodiscard]] std::optional<std::int64_t> ran_as() const;

signals:
    void recipe_changed();  // a new valid recipe, or the recipe became invalid

public slots:
    void validate();
    void choose_folder();
    void save_as_dialog();

private:
    void reload_list();
    void update_ran_label();

    QString folder_;
    QString path_;
    QString name_for_errors_;
    std::string db_path_;
    std::map<std::string, std::int64_t> ran_;  // recipe sha256 -> newest run id
    std::optional<recipes::Recipe> recipe_;
    std::string last_valid_sha_;
    QTimer debounce_;
    QLabel* folder_label_;
    QListWidget* list_;
    RecipeEditor* editor_;
    QLabel* status_;
    QLabel* ran_label_;
    QPushButton* goto_error_;
};

}  // namespace edc::gui
