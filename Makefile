# libdc1 — the two commands are `make demo` and `make test`.
#   make / make lib     build/libdc1.so (release, static Swift stdlib, SONAME, only dc1_* exported)
#   make cli            build/dc1
#   make node           bindings/node/build/dc1_node.node (the Node.js package's N-API addon)
#   make test           every suite, ending with one "N passed, N failed" line
#   make demo           the guide's flows against a local emulator (or DC1_BASE_URL/DC1_API_KEY)
#   make install PREFIX=/usr/local / make uninstall PREFIX=/usr/local
#   make lint           swift-format lint, ruff, the C files under -Wall -Wextra -Werror
#   make check-memory / check-threads / fuzz / bench / bench-batch
#   make dist           every release artifact into dist/ (wheel, sdist, npm, C tarball, debs, SHA256SUMS)
#   make dist-check     installs each artifact like a user on a bare machine and runs it against the emulator
#   make docs           the DocC site of the Swift API (`import DC1`) in build/docs

PREFIX      ?= /usr/local
# The version is written once, in include/dc1.h; everything else reads it from there or is
# tested equal to it (Tests/python/test_one_source.py).
VERSION     := $(shell sed -n 's/^\#define DC1_VERSION_STRING "\(.*\)"/\1/p' include/dc1.h)
SOVERSION   := $(shell sed -n 's/^\#define DC1_VERSION_MAJOR \([0-9]*\)/\1/p' include/dc1.h)
BUILD       := build
CC          ?= cc
PYTHON      ?= python3
NODE        ?= node
SWIFT       ?= swift
LIBFILE     := $(BUILD)/libdc1.so.$(VERSION)
CFLAGS_C    := -std=c99 -Wall -Wextra -O1 -g -Iinclude -D_DEFAULT_SOURCE
LDFLAGS_C   := -L$(BUILD) -Wl,-rpath,$(abspath $(BUILD)) -ldc1 -ljansson -lpthread
SWIFT_LIB_FLAGS := -c release -Xswiftc -static-stdlib \
	-Xlinker --version-script=$(abspath build-support/libdc1.map) \
	-Xlinker -soname -Xlinker libdc1.so.$(SOVERSION) -Xlinker --no-undefined

C_TESTS     := $(patsubst Tests/c/%.c,$(BUILD)/tests/%,$(wildcard Tests/c/test_*.c))
C_EXAMPLES  := $(patsubst examples/c/%.c,$(BUILD)/examples/%,$(wildcard examples/c/*.c))

.PHONY: docs all lib cli node node-if-available deps test test-swift test-c test-abi test-emulator test-python demo install uninstall lint bench \
        check-memory check-threads fuzz bench bench-batch-scale clean examples dist dist-check bench-dist

all: lib

deps:
	@build-support/deps.sh

lib: deps $(LIBFILE)

SWIFT_SOURCES := $(shell find Sources -name '*.swift' -o -name '*.h' -o -name '*.c' -o -name '*.modulemap') Package.swift build-support/libdc1.map include/dc1.h

$(LIBFILE): $(SWIFT_SOURCES)
	@mkdir -p $(BUILD)
	$(SWIFT) build $(SWIFT_LIB_FLAGS) --product dc1
	cp .build/release/libdc1.so $(LIBFILE).tmp && mv -f $(LIBFILE).tmp $(LIBFILE)   # atomic: never rewrite a loaded .so
	ln -sf libdc1.so.$(VERSION) $(BUILD)/libdc1.so.$(SOVERSION)
	ln -sf libdc1.so.$(SOVERSION) $(BUILD)/libdc1.so

cli: deps $(BUILD)/dc1

# The Node.js package's addon, with the system C compiler against Node's headers (node_api.h)
# and include/dc1.h: no node-gyp, no download. `npm install ./bindings/node` runs the same script.
node: lib
	$(NODE) bindings/node/scripts/build.js

node-if-available: lib
	@if command -v $(NODE) >/dev/null 2>&1; then $(NODE) bindings/node/scripts/build.js; \
	else echo "node not found: the Node.js package (bindings/node) is not built or tested"; fi

$(BUILD)/dc1: $(SWIFT_SOURCES)
	@mkdir -p $(BUILD)
	$(SWIFT) build -c release -Xswiftc -static-stdlib --product dc1-cli
	cp .build/release/dc1-cli $(BUILD)/dc1.tmp && mv -f $(BUILD)/dc1.tmp $(BUILD)/dc1

$(BUILD)/tests/%: Tests/c/%.c Tests/c/dc1test.h include/dc1.h $(LIBFILE)
	@mkdir -p $(BUILD)/tests
	$(CC) $(CFLAGS_C) -ITests/c $< -o $@ $(LDFLAGS_C)

$(BUILD)/examples/%: examples/c/%.c include/dc1.h $(LIBFILE)
	@mkdir -p $(BUILD)/examples
	$(CC) $(CFLAGS_C) $< -o $@ $(LDFLAGS_C)

examples: $(C_EXAMPLES)

# The interpreter with pytest and ruff: $(PYTHON) itself, or build/venv when it is externally managed.
# When they cannot be installed the suites still run with $(PYTHON) and the pytest ones count as failed.
TOOLS_PY = PYTHON=$(PYTHON) build-support/pytools.sh

test: lib cli node-if-available $(C_TESTS) $(C_EXAMPLES)
	@py=$$($(TOOLS_PY)) || py=$(PYTHON); $$py Tests/run_all.py

test-swift: deps
	$(SWIFT) test

test-c: lib $(C_TESTS)
	$(PYTHON) Tests/run_c_tests.py $(C_TESTS)

test-abi: lib
	$(PYTHON) Tests/abi/run_abi_tests.py

# The emulator alone (emulator/, PYTHONPATH=emulator python3 -m dc1_emulator): no library needed.
test-emulator:
	py=$$($(TOOLS_PY)) && $$py -m pytest -q Tests/emulator

test-python: lib
	py=$$($(TOOLS_PY)) && $$py -m pytest -q Tests/python

demo: lib cli node-if-available $(C_EXAMPLES)
	@$(PYTHON) build-support/demo.py

install: lib cli
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 0755 $(LIBFILE) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libdc1.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libdc1.so.$(SOVERSION)
	ln -sf libdc1.so.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/libdc1.so
	install -m 0644 include/dc1.h $(DESTDIR)$(PREFIX)/include/
	install -m 0755 $(BUILD)/dc1 $(DESTDIR)$(PREFIX)/bin/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' build-support/dc1.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/dc1.pc
	# The emulator (emulator/dc1_emulator: pure Python, standard library only) as the dc1-emulator
	# command; `pip install ./emulator` installs the same package as its own wheel instead.
	rm -rf $(DESTDIR)$(PREFIX)/share/dc1/emulator
	install -d $(DESTDIR)$(PREFIX)/share/dc1/emulator/dc1_emulator
	install -m 0644 emulator/dc1_emulator/*.py $(DESTDIR)$(PREFIX)/share/dc1/emulator/dc1_emulator/
	sed -e 's|@EMULATOR_DIR@|$(PREFIX)/share/dc1/emulator|g' build-support/dc1-emulator.in \
		> $(DESTDIR)$(PREFIX)/bin/dc1-emulator
	chmod 0755 $(DESTDIR)$(PREFIX)/bin/dc1-emulator

# The mirror of install: removes exactly the files install puts in place.
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/lib/libdc1.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libdc1.so.$(SOVERSION) \
		$(DESTDIR)$(PREFIX)/lib/libdc1.so $(DESTDIR)$(PREFIX)/include/dc1.h $(DESTDIR)$(PREFIX)/bin/dc1 \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig/dc1.pc $(DESTDIR)$(PREFIX)/bin/dc1-emulator
	rm -rf $(DESTDIR)$(PREFIX)/share/dc1/emulator
	rmdir $(DESTDIR)$(PREFIX)/share/dc1 2>/dev/null || true

# Lint: swift-format with the committed .swift-format (its rules and its layout; the sources were
# formatted with it once), ruff with the committed ruff.toml,
# and every C file compiled under -Wall -Wextra -Werror (C99; the C++ header check as C++11).
LINT_PY_DIRS := bindings/python emulator Tests build-support examples/python examples/swift
LINT_C_FILES := $(wildcard Tests/c/*.c examples/c/*.c Tests/abi/*.c Tests/stress/*.c Tests/fuzz/*.c)
LINT_CXX_FILES := $(wildcard Tests/abi/*.cpp)
CXX ?= c++
lint:
	$(SWIFT) format lint --strict --configuration .swift-format \
		--recursive Sources Tests Package.swift examples/swift
	py=$$($(TOOLS_PY)) && $$py -m ruff check --no-cache $(LINT_PY_DIRS)
	@for f in $(LINT_C_FILES); do \
		$(CC) -std=c99 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Iinclude -ITests/c -Iexamples/c -fsyntax-only $$f \
			|| { echo "lint: $$f does not compile cleanly" >&2; exit 1; }; done
	@for f in $(LINT_CXX_FILES); do \
		$(CXX) -std=c++11 -Wall -Wextra -Werror -Iinclude -fsyntax-only $$f \
			|| { echo "lint: $$f does not compile cleanly" >&2; exit 1; }; done
	@echo "lint: swift-format, ruff and $(words $(LINT_C_FILES) $(LINT_CXX_FILES)) C/C++ files are clean"

# Memory: the C suites under valgrind (definite leaks and invalid accesses fail), then built with
# AddressSanitizer/LeakSanitizer, then the long-run check (flat RSS over many calls).
LONGRUN_CALLS ?= 100000
check-memory: lib $(C_TESTS)
	@build-support/deps.sh valgrind
	$(PYTHON) Tests/run_c_tests.py --wrap "valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite" $(C_TESTS)
	@mkdir -p $(BUILD)/asan
	for t in $(notdir $(C_TESTS)); do $(CC) $(CFLAGS_C) -fsanitize=address -fno-omit-frame-pointer -ITests/c Tests/c/$$t.c \
		-o $(BUILD)/asan/$$t $(LDFLAGS_C) || exit 1; done
	ASAN_OPTIONS=detect_leaks=1 $(PYTHON) Tests/run_c_tests.py $(addprefix $(BUILD)/asan/,$(notdir $(C_TESTS)))
	$(MAKE) --no-print-directory $(BUILD)/longrun-$(LONGRUN_CALLS)
	$(PYTHON) Tests/run_c_tests.py $(BUILD)/longrun-$(LONGRUN_CALLS)

$(BUILD)/longrun-%: Tests/stress/longrun.c $(LIBFILE)
	$(CC) $(CFLAGS_C) -O2 -DDEFAULT_CALLS=$* Tests/stress/longrun.c -o $@ $(LDFLAGS_C)

# Threads: 16 threads sharing one client under ThreadSanitizer, against a TSan build of the core.
SWIFT_LIBDIR := $(dir $(shell command -v $(SWIFT) 2>/dev/null))../lib/swift/linux
TSAN_CC      := $(dir $(shell command -v $(SWIFT) 2>/dev/null))clang
check-threads: deps
	$(SWIFT) build -c debug -Xswiftc -sanitize=thread --product dc1 --scratch-path .build-tsan
	@mkdir -p $(BUILD)/tsan
	cp .build-tsan/debug/libdc1.so $(BUILD)/tsan/libdc1.so
	ln -sf libdc1.so $(BUILD)/tsan/libdc1.so.0
	$(TSAN_CC) -std=c99 -D_DEFAULT_SOURCE -g -fsanitize=thread -Iinclude Tests/stress/threads.c -o $(BUILD)/tsan/threads \
		-L$(BUILD)/tsan -Wl,-rpath,$(abspath $(BUILD)/tsan) -ldc1 -lpthread \
		-L$(SWIFT_LIBDIR) -ldispatch -lBlocksRuntime -Wl,-rpath,$(SWIFT_LIBDIR)
	TSAN_OPTIONS="halt_on_error=1 exitcode=66" $(PYTHON) Tests/run_c_tests.py $(BUILD)/tsan/threads

clean:
	rm -rf $(BUILD) .build

# Fuzzing: libFuzzer harnesses over the JSON inputs and over arbitrary server responses,
# against a coverage-instrumented ASan build of the core. FUZZ_SECONDS per harness.
FUZZ_SECONDS ?= 60
FUZZ_CC      := $(dir $(shell command -v $(SWIFT) 2>/dev/null))clang
fuzz: deps
	$(SWIFT) build -c release -Xswiftc -sanitize=fuzzer,address --product dc1 --scratch-path .build-fuzz
	@mkdir -p $(BUILD)/fuzz
	cp .build-fuzz/release/libdc1.so $(BUILD)/fuzz/libdc1.so
	ln -sf libdc1.so $(BUILD)/fuzz/libdc1.so.0
	for h in fuzz_input fuzz_response; do \
		$(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address -Iinclude Tests/fuzz/$$h.c -o $(BUILD)/fuzz/$$h \
			-L$(BUILD)/fuzz -Wl,-rpath,$(abspath $(BUILD)/fuzz) -ldc1 -lpthread 2>&1 | grep -v 'Cannot export' || true; done
	@rm -f $(BUILD)/fuzz/report.txt
	for h in input response; do \
		mkdir -p $(BUILD)/fuzz/work-$$h && cp Tests/fuzz/corpus-$$h/* $(BUILD)/fuzz/work-$$h/ && \
		ASAN_OPTIONS=detect_leaks=0 $(BUILD)/fuzz/fuzz_$$h -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
			-artifact_prefix=$(BUILD)/fuzz/crash-$$h- $(BUILD)/fuzz/work-$$h 2> $(BUILD)/fuzz/log-$$h.txt; \
		rc=$$?; echo "fuzz_$$h: $$(grep -E '^Done' $(BUILD)/fuzz/log-$$h.txt) exit $$rc" | tee -a $(BUILD)/fuzz/report.txt; \
		[ $$rc -eq 0 ] || { tail -40 $(BUILD)/fuzz/log-$$h.txt; exit 1; }; done

# Documentation: the DocC catalog Sources/DC1/DC1.docc plus the symbol docs of the DC1 module,
# as a static site (open build/docs/documentation/dc1/index.html through any static server).
docs: deps
	@mkdir -p $(BUILD)
	rm -rf $(BUILD)/docs
	$(SWIFT) package --allow-writing-to-directory $(BUILD)/docs generate-documentation --target DC1 \
		--output-path $(BUILD)/docs --transform-for-static-hosting --disable-indexing --warnings-as-errors
	@echo "docs: $(BUILD)/docs/documentation/dc1/index.html"

# Benchmarks: regenerates BENCHMARKS.md from one run (loopback and local namespaces only);
# bench/node_run.py then adds the Node.js section.
bench: lib cli node-if-available
	$(PYTHON) bench/run.py
	@if command -v $(NODE) >/dev/null 2>&1; then $(PYTHON) bench/node_run.py; \
	else echo "node not found: the Node.js section of BENCHMARKS.md is not measured"; fi

# Batch throughput against the 20/min submit limit (about two minutes): section 7 of BENCHMARKS.md.
bench-batch: lib
	$(PYTHON) bench/batch.py

# Batch memory at 1k/4k/16k lines (peak RSS, journal size, no-op resume): BENCHMARKS.md §10.
bench-batch-scale: lib cli
	$(PYTHON) bench/batch_scale.py

# Release artifacts (build-support/dist.sh; the choices and sizes: BENCHMARKS.md section 9,
# docs/releasing.md). dist-check installs each of them into a fresh place, with no Swift and no
# C compiler on PATH (the C tarball's check aside), and runs it against the emulator.
dist: lib
	build-support/dist.sh

dist-check: dist
	$(PYTHON) Tests/dist/dist_check.py

# Section 9 of BENCHMARKS.md: the artifacts' sizes, the options measured, installed start-up.
bench-dist: dist
	$(PYTHON) bench/dist_run.py
