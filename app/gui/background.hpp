#pragma once
// Work the GUI thread must not wait for (journal queries, port scans, instrument identification,
// starting a run's simulators) runs on Qt's thread pool; its result comes back to the GUI
// thread as a queued call, and is dropped when the receiving widget is gone.
#include <QCoreApplication>
#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QThreadPool>
#include <memory>
#include <utility>

namespace edc::gui {

template <class Work, class Done>
void run_in_background(QObject* receiver, Work work, Done done) {
    QPointer<QObject> guard(receiver);
    auto shared_work = std::make_shared<Work>(std::move(work));
    auto shared_done = std::make_shared<Done>(std::move(done));
    QThreadPool::globalInstance()->start([guard, shared_work, shared_done] {
        using R = decltype((*shared_work)());
        auto result = std::make_shared<R>((*shared_work)());
        // Queued on the application object, so the guard is tested on the GUI thread, where
        // the receiver would be destroyed.
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [guard, shared_done, result] {
                if (guard) (*shared_done)(std::move(*result));
            },
            Qt::QueuedConnection);
    });
}

}  // namespace edc::gui
