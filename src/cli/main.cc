#include <cstdio>

int main(int argc, char** argv) {
  std::puts("keel " KEEL_VERSION);
  return 0;
}
