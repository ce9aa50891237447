# Thin wrapper over CMake. `make quickstart` and `make test` are the two commands in the README.
BUILD_DIR   ?= build
DEBUG_DIR   ?= build-debug
ASAN_DIR    ?= build-asan
JOBS        ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build debug asan test test-asan test-fast check-layers quickstart bench format format-check clean

all: build

deps:
	@scripts/install-deps

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

configure: $(BUILD_DIR)/CMakeCache.txt

build: deps configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

debug: deps
	cmake -S . -B $(DEBUG_DIR) -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)
	cmake --build $(DEBUG_DIR) -j $(JOBS)

# The storage readers run under AddressSanitizer and UBSan in the test suite.
asan: deps
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DKEEL_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(ASAN_DIR) -j $(JOBS) --target parquet_tests parquet_reader_fuzz

check-layers:
	@scripts/check-layers

test: build check-layers
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory test-asan

# The storage readers parse untrusted files: their tests also run under AddressSanitizer and
# UndefinedBehaviorSanitizer (issue 3), with the bounded fuzz run.
test-asan: asan
	cd $(ASAN_DIR) && ./parquet_tests --gtest_brief=1
	cd $(ASAN_DIR) && ./parquet_reader_fuzz --runs=5000 $(CURDIR)/../shared/conformance/parquet/data

test-fast: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -LE slow

quickstart: build
	@scripts/quickstart $(BUILD_DIR)/bin/keel

bench: build
	@scripts/run-benchmarks $(BUILD_DIR)

format:
	find src tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

format-check:
	find src tests bench -name '*.h' -o -name '*.cc' | xargs clang-format --dry-run --Werror

clean:
	rm -rf $(BUILD_DIR) $(DEBUG_DIR) $(ASAN_DIR)
