#include "recipes/format/plant_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>

#include "control/text.hpp"
#include "recipes/format/sha256.hpp"
#include "recipes/format/toml_guard.hpp"
#include "recipes/format/toml_reader.hpp"

namespace edc::recipes {
namespace {

using detail::ErrorSink;
using detail::RecipeProblem;
using detail::Section;

constexpr std::size_t max_plant_bytes = std::size_t{64} * 1024;
constexpr double max_concentration_mol_per_m3 = 5000.0;  // 5 M
constexpr std::size_t max_table_points = 16;             // as a recipe's table (model::Selectivity)

void check_range(const Section& s, std::string_view key, double v, bool ok, const char* expected) {
    if (ok) return;
    const toml::node* n = s.node(key);
    const std::string shown = n != nullptr && n->is_string() ? quote(n->as_string()->get()) : strf("%g", v);
    s.error_at_value(key, strf("plant.%.*s = %s is out of range; expected %s", static_cast<int>(key.size()),
                               key.data(), shown.c_str(), expected));
}

std::optional<model::Concentrations> read_bath(const Section& plant, std::string_view key) {
    if (!plant.has(key)) return std::nullopt;
    const auto& table =
        plant.required_table(key, R"(an inline table such as { Bi = "50 mM", Sb = "50 mM" })");
    const Section bath(table, "plant." + std::string(key), {"Bi", "Sb"}, plant.errors());
    model::Concentrations c;
    c.bi_mol_per_m3 = bath.required_quantity("Bi", Dimension::concentration);
    c.sb_mol_per_m3 = bath.required_quantity("Sb", Dimension::concentration);
    for (const auto& [metal, v] : {std::pair{"Bi", c.bi_mol_per_m3}, std::pair{"Sb", c.sb_mol_per_m3}}) {
        if (v < 0.0 || v > max_concentration_mol_per_m3) {
            bath.error_at_value(metal, strf("plant.%.*s.%s = %s is out of range; expected 0 to 5 M",
                                            static_cast<int>(key.size()), key.data(), metal,
                                            quote(bath.node(metal)->as_string()->get()).c_str()));
        }
    }
    return c;
}

std::vector<model::SelectivityPoint> read_selectivity(const Section& s) {
    const bool has_k = s.has("selectivity_k");
    const bool has_table = s.has("selectivity_table");
    if (has_k && has_table) {
        s.error_at_value("selectivity_table",
                         "plant has both selectivity_k and selectivity_table; expected one of them");
    }
    if (has_k) {
        const double k = s.required_number("selectivity_k", "a positive number such as 1.25");
        check_range(s, "selectivity_k", k, k > 0.0 && k <= 1e3, "a number in (0, 1000]");
        return {{1.0, k}};
    }
    if (!has_table) return {};
    const auto& table = s.required_array("selectivity_table", "an array of [c_Bi/c_Sb, k] pairs");
    if (table.empty() || table.size() > max_table_points) {
        s.error_at_value("selectivity_table",
                         strf("plant.selectivity_table has %zu points; expected 1 to %zu", table.size(),
                              max_table_points));
    }
    std::vector<model::SelectivityPoint> points;
    for (const auto& element : table) {
        const auto* pair = element.as_array();
        std::optional<double> ratio;
        std::optional<double> k;
        if (pair != nullptr && pair->size() == 2) {
            ratio = detail::as_finite_number(*pair->get(0));
            k = detail::as_finite_number(*pair->get(1));
        }
        if (!ratio || !k) {
            s.errors().at(element.source(),
                          "plant.selectivity_table entry is not a pair of finite numbers; expected "
                          "[c_Bi/c_Sb, k] such as [0.5, 1.2]");
        }
        if (*ratio < 0.0 || *k <= 0.0 || *k > 1e3) {
            s.errors().at(element.source(),
                          strf("plant.selectivity_table entry [%g, %g] is out of range; expected "
                               "c_Bi/c_Sb >= 0 and k in (0, 1000]",
                               *ratio, *k));
        }
        if (!points.empty() && *ratio <= points.back().ratio) {
            s.errors().at(element.source(),
                          strf("plant.selectivity_table ratio %g does not increase; expected ratios "
                               "in strictly increasing order",
                               *ratio));
        }
        points.push_back({*ratio, *k});
    }
    return points;
}

std::optional<double> fraction(const Section& s, std::string_view key, const char* example) {
    const auto v = s.optional_number(key, strf("a fraction in (0, 1] such as %s", example));
    if (v) check_range(s, key, *v, *v > 0.0 && *v <= 1.0, "a fraction in (0, 1]");
    return v;
}

std::optional<double> positive_quantity(const Section& s, std::string_view key, Dimension d, double max,
                                        const char* expected) {
    const auto v = s.optional_quantity(key, d);
    if (v) check_range(s, key, *v, *v > 0.0 && *v <= max, expected);
    return v;
}

PlantFile build(const toml::table& root, std::string_view text, const ErrorSink& errors) {
    const Section top(root, "", {"plant"}, errors);
    const toml::node* n = root.get("plant");
    if (n == nullptr)
        errors.at(toml::source_region{},
                  "missing section [plant]; expected [plant] with the keys to override");
    if (!n->is_table()) {
        errors.at(n->source(), strf("plant is %s; expected a section [plant]",
                                    std::string(detail::type_name(*n)).c_str()));
    }
    const Section s(*n->as_table(), "plant",
                    {"selectivity_k", "selectivity_table", "current_efficiency", "a", "b", "initial_volume",
                     "mixing_time", "syringe_diameter", "packing_fraction"},
                    errors);
    PlantFile p;
    p.source_path = errors.file();
    p.text = std::string(text);
    p.sha256 = sha256_hex(text);
    p.selectivity = read_selectivity(s);
    p.current_efficiency = fraction(s, "current_efficiency", "0.725");
    p.bath_a = read_bath(s, "a");
    p.feed_b = read_bath(s, "b");
    if (p.bath_a && p.bath_a->sb_mol_per_m3 <= 0.0) {
        s.error_at_value("a", "plant.a has no Sb; expected Sb > 0 (the film composition follows c_Bi/c_Sb)");
    }
    p.initial_volume_m3 =
        positive_quantity(s, "initial_volume", Dimension::volume, 10e-3, "above 0 and at most 10 L");
    p.syringe_diameter_m =
        positive_quantity(s, "syringe_diameter", Dimension::length, 50e-3, "above 0 and at most 50 mm");
    if (const auto t = s.optional_quantity("mixing_time", Dimension::time)) {
        check_range(s, "mixing_time", *t, *t >= 0.0 && *t <= 3600.0, "0 to 1 h");
        p.mixing_time_s = t;
    }
    p.packing_fraction = fraction(s, "packing_fraction", "0.868");
    return p;
}

}  // namespace

Result<PlantFile> parse_plant_file(std::string_view text, std::string_view name_for_errors) {
    const std::string file(name_for_errors);
    if (text.size() > max_plant_bytes) {
        return fail("invalid_plant",
                    strf("%s: plant file is %zu bytes; expected at most %zu (64 KiB)", file.c_str(),
                         text.size(), max_plant_bytes),
                    file);
    }
    if (const auto unsafe = detail::find_unsafe_text(text)) {
        const std::string where = strf("%s:%zu:%zu", file.c_str(), unsafe->line, unsafe->column);
        return fail("invalid_plant", where + ": " + unsafe->what, where);
    }
    const ErrorSink errors(file);
    try {
        if (detail::has_unsafe_code_points(text)) {
            (void)toml::parse(detail::neutralize_unsafe_code_points(text),
                              file);  // syntax only; see toml_guard.hpp
        }
        const toml::table root = toml::parse(text, file);
        return build(root, text, errors);
    } catch (const toml::parse_error& e) {
        const auto& begin = e.source().begin;
        const std::string where =
            strf("%s:%u:%u", file.c_str(), static_cast<unsigned>(std::max<toml::source_index>(begin.line, 1)),
                 static_cast<unsigned>(std::max<toml::source_index>(begin.column, 1)));
        return fail("invalid_plant",
                    strf("%s: TOML syntax error: %.*s", where.c_str(),
                         static_cast<int>(e.description().size()), e.description().data()),
                    where);
    } catch (const RecipeProblem& p) {
        return fail("invalid_plant", p.where + ": " + p.what, p.where);
    } catch (const detail::TomlInternalCheckFailed& e) {
        return fail("invalid_plant",
                    strf("%s: TOML syntax error the parser could not place (its check `%s` failed)",
                         file.c_str(), e.what()),
                    file);
    }
}

Result<PlantFile> load_plant_file(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        return fail("invalid_plant", strf("%s: is a directory; expected a plant file", path.c_str()), path);
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return fail("invalid_plant",
                    strf("%s: cannot open the plant file: %s", path.c_str(), std::strerror(errno)), path);
    }
    std::string text;
    text.reserve(4096);
    std::istreambuf_iterator<char> it(in);
    const std::istreambuf_iterator<char> end;
    for (; it != end && text.size() <= max_plant_bytes; ++it) text.push_back(*it);
    if (in.bad()) return fail("invalid_plant", strf("%s: read error", path.c_str()), path);
    return parse_plant_file(text, path);
}

}  // namespace edc::recipes
