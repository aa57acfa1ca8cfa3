#pragma once
// Reading validated values out of a toml++ table, each error at the file:line:col of the key or
// value at fault. Private to recipes/format (it exposes toml++ types).
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "recipes/format/toml.hpp"

#include "recipes/format/quantity.hpp"

namespace edc::recipes::detail {

// Thrown inside parse_recipe only and turned into an edc::Error there; never escapes it.
struct RecipeProblem {
    std::string where;  // file:line:col
    std::string what;
};

class ErrorSink {
public:
    explicit ErrorSink(std::string file) : file_(std::move(file)) {}
    [[noreturn]] void at(const toml::source_region& region, std::string what) const;
    [[nodiscard]] const std::string& file() const noexcept { return file_; }

private:
    std::string file_;
};

// One [section] (or inline table): only the listed keys are allowed; each accessor marks its key
// as read.
class Section {
public:
    // Rejects keys not in `allowed` at once, at the key's position.
    Section(const toml::table& table, std::string name, std::initializer_list<std::string_view> allowed,
            const ErrorSink& errors);

    [[nodiscard]] const toml::table& table() const noexcept { return table_; }
    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] bool has(std::string_view key) const { return table_.contains(key); }
    [[nodiscard]] const toml::node* node(std::string_view key) const { return table_.get(key); }

    [[nodiscard]] std::string required_string(std::string_view key, std::string_view expected) const;
    [[nodiscard]] std::optional<std::string> optional_string(std::string_view key, std::string_view expected) const;
    [[nodiscard]] double required_quantity(std::string_view key, Dimension dimension) const;
    [[nodiscard]] std::optional<double> optional_quantity(std::string_view key, Dimension dimension) const;
    [[nodiscard]] double required_number(std::string_view key, std::string_view expected) const;
    [[nodiscard]] std::optional<double> optional_number(std::string_view key, std::string_view expected) const;
    [[nodiscard]] std::optional<long long> optional_integer(std::string_view key, std::string_view expected) const;
    [[nodiscard]] const toml::table& required_table(std::string_view key, std::string_view expected) const;
    [[nodiscard]] const toml::array& required_array(std::string_view key, std::string_view expected) const;

    // An error at the value of `key` (which must exist).
    [[noreturn]] void error_at_value(std::string_view key, std::string what) const;
    // An error at the section itself (its header, or the opening brace of an inline table).
    [[noreturn]] void error_here(std::string what) const;
    [[nodiscard]] const ErrorSink& errors() const noexcept { return errors_; }

private:
    [[noreturn]] void missing(std::string_view key, std::string_view expected) const;
    [[noreturn]] void wrong_type(std::string_view key, const toml::node& value, std::string_view expected) const;

    const toml::table& table_;
    std::string name_;
    const ErrorSink& errors_;
};

// "a string", "an integer", ...: how a TOML value's type is named in error messages.
[[nodiscard]] std::string_view type_name(const toml::node& n) noexcept;
// A finite number from an integer or floating-point node.
[[nodiscard]] std::optional<double> as_finite_number(const toml::node& n) noexcept;

}  // namespace edc::recipes::detail
