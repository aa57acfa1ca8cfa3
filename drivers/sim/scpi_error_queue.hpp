#pragma once
// The instrument's SCPI error queue: FIFO of `capacity` entries; when full, the newest entry
// becomes -350 "Queue overflow" and further errors are lost until something is read.
#include <deque>
#include <string>

namespace edc::sim {

struct ScpiErrorEntry {
    int code = 0;
    std::string text;
};

class ScpiErrorQueue {
public:
    explicit ScpiErrorQueue(std::size_t capacity = 10) : capacity_(capacity) {}

    void push(int code, std::string text) {
        if (entries_.size() < capacity_) {
            entries_.push_back({code, std::move(text)});
        } else if (entries_.back().code != -350) {
            entries_.back() = {-350, "Queue overflow"};
        }
    }
    [[nodiscard]] ScpiErrorEntry pop() {
        if (entries_.empty()) return {0, "No error"};
        auto e = entries_.front();
        entries_.pop_front();
        return e;
    }
    void clear() noexcept { entries_.clear(); }
    [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

private:
    std::size_t capacity_;
    std::deque<ScpiErrorEntry> entries_;
};

}  // namespace edc::sim
