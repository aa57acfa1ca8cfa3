// The one translation unit that compiles toml++'s implementation (see recipes/CMakeLists.txt).
#define TOML_IMPLEMENTATION
#include "recipes/format/toml.hpp"
