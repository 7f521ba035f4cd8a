# The compiler tier (src/wasm/jit/) is part of the engine library. Its files join the library
# rules here: the top-level Makefile only globs src/wasm/*.c.
JIT_SRCS := $(wildcard src/wasm/jit/*.c)
$(BUILD)/libwasm.a: $(call obj,$(JIT_SRCS))
$(BUILD)/asan/librunwasm.a: $(call asanobj,$(JIT_SRCS))
