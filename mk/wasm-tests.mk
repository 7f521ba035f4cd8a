# WASI modules the Wasm-handler integration tests run inside containers.
WASM_CC ?= clang-19 --target=wasm32-wasi -O2

$(BUILD)/tests/wasm/%.wasm: tests/wasm/%.c
	@mkdir -p $(@D)
	$(WASM_CC) -o $@ $<

.PHONY: wasm-test-modules
wasm-test-modules: $(patsubst tests/wasm/%.c,$(BUILD)/tests/wasm/%.wasm,$(wildcard tests/wasm/*.c))
unit-tests: wasm-test-modules
