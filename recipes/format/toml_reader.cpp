#include "recipes/format/toml_reader.hpp"

#include <cmath>

#include "control/text.hpp"

namespace edc::recipes::detail {

void ErrorSink::at(const toml::source_region& region, std::string what) const {
    // Nodes built by the parser always carry a position; 1:1 is the fallback for the document.
    const auto line = region.begin.line > 0 ? region.begin.line : 1U;
    const auto column = region.begin.column > 0 ? region.begin.column : 1U;
    throw RecipeProblem{strf("%s:%u:%u", file_.c_str(), static_cast<unsigned>(line), static_cast<unsigned>(column)),
                        std::move(what)};
}

std::string_view type_name(const toml::node& n) noexcept {
    switch (n.type()) {
        case toml::node_type::table: return "a table";
        case toml::node_type::array: return "an array";
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a number";
        case toml::node_type::boolean: return "a boolean";
        case toml::node_type::date: return "a date";
        case toml::node_type::time: return "a time";
        case toml::node_type::date_time: return "a date-time";
        case toml::node_type::none: break;
    }
    return "nothing";
}

std::optional<double> as_finite_number(const toml::node& n) noexcept {
    if (const auto* i = n.as_integer()) return static_cast<double>(i->get());
    if (const auto* f = n.as_floating_point()) {
        if (std::isfinite(f->get())) return f->get();
    }
    return std::nullopt;
}

Section::Section(const toml::table& table, std::string name, std::initializer_list<std::string_view> allowed,
                 const ErrorSink& errors)
    : table_(table), name_(std::move(name)), errors_(errors) {
    for (auto&& [key, value] : table_) {
        bool known = false;
        for (const auto a : allowed) known = known || key.str() == a;
        if (known) continue;
        std::string list;
        for (const auto a : allowed) {
            if (!list.empty()) list += ", ";
            list += a;
        }
        if (name_.empty()) {
            errors_.at(key.source(), strf("unknown section %s; expected one of: %s", quote(key.str()).c_str(), list.c_str()));
        }
        errors_.at(key.source(), strf("unknown key %s in [%s]; expected one of: %s", quote(key.str()).c_str(),
                                      name_.c_str(), list.c_str()));
    }
}

void Section::error_at_value(std::string_view key, std::string what) const {
    const toml::node* n = table_.get(key);
    errors_.at(n != nullptr ? n->source() : table_.source(), std::move(what));
}

void Section::error_here(std::string what) const { errors_.at(table_.source(), std::move(what)); }

void Section::missing(std::string_view key, std::string_view expected) const {
    errors_.at(table_.source(), strf("missing key \"%.*s\" in [%s]; expected %.*s", static_cast<int>(key.size()),
                                     key.data(), name_.c_str(), static_cast<int>(expected.size()), expected.data()));
}

void Section::wrong_type(std::string_view key, const toml::node& value, std::string_view expected) const {
    errors_.at(value.source(), strf("%s.%.*s is %s; expected %.*s", name_.c_str(), static_cast<int>(key.size()),
                                    key.data(), std::string(type_name(value)).c_str(),
                                    static_cast<int>(expected.size()), expected.data()));
}

std::optional<std::string> Section::optional_string(std::string_view key, std::string_view expected) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return std::nullopt;
    const auto* s = n->as_string();
    if (s == nullptr) wrong_type(key, *n, expected);
    return s->get();
}

std::string Section::required_string(std::string_view key, std::string_view expected) const {
    auto s = optional_string(key, expected);
    if (!s) missing(key, expected);
    return *s;
}

std::optional<double> Section::optional_quantity(std::string_view key, Dimension dimension) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return std::nullopt;
    const std::string expected = strf("a string with a unit, such as \"%s\"", std::string(dimension_example(dimension)).c_str());
    const auto* s = n->as_string();
    if (s == nullptr) {
        if (n->is_number()) {
            errors_.at(n->source(), strf("%s.%.*s is a number without a unit; expected %s", name_.c_str(),
                                         static_cast<int>(key.size()), key.data(), expected.c_str()));
        }
        wrong_type(key, *n, expected);
    }
    auto value = parse_quantity_as(s->get(), dimension);
    if (!value) {
        errors_.at(n->source(), strf("%s.%.*s: %s", name_.c_str(), static_cast<int>(key.size()), key.data(),
                                     value.error().message.c_str()));
    }
    return *value;
}

double Section::required_quantity(std::string_view key, Dimension dimension) const {
    auto q = optional_quantity(key, dimension);
    if (!q) {
        missing(key, strf("a %s such as \"%s\"", std::string(dimension_name(dimension)).c_str(),
                          std::string(dimension_example(dimension)).c_str()));
    }
    return *q;
}

std::optional<double> Section::optional_number(std::string_view key, std::string_view expected) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return std::nullopt;
    if (!n->is_number()) wrong_type(key, *n, expected);
    const auto v = as_finite_number(*n);
    if (!v) {
        errors_.at(n->source(), strf("%s.%.*s is not finite; expected %.*s", name_.c_str(), static_cast<int>(key.size()),
                                     key.data(), static_cast<int>(expected.size()), expected.data()));
    }
    return v;
}

double Section::required_number(std::string_view key, std::string_view expected) const {
    auto v = optional_number(key, expected);
    if (!v) missing(key, expected);
    return *v;
}

std::optional<long long> Section::optional_integer(std::string_view key, std::string_view expected) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return std::nullopt;
    const auto* i = n->as_integer();
    if (i == nullptr) wrong_type(key, *n, expected);
    return static_cast<long long>(i->get());
}

const toml::table& Section::required_table(std::string_view key, std::string_view expected) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) missing(key, expected);
    const auto* t = n->as_table();
    if (t == nullptr) wrong_type(key, *n, expected);
    return *t;
}

const toml::array& Section::required_array(std::string_view key, std::string_view expected) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) missing(key, expected);
    const auto* a = n->as_array();
    if (a == nullptr) wrong_type(key, *n, expected);
    return *a;
}

}  // namespace edc::recipes::detail
