#pragma once
// One Boost.Asio io_context on its own thread. Every transport of a run shares it; callers block
// on futures, so the io thread is never a caller (a blocking call from it would deadlock).
#include <thread>

#include "drivers/io/asio.hpp"

namespace edc::io {

class IoThread {
public:
    IoThread();
    ~IoThread();  // stops the context and joins; destroy transports first
    IoThread(const IoThread&) = delete;
    IoThread& operator=(const IoThread&) = delete;

    boost::asio::io_context& context() { return context_; }
    bool on_io_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

private:
    void serve() noexcept;
    boost::asio::io_context context_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
    std::thread thread_;
};

}  // namespace edc::io
