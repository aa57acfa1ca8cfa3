#include "drivers/io/io_thread.hpp"

namespace edc::io {

IoThread::IoThread() : guard_(boost::asio::make_work_guard(context_)), thread_([this] { context_.run(); }) {}

IoThread::~IoThread() {
    guard_.reset();
    context_.stop();
    if (thread_.joinable()) thread_.join();
}

}  // namespace edc::io
