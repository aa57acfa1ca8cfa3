#include "drivers/io/io_thread.hpp"

namespace edc::io {

IoThread::IoThread() : guard_(boost::asio::make_work_guard(context_)), thread_([this] { serve(); }) {}

void IoThread::serve() noexcept {
    // A handler that throws must not end the process (std::terminate) nor stop the other
    // transports: asio lets run() be called again after an exception left it. The failed
    // operation's caller sees its own deadline pass.
    for (;;) {
        try {
            context_.run();
            return;
        } catch (...) {  // NOLINT(bugprone-empty-catch): dropped on purpose, see above
        }
    }
}

IoThread::~IoThread() {
    guard_.reset();
    context_.stop();
    if (thread_.joinable()) thread_.join();
}

}  // namespace edc::io
