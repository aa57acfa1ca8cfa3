#include "drivers/pump/legato_pump.hpp"

#include "control/text.hpp"
#include "drivers/io/printable.hpp"

namespace edc {

LegatoPump::LegatoPump(std::unique_ptr<io::ByteTransport> transport, LegatoOptions options)
    : options_(std::move(options)),
      link_(std::move(transport), HarvardOptions{options_.address, options_.timeout}) {}

LegatoPump::~LegatoPump() = default;

Result<void> LegatoPump::disable_nvram() {
    if (auto r = link_.command("nvram none"); !r) return std::unexpected(r.error());
    return {};
}

Result<std::string> LegatoPump::identify() {
    auto r = link_.command("ver");
    if (!r) return std::unexpected(r.error());
    if (r->lines.empty()) return fail("bad_reply", "ver answered no version line", options_.model);
    auto id = legato::parse_ver(r->lines.front());
    if (!id) {
        auto e = id.error();
        e.where = options_.model;
        return std::unexpected(std::move(e));
    }
    const auto* model = legato::find_model(options_.model);
    if (model != nullptr && id->model != model->ver_name) {
        return fail("wrong_model",
                    strf("%s answered ver '%s'; the recipe names %s", options_.model.c_str(),
                         io::printable(r->lines.front()).c_str(), std::string(model->ver_name).c_str()),
                    options_.model);
    }
    return io::identity_text(r->lines.front());
}

}  // namespace edc
