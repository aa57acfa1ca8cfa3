#pragma once
// `edc-gui --screenshot FILE.png --screen NAME`: brings one screen to the state worth showing
// (for `run`: after a short simulated run at high speed), renders the window and exits.
#include <QString>
#include <functional>

#include "app/gui/main_window.hpp"

namespace edc::gui {

struct ScreenshotRequest {
    QString file;
    QString screen = QStringLiteral("recipes");  // recipes, plan, instruments, run, history
    double speed = 40.0;                         // simulated-time factor for `run`
    int timeout_ms = 180000;
};

// Processes events until `ready` holds or the timeout passes; false on timeout.
bool wait_until(const std::function<bool()>& ready, int timeout_ms);

// Returns the process exit code: 0 written, 1 the screen never became ready, 2 bad request or
// the file could not be written. Errors go to stderr.
int take_screenshot(MainWindow& window, const ScreenshotRequest& request);

}  // namespace edc::gui
