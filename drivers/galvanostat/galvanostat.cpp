#include "drivers/galvanostat/galvanostat.hpp"

namespace edc {
Galvanostat::~Galvanostat() = default;
}  // namespace edc
