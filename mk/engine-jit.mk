# The compiler tier (src/wasm/jit/) is part of the engine library. The top-level Makefile
# globs only src/wasm/*.c, so its files join the library rules here; this file sorts before
# the other mk/*.mk so that their uses of ENGINE_SRCS (the fuzzer) include it.
JIT_SRCS := $(wildcard src/wasm/jit/*.c)
ENGINE_SRCS += $(JIT_SRCS)
$(BUILD)/libwasm.a: $(call obj,$(JIT_SRCS))
$(BUILD)/asan/librunwasm.a: $(call asanobj,$(JIT_SRCS))

# Differential tester: random valid modules, compiled and interpreted, must agree
# (tests/fuzz/diff_engines.c). DIFF_COUNT modules from seed DIFF_SEED, after the saved
# past mismatches (tests/fuzz/diff-regressions).
DIFF_COUNT ?= 2000
DIFF_SEED  ?= 1
$(BUILD)/diff-engines: tests/fuzz/diff_engines.c src/wasm/simd_ops.def $(BUILD)/asan/librunwasm.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -O1 -g $(SANITIZE) $(WARNINGS) -o $@ $< $(BUILD)/asan/librunwasm.a $(LDLIBS)

.PHONY: diff-engines
diff-engines: $(BUILD)/diff-engines
	$(BUILD)/diff-engines tests/fuzz/diff-regressions/*.wasm
	$(BUILD)/diff-engines -n $(DIFF_COUNT) -s $(DIFF_SEED)

# Code kept against the code section, eager and lazy (bench/engine/code_size.c).
$(BUILD)/bench/code-size: bench/engine/code_size.c $(BUILD)/libwasi.a $(BUILD)/libwasm.a $(BUILD)/libruntime.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -o $@ $^ -lm -lpthread
