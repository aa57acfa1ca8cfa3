#pragma once
// A ByteTransport for transcript tests: each expected write carries the reply bytes the
// instrument gives to it. Records every write; a write that differs from the script is kept
// for the test to report, and gets no reply.
#include <deque>
#include <string>
#include <vector>

#include "drivers/io/transport.hpp"

namespace edc::test {

class ScriptedTransport final : public io::ByteTransport {
public:
    struct Step {
        std::string sent;
        std::string reply;
    };

    ScriptedTransport& expect(std::string sent, std::string reply = {}) {
        script_.push_back({std::move(sent), std::move(reply)});
        return *this;
    }

    Result<void> write(std::string_view bytes, std::chrono::milliseconds) override {
        written.emplace_back(bytes);
        if (disconnected) return fail("disconnected", "scripted disconnect", name_);
        if (script_.empty() || script_.front().sent != bytes) {
            unexpected.emplace_back(bytes);
            return {};
        }
        input_ += script_.front().reply;
        script_.pop_front();
        return {};
    }

    Result<std::string> read_until(const io::Framer& framer, std::chrono::milliseconds) override {
        while (!input_.empty()) {
            auto s = framer.scan(input_);
            if (s.status == io::FrameStatus::complete || s.status == io::FrameStatus::complete_if_quiet) {
                input_.erase(0, s.consumed);
                return s.payload;
            }
            if (s.status == io::FrameStatus::malformed) {
                input_.erase(0, std::max<std::size_t>(1, s.consumed));
                if (s.error == "crc_mismatch") return fail("crc_mismatch", "scripted crc mismatch", name_);
                continue;
            }
            break;
        }
        if (disconnected) return fail("disconnected", "scripted disconnect", name_);
        return fail("timeout", "no scripted reply", name_);
    }

    void drain() override {
        input_.clear();
        ++drains;
    }
    const std::string& name() const override { return name_; }

    bool script_done() const { return script_.empty(); }
    std::vector<std::string> written;
    std::vector<std::string> unexpected;
    bool disconnected = false;
    int drains = 0;

private:
    std::deque<Step> script_;
    std::string input_;
    std::string name_ = "scripted";
};

}  // namespace edc::test
