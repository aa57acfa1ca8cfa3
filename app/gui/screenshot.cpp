#include "app/gui/screenshot.hpp"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QPixmap>
#include <QThread>
#include <cstdio>

namespace edc::gui {

bool wait_until(const std::function<bool()>& ready, int timeout_ms) {
    QElapsedTimer timer;
    timer.start();
    while (!ready()) {
        if (timer.elapsed() > timeout_ms) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
    return true;
}

namespace {

bool plan_settled(const MainWindow& w) {
    return !w.plan()->planning();
}

}  // namespace

int take_screenshot(MainWindow& w, const ScreenshotRequest& r) {
    using Screen = MainWindow::Screen;
    bool ok = true;
    auto settle = [&](const std::function<bool()>& ready, const char* what) {
        if (ok && !wait_until(ready, r.timeout_ms)) {
            std::fprintf(stderr, "edc-gui: screenshot: timed out waiting for %s\n", what);
            ok = false;
        }
    };
    bool history_loaded = false;
    QObject::connect(w.history(), &HistoryScreen::runs_loaded, &w, [&] { history_loaded = true; });

    if (r.screen == QLatin1String("recipes")) {
        w.show_screen(Screen::recipes);
    } else if (r.screen == QLatin1String("plan")) {
        w.show_screen(Screen::plan);
        settle([&] { return plan_settled(w); }, "the plan");
    } else if (r.screen == QLatin1String("instruments")) {
        w.show_screen(Screen::instruments);
        settle([&] { return plan_settled(w); }, "the plan");
        w.instruments()->rescan_ports();
        w.instruments()->identify();  // shows what the recipe's ports answer (or why not)
        settle([&] { return !w.instruments()->busy(); }, "the instruments");
    } else if (r.screen == QLatin1String("run")) {
        w.instruments()->set_simulate(true);
        w.instruments()->set_speed(r.speed);
        settle([&] { return plan_settled(w); }, "the plan");
        w.instruments()->tick_checklist(true);
        if (ok && !w.can_start()) {
            std::fprintf(stderr, "edc-gui: screenshot: cannot start: %s\n", qPrintable(w.why_not_start()));
            return 1;
        }
        w.start_run();
        settle([&] { return w.run()->active(); }, "the run to start");
        settle([&] { return !w.run()->active(); }, "the run to finish");
        if (!w.run()->error_text().isEmpty())
            std::fprintf(stderr, "edc-gui: screenshot: run: %s\n", qPrintable(w.run()->error_text()));
    } else if (r.screen == QLatin1String("history")) {
        w.show_screen(Screen::history);
        w.history()->reload();
        settle([&] { return history_loaded; }, "the journal");
        if (const auto first = w.history()->run_at(0); ok && first) {
            const std::int64_t id = *first;
            w.history()->select_run(id);
            settle([&] { return w.history()->detail() && w.history()->detail()->record.id == id; },
                   "the run detail");
        }
    } else {
        std::fprintf(stderr,
                     "edc-gui: --screen must be recipes, plan, instruments, run or history (got %s)\n",
                     qPrintable(r.screen));
        return 2;
    }
    // Let layouts and charts settle before rendering.
    wait_until([] { return false; }, 300);
    if (!w.grab().save(r.file, "PNG")) {
        std::fprintf(stderr, "edc-gui: cannot write %s\n", qPrintable(r.file));
        return 2;
    }
    return ok ? 0 : 1;
}

}  // namespace edc::gui
