# runwasm build. `make` builds build/runwasm; `make test` runs every suite; `make spec` the
# core spec suite. Each source folder is one layer; the libraries below keep the engine, the
# WASI host and the text format usable without the container parts.

CC       ?= gcc
CFLAGS   ?= -O2 -g
WARNINGS := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
CPPFLAGS += -D_GNU_SOURCE -Isrc
LDLIBS   := $(shell pkg-config --libs json-c libseccomp libcap 2>/dev/null || echo -ljson-c -lseccomp -lcap) -lm -lpthread
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
PREFIX   ?= /usr/local
BUILD    := build

# Layers. main.c is the only file not in a library, so tests can link everything else.
ENGINE_SRCS  := $(wildcard src/wasm/*.c)
WASI_SRCS    := $(wildcard src/wasi/*.c)
WAT_SRCS     := $(wildcard src/wat/*.c)
RUNTIME_SRCS := $(wildcard src/common/*.c src/runtime/*.c src/linux/*.c src/handlers/*.c src/node/*.c) \
                $(filter-out src/cli/main.c,$(wildcard src/cli/*.c))
ALL_SRCS     := $(ENGINE_SRCS) $(WASI_SRCS) $(WAT_SRCS) $(RUNTIME_SRCS)

obj     = $(patsubst src/%.c,$(BUILD)/obj/%.o,$(1))
asanobj = $(patsubst src/%.c,$(BUILD)/asan/%.o,$(1))

.PHONY: all install test unit-tests clean
all: $(BUILD)/runwasm

$(BUILD)/libwasm.a: $(call obj,$(ENGINE_SRCS))
$(BUILD)/libwasi.a: $(call obj,$(WASI_SRCS))
$(BUILD)/libwat.a:  $(call obj,$(WAT_SRCS))
$(BUILD)/libruntime.a: $(call obj,$(RUNTIME_SRCS))
$(BUILD)/asan/librunwasm.a: $(call asanobj,$(ALL_SRCS))
$(BUILD)/%.a:
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/runwasm: $(call obj,src/cli/main.c) $(BUILD)/libruntime.a $(BUILD)/libwasi.a $(BUILD)/libwat.a $(BUILD)/libwasm.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The interpreter zeroes a callee's few locals inline; gcc would turn that loop into a call
# to memset, which costs more than the stores. Fused multiply-add instructions must round
# the product like the separate instructions do: no contraction into FMA.
$(BUILD)/obj/wasm/exec.o: CFLAGS += -fno-tree-loop-distribute-patterns -ffp-contract=off
$(BUILD)/asan/wasm/exec.o: CPPFLAGS += -ffp-contract=off

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -MMD -MP -c -o $@ $<

$(BUILD)/asan/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -O1 -g $(SANITIZE) $(WARNINGS) -MMD -MP -c -o $@ $<

# Unit tests: every tests/unit/*_test.c is one TAP-printing program, built with ASan+UBSan.
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(wildcard tests/unit/*_test.c))
unit-tests: $(UNIT_TESTS)
$(BUILD)/tests/unit/%: tests/unit/%.c tests/unit/tap.h $(BUILD)/asan/librunwasm.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/unit -O1 -g $(SANITIZE) $(WARNINGS) -o $@ $< $(BUILD)/asan/librunwasm.a $(LDLIBS)

test: all unit-tests
	tests/run

install: $(BUILD)/runwasm
	install -D -m 0755 $(BUILD)/runwasm $(DESTDIR)$(PREFIX)/bin/runwasm
	install -D -m 0644 docs/runwasm.8 $(DESTDIR)$(PREFIX)/share/man/man8/runwasm.8

clean:
	rm -rf $(BUILD)

# Further targets (spec suite, fuzzing, test modules, benchmarks) live one concern per file.
include $(wildcard mk/*.mk)
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
