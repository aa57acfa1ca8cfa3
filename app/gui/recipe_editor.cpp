#include "app/gui/recipe_editor.hpp"

#include <QFontDatabase>
#include <QHelpEvent>
#include <QPainter>
#include <QTextBlock>
#include <QToolTip>

namespace edc::gui {
namespace {

class LineNumberArea : public QWidget {
public:
    explicit LineNumberArea(RecipeEditor* editor) : QWidget(editor), editor_(editor) {}
    QSize sizeHint() const override { return {editor_->line_number_width(), 0}; }

protected:
    void paintEvent(QPaintEvent* event) override { editor_->paint_line_numbers(event); }

private:
    RecipeEditor* editor_;
};

}  // namespace

RecipeEditor::RecipeEditor(QWidget* parent) : QPlainTextEdit(parent), line_area_(new LineNumberArea(this)) {
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setTabChangesFocus(true);  // keyboard users leave the editor with Tab
    connect(this, &QPlainTextEdit::blockCountChanged, this, [this] { update_margin(); });
    connect(this, &QPlainTextEdit::updateRequest, this, &RecipeEditor::update_line_area);
    update_margin();
}

int RecipeEditor::line_number_width() const {
    int digits = 1;
    for (int n = std::max(1, blockCount()); n >= 10; n /= 10) ++digits;
    return 8 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * (digits + 1);
}

void RecipeEditor::update_margin() {
    setViewportMargins(line_number_width(), 0, 0, 0);
}

void RecipeEditor::update_line_area(const QRect& rect, int dy) {
    if (dy != 0)
        line_area_->scroll(0, dy);
    else
        line_area_->update(0, rect.y(), line_area_->width(), rect.height());
    if (rect.contains(viewport()->rect())) update_margin();
}

void RecipeEditor::resizeEvent(QResizeEvent* event) {
    QPlainTextEdit::resizeEvent(event);
    const QRect r = contentsRect();
    line_area_->setGeometry(QRect(r.left(), r.top(), line_number_width(), r.height()));
}

void RecipeEditor::paint_line_numbers(QPaintEvent* event) {
    QPainter painter(line_area_);
    painter.fillRect(event->rect(), palette().color(QPalette::AlternateBase));
    QTextBlock block = firstVisibleBlock();
    int number = block.blockNumber() + 1;
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    int bottom = top + qRound(blockBoundingRect(block).height());
    while (block.isValid() && top <= event->rect().bottom()) {
        if (block.isVisible() && bottom >= event->rect().top()) {
            const bool is_error = number == error_line_;
            QFont f = font();
            f.setBold(is_error);
            painter.setFont(f);
            painter.setPen(is_error ? QColor(0xc6, 0x28, 0x28) : palette().color(QPalette::PlaceholderText));
            painter.drawText(0, top, line_area_->width() - 4, fontMetrics().height(), Qt::AlignRight,
                             is_error ? QStringLiteral("▶%1").arg(number) : QString::number(number));
        }
        block = block.next();
        top = bottom;
        bottom = top + qRound(blockBoundingRect(block).height());
        ++number;
    }
}

void RecipeEditor::mark_error(int line, int column, const QString& message) {
    error_line_ = line;
    error_column_ = column;
    error_message_ = message;
    QList<QTextEdit::ExtraSelection> marks;
    if (line > 0) {
        QTextEdit::ExtraSelection mark;
        mark.format.setBackground(QColor(0xff, 0xcd, 0xd2));
        mark.format.setProperty(QTextFormat::FullWidthSelection, true);
        mark.format.setToolTip(message);
        mark.cursor = QTextCursor(document()->findBlockByNumber(line - 1));
        marks.append(mark);
    }
    setExtraSelections(marks);
    line_area_->update();
}

void RecipeEditor::go_to_error() {
    if (error_line_ <= 0) return;
    QTextBlock block = document()->findBlockByNumber(error_line_ - 1);
    QTextCursor c(block);
    c.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor,
                   std::clamp(error_column_ - 1, 0, block.length() - 1));
    setTextCursor(c);
    centerCursor();
    setFocus();
}

bool RecipeEditor::viewportEvent(QEvent* event) {
    if (event->type() == QEvent::ToolTip && error_line_ > 0) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QTextCursor c = cursorForPosition(help->pos());
        if (c.blockNumber() + 1 == error_line_) {
            QToolTip::showText(help->globalPos(), error_message_, this);
            return true;
        }
    }
    return QPlainTextEdit::viewportEvent(event);
}

}  // namespace edc::gui
