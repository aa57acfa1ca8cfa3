#pragma once
// Reading one JSON object of the simulator's state file (sim_state_file.hpp) field by field,
// naming the file and the field's path in every error: "FILE: pump.rate_unit: missing". Shared
// by the file's own sections and the instruments' (sim_instrument_state.hpp).
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "control/error.hpp"

namespace edc::sim {

// Reads fields of one JSON object, naming the file and the field's path in every error.
class StateFields {
public:
    StateFields(const nlohmann::json& object, std::string file, std::string path)
        : object_(object), file_(std::move(file)), path_(std::move(path)) {}

    [[nodiscard]] Result<double> number(const char* key) const {
        const auto* v = find(key);
        if (v == nullptr) return missing(key);
        if (!v->is_number() || !std::isfinite(v->get<double>())) return bad(key, "not a finite number");
        return v->get<double>();
    }
    [[nodiscard]] Result<bool> boolean(const char* key) const {
        const auto* v = find(key);
        if (v == nullptr) return missing(key);
        if (!v->is_boolean()) return bad(key, "not true or false");
        return v->get<bool>();
    }
    [[nodiscard]] Result<std::string> text(const char* key) const {
        const auto* v = find(key);
        if (v == nullptr) return missing(key);
        if (!v->is_string()) return bad(key, "not a string");
        return v->get<std::string>();
    }
    [[nodiscard]] Result<StateFields> object(const char* key) const {
        const auto* v = find(key);
        if (v == nullptr) return missing(key);
        if (!v->is_object()) return bad(key, "not an object");
        return StateFields(*v, file_, name(key));
    }
    [[nodiscard]] const nlohmann::json* find(const char* key) const {
        const auto it = object_.find(key);
        return it == object_.end() || it->is_null() ? nullptr : &*it;
    }
    [[nodiscard]] std::string name(const char* key) const { return path_.empty() ? key : path_ + "." + key; }
    [[nodiscard]] std::unexpected<Error> bad(const char* key, const std::string& what) const {
        return fail("sim_state_invalid", file_ + ": " + name(key) + ": " + what, "sim_state_file.cpp");
    }
    [[nodiscard]] const std::string& file() const noexcept { return file_; }

    // Reads into `out`; the first failure is kept (error()) and later reads do nothing, so a
    // function reads its fields in a row and checks once.
    template <typename T>
    void take(Result<T> value, T& out) {
        if (error_) return;
        if (value)
            out = std::move(*value);
        else
            error_ = value.error();
    }
    template <typename T>
    void take(Result<T> value, std::optional<T>& out) {
        if (error_) return;
        if (value)
            out = std::move(*value);
        else
            error_ = value.error();
    }
    [[nodiscard]] bool failed() const noexcept { return error_.has_value(); }
    [[nodiscard]] std::unexpected<Error> error() const { return std::unexpected(*error_); }

private:
    [[nodiscard]] std::unexpected<Error> missing(const char* key) const { return bad(key, "missing"); }

    const nlohmann::json& object_;
    std::string file_;
    std::string path_;
    std::optional<Error> error_;
};

}  // namespace edc::sim
