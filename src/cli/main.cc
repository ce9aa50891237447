// The composition root: `keel <command> ...`.

#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  return keel::cli::RunKeel(words, std::cout, std::cerr);
}
