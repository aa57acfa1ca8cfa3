#pragma once
// What a simulated instrument was told, command by command, as it parsed them: tests read it
// (SimSnapshot::galvanostat_command_log / pump_command_log) to show that a probe or a bring-up
// sent nothing that changes the instrument's state. The last `capacity` commands are kept, so a
// long run does not grow it without bound.
#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace edc::sim {

class CommandLog {
public:
    static constexpr std::size_t capacity = 256;

    void add(std::string_view command) {
        if (entries_.size() == capacity) entries_.pop_front();
        entries_.emplace_back(command);
    }
    [[nodiscard]] std::vector<std::string> entries() const { return {entries_.begin(), entries_.end()}; }

private:
    std::deque<std::string> entries_;
};

}  // namespace edc::sim
