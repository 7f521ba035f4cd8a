# Text-format parser: a driver for the spec-suite check (tests/wat/check_wast.py) and
# `make wat-check` to run it over every .wast script.
$(BUILD)/tests/wat/wat2bin: tests/wat/wat2bin.c $(BUILD)/libwat.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -o $@ $^ -lpthread

.PHONY: wat-check
wat-check: $(BUILD)/tests/wat/wat2bin
	python3 tests/wat/check_wast.py --driver $(BUILD)/tests/wat/wat2bin --spec ../shared/wasm-spec

# The spec-suite check (tests/suites/25-wat.sh) needs the driver; build it with the tests.
unit-tests: $(BUILD)/tests/wat/wat2bin

# Fuzz the parser with libFuzzer (clang), seeded with the spec modules; stop with Ctrl-C or
# WAT_FUZZ_ARGS=-max_total_time=N.
WAT_FUZZ_CC ?= clang-19
WAT_FUZZ_CORPUS := $(BUILD)/wat-fuzz-corpus
$(BUILD)/tests/wat/fuzz_wat: tests/wat/fuzz_wat.c $(WAT_SRCS)
	@mkdir -p $(@D)
	$(WAT_FUZZ_CC) $(CPPFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $^

.PHONY: wat-fuzz
wat-fuzz: $(BUILD)/tests/wat/fuzz_wat
	@mkdir -p $(WAT_FUZZ_CORPUS)
	@if [ -d ../shared/wasm-spec/wast ]; then python3 tests/wat/check_wast.py --driver none \
	  --spec ../shared/wasm-spec --extract $(WAT_FUZZ_CORPUS); fi
	cp tests/wat/modules/*.wat $(WAT_FUZZ_CORPUS)/
	$< $(WAT_FUZZ_ARGS) $(WAT_FUZZ_CORPUS)
