#include "recipes/format/chemistry_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "control/text.hpp"
#include "recipes/format/chemistry_reader.hpp"
#include "recipes/format/sha256.hpp"
#include "recipes/format/toml_guard.hpp"
#include "recipes/format/toml_reader.hpp"

namespace edc::recipes {
namespace {

Error unreadable(const std::string& path, const std::string& what) {
    return Error{"chemistry_file_unreadable", strf("%s: %s", path.c_str(), what.c_str()), path};
}

// At most max_chemistry_file_bytes of a regular file (a pipe or /dev/zero is refused, not read).
Result<std::string> read_small_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return std::unexpected(
            unreadable(path, strf("cannot open the chemistry file: %s", std::strerror(errno))));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        return std::unexpected(unreadable(path, "is not a regular file; expected a chemistry file (TOML)"));
    }
    std::string text;
    std::array<char, 16384> buffer{};
    for (;;) {
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::unexpected(unreadable(path, strf("read error: %s", std::strerror(errno))));
        if (n == 0) break;
        text.append(buffer.data(), static_cast<std::size_t>(n));
        if (text.size() > max_chemistry_file_bytes) {
            return std::unexpected(unreadable(
                path,
                strf("is larger than %zu bytes; expected a small chemistry file", max_chemistry_file_bytes)));
        }
    }
    return text;
}

std::string number(double v) {
    std::array<char, 32> buf{};
    const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    return ec == std::errc{} ? std::string(buf.data(), end) : std::string("nan");
}

std::string bath(const model::Concentrations& c) {
    // mol/m3 is mM: the number is the same.
    return "{ Bi = \"" + number(c.bi_mol_per_m3) + " mM\", Sb = \"" + number(c.sb_mol_per_m3) + " mM\" }";
}

}  // namespace

Result<void> apply_chemistry_text(model::Chemistry& chemistry, std::string_view text,
                                  std::string_view name_for_errors) {
    const std::string file(name_for_errors);
    if (const auto unsafe = detail::find_unsafe_text(text)) {
        const std::string where = strf("%s:%zu:%zu", file.c_str(), unsafe->line, unsafe->column);
        return fail("invalid_chemistry", where + ": " + unsafe->what, where);
    }
    const detail::ErrorSink errors(file);
    try {
        if (detail::has_unsafe_code_points(text)) {
            (void)toml::parse(detail::neutralize_unsafe_code_points(text),
                              file);  // syntax only; see toml_guard.hpp
        }
        const toml::table root = toml::parse(text, file);
        const detail::Section top(root, "", {"chemistry"}, errors);
        const toml::node* table = root.get("chemistry");
        if (table == nullptr || !table->is_table()) {
            errors.at(
                table != nullptr ? table->source() : toml::source_region{},
                "a chemistry file needs a [chemistry] section; expected keys such as selectivity_k = 1.25");
        }
        model::Chemistry updated = chemistry;
        detail::read_chemistry(detail::Section(*table->as_table(), "chemistry",
                                               {"a", "b", "selectivity_k", "selectivity_table",
                                                "current_efficiency", "packing_fraction"},
                                               errors),
                               updated, detail::ChemistryKeys::overrides);
        chemistry = updated;
        return {};
    } catch (const toml::parse_error& e) {
        const auto& begin = e.source().begin;
        const std::string where =
            strf("%s:%u:%u", file.c_str(), static_cast<unsigned>(std::max<toml::source_index>(begin.line, 1)),
                 static_cast<unsigned>(std::max<toml::source_index>(begin.column, 1)));
        return fail("invalid_chemistry",
                    strf("%s: TOML syntax error: %.*s", where.c_str(),
                         static_cast<int>(e.description().size()), e.description().data()),
                    where);
    } catch (const detail::RecipeProblem& p) {
        return fail("invalid_chemistry", p.where + ": " + p.what, p.where);
    } catch (const detail::TomlInternalCheckFailed& e) {
        return fail("invalid_chemistry",
                    strf("%s: TOML syntax error the parser could not place (its check `%s` failed)",
                         file.c_str(), e.what()),
                    file);
    }
}

Result<void> apply_chemistry_file(Recipe& recipe, const std::string& path, ChemistryOrigin origin) {
    auto text = read_small_file(path);
    if (!text) return std::unexpected(text.error());
    if (auto applied = apply_chemistry_text(recipe.plan.cell.chemistry, *text, path); !applied)
        return applied;
    recipe.chemistry_source =
        strf("%s %s sha256 %s", origin == ChemistryOrigin::command_line ? "--chemistry" : "calibration",
             path.c_str(), sha256_hex(*text).c_str());
    return {};
}

std::string chemistry_toml(const model::Chemistry& c) {
    std::string out = "[chemistry]\n";
    out += "a = " + bath(c.bath_a) + "\n";
    out += "b = " + bath(c.feed_b) + "\n";
    if (c.selectivity.is_table()) {
        out += "selectivity_table = [";
        bool first = true;
        for (const auto& p : c.selectivity.points()) {
            out += (first ? "" : ", ") + std::string("[") + number(p.ratio) + ", " + number(p.k) + "]";
            first = false;
        }
        out += "]\n";
    } else {
        out += "selectivity_k = " + number(c.selectivity.k_at(1.0)) + "\n";
    }
    out += "current_efficiency = " + number(c.current_efficiency) + "\n";
    out += "packing_fraction = " + number(c.packing_fraction) + "\n";
    return out;
}

}  // namespace edc::recipes
