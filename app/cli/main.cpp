#include <iostream>

#include "app/cli/cli.hpp"

int main(int argc, char** argv) {
    return edc::cli::main(argc, argv, std::cout, std::cerr);
}
