#include "recipes/format/chemistry_reader.hpp"

#include <string>
#include <vector>

#include "control/text.hpp"

namespace edc::recipes::detail {

constexpr double max_concentration_mol_per_m3 = 5000.0;  // 5 M: far above any soluble bath

// Quantities are quoted as written ("-20 mL"), plain numbers printed.
void check_range(const Section& s, std::string_view key, double v, bool ok, const char* expected) {
    if (ok) return;
    const toml::node* n = s.node(key);
    const std::string shown = n != nullptr && n->is_string() ? quote(n->as_string()->get()) : strf("%g", v);
    s.error_at_value(key, strf("%s.%.*s = %s is out of range; expected %s", s.name().c_str(),
                               static_cast<int>(key.size()), key.data(), shown.c_str(), expected));
}

// The two finite numbers of an [a, b] entry; anything else is reported as `what` at the entry.
std::pair<double, double> finite_pair(const Section& s, const toml::node& element, const char* what) {
    if (const auto* pair = element.as_array(); pair != nullptr && pair->size() == 2) {
        const auto first = detail::as_finite_number(*pair->get(0));
        const auto second = detail::as_finite_number(*pair->get(1));
        if (first && second) return {*first, *second};
    }
    s.errors().at(element.source(), what);
}

namespace {

model::Concentrations read_bath(const Section& chemistry, std::string_view key) {
    const auto& table =
        chemistry.required_table(key, R"(an inline table such as { Bi = "50 mM", Sb = "50 mM" })");
    const Section bath(table, chemistry.name() + "." + std::string(key), {"Bi", "Sb"}, chemistry.errors());
    model::Concentrations c;
    c.bi_mol_per_m3 = bath.required_quantity("Bi", Dimension::concentration);
    c.sb_mol_per_m3 = bath.required_quantity("Sb", Dimension::concentration);
    check_range(bath, "Bi", c.bi_mol_per_m3,
                c.bi_mol_per_m3 >= 0.0 && c.bi_mol_per_m3 <= max_concentration_mol_per_m3, "0 to 5 M");
    check_range(bath, "Sb", c.sb_mol_per_m3,
                c.sb_mol_per_m3 >= 0.0 && c.sb_mol_per_m3 <= max_concentration_mol_per_m3, "0 to 5 M");
    return c;
}

model::Selectivity read_selectivity(const Section& s) {
    const bool has_k = s.has("selectivity_k");
    const bool has_table = s.has("selectivity_table");
    if (has_k == has_table) {
        if (has_k)
            s.error_at_value("selectivity_table",
                             "chemistry has both selectivity_k and selectivity_table; expected one of them");
        s.error_here(
            "chemistry needs selectivity_k (a number, e.g. 1.0) or selectivity_table ([[c_Bi/c_Sb, k], "
            "...])");
    }
    if (has_k) {
        const double k = s.required_number("selectivity_k", "a positive number such as 1.0");
        check_range(s, "selectivity_k", k, k > 0.0 && k <= 1e3, "a number in (0, 1000]");
        return model::Selectivity::constant(k);
    }
    const auto& table = s.required_array("selectivity_table", "an array of [c_Bi/c_Sb, k] pairs");
    if (table.empty() || table.size() > model::Selectivity::max_points) {
        s.error_at_value("selectivity_table",
                         strf("chemistry.selectivity_table has %zu points; expected 1 to %zu", table.size(),
                              model::Selectivity::max_points));
    }
    std::vector<model::SelectivityPoint> points;
    for (const auto& element : table) {
        const auto [ratio, k] =
            finite_pair(s, element,
                        "chemistry.selectivity_table entry is not a pair of finite numbers; "
                        "expected [c_Bi/c_Sb, k] such as [0.5, 0.98]");
        if (ratio < 0.0 || k <= 0.0) {
            s.errors().at(element.source(),
                          strf("chemistry.selectivity_table entry [%g, %g] is out of range; expected "
                               "c_Bi/c_Sb >= 0 and k > 0",
                               ratio, k));
        }
        if (!points.empty() && ratio <= points.back().ratio) {
            s.errors().at(element.source(),
                          strf("chemistry.selectivity_table ratio %g does not increase; expected "
                               "ratios in strictly increasing order",
                               ratio));
        }
        points.push_back({ratio, k});
    }
    auto selectivity = model::Selectivity::table(points);
    if (!selectivity)
        s.error_at_value("selectivity_table", "chemistry.selectivity_table: " + selectivity.error().message);
    return *selectivity;
}

}  // namespace

void read_chemistry(const Section& s, model::Chemistry& c, ChemistryKeys keys) {
    const bool all = keys == ChemistryKeys::all_required;
    if (all || s.has("a")) c.bath_a = read_bath(s, "a");
    if (all || s.has("b")) c.feed_b = read_bath(s, "b");
    if (s.has("a") && c.bath_a.sb_mol_per_m3 <= 0.0) {
        s.error_at_value("a",
                         "chemistry.a has no Sb; expected Sb > 0 (the film composition follows c_Bi/c_Sb)");
    }
    if (all || s.has("selectivity_k") || s.has("selectivity_table")) c.selectivity = read_selectivity(s);
    if (all || s.has("current_efficiency")) {
        c.current_efficiency = s.required_number("current_efficiency", "a fraction in (0, 1] such as 0.725");
        check_range(s, "current_efficiency", c.current_efficiency,
                    c.current_efficiency > 0.0 && c.current_efficiency <= 1.0, "a fraction in (0, 1]");
    }
    if (all || s.has("packing_fraction")) {
        c.packing_fraction = s.required_number("packing_fraction", "a fraction in (0, 1] such as 0.868");
        check_range(s, "packing_fraction", c.packing_fraction,
                    c.packing_fraction > 0.0 && c.packing_fraction <= 1.0, "a fraction in (0, 1]");
    }
}

}  // namespace edc::recipes::detail
