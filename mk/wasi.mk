# WASI test programs: tests/wasi/*.c -> build/tests/wasi/*.wasm, built with clang for
# wasm32-wasi (wasi-libc from Debian). tests/suites/30-wasi.sh runs them with runwasm.
WASI_CC ?= $(or $(shell command -v clang-19),clang)
WASI_CFLAGS ?= -O2 -Wall
WASI_TEST_MODULES := $(patsubst tests/wasi/%.c,$(BUILD)/tests/wasi/%.wasm,$(wildcard tests/wasi/*.c))

.PHONY: wasi-tests
wasi-tests: $(WASI_TEST_MODULES)
test: wasi-tests

$(BUILD)/tests/wasi/%.wasm: tests/wasi/%.c tests/wasi/check.h
	@mkdir -p $(@D)
	$(WASI_CC) --target=wasm32-wasi $(WASI_CFLAGS) -o $@ $<

# The WASI suite against a runwasm built with ASan+UBSan: memory errors in the host, the
# bindings or the CLI show up as failures.
.PHONY: wasi-asan-test
$(BUILD)/asan/runwasm: $(call asanobj,src/cli/main.c) $(BUILD)/asan/librunwasm.a
	$(CC) -O1 -g $(SANITIZE) -o $@ $^ $(LDLIBS)
wasi-asan-test: $(BUILD)/asan/runwasm wasi-tests
	RUNWASM=$(abspath $(BUILD)/asan/runwasm) tests/suites/30-wasi.sh
