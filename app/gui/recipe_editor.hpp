#pragma once
// A plain-text recipe editor with line numbers and an inline error marker: the line a
// validation error names is tinted and its number drawn in red, with the message as tooltip.
#include <QPlainTextEdit>

namespace edc::gui {

class RecipeEditor : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit RecipeEditor(QWidget* parent = nullptr);

    // line/column are 1-based; line 0 clears the marker.
    void mark_error(int line, int column, const QString& message);
    [[nodiscard]] int error_line() const { return error_line_; }
    void go_to_error();

    int line_number_width() const;
    void paint_line_numbers(QPaintEvent* event);

protected:
    void resizeEvent(QResizeEvent* event) override;
    bool viewportEvent(QEvent* event) override;

private:
    void update_margin();
    void update_line_area(const QRect& rect, int dy);

    QWidget* line_area_;
    int error_line_ = 0;
    int error_column_ = 0;
    QString error_message_;
};

}  // namespace edc::gui
