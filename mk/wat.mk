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
