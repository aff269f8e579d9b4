# corpus -- developer Makefile.  Users install with LuaRocks
# (rockspec/corpus-scm-1.rockspec); both build the same sources.
#
#   make          build build/corpus/core.so (the Lua module corpus.core)
#   make demo     build and run the demo on examples/
#   make test     C tests + busted specs on Lua 5.4 (installs Debian deps)
#   make asan     the same under AddressSanitizer + UBSan
#   make check    the long integration specs in checks/ (CI runs them)
#   make env      print LUA_PATH / LUA_CPATH for using the checkout
#   make bench    benchmarks against SQLite FTS5 and Xapian
#   make clean

LUA      ?= lua5.4
LUA_INC  ?= /usr/include/lua5.4
BUSTED   ?= $(shell command -v busted 2>/dev/null || echo /usr/bin/busted)
OPT      ?= -O2 -g
WARN      = -std=c99 -Wall -Wextra -Wshadow -Wmissing-prototypes \
            -Wstrict-prototypes -Wno-unused-parameter
DEFS      = -D_GNU_SOURCE
LIBS      = -lutf8proc -lstemmer -lxxhash -lpcre2-8 -lm -pthread
B        ?= build

SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer

CORE_SRC = $(filter-out csrc/l_%.c,$(wildcard csrc/*.c))
BIND_SRC = $(wildcard csrc/l_*.c)
CORE_OBJ = $(CORE_SRC:csrc/%.c=$(B)/obj/%.o)
BIND_OBJ = $(BIND_SRC:csrc/%.c=$(B)/obj/%.o)
CTESTS   = $(patsubst ctest/%.c,$(B)/ctest/%,$(wildcard ctest/*.c))

LUA_ENV  = LUA_PATH="$(CURDIR)/lua/?.lua;$(CURDIR)/lua/?/init.lua;$(CURDIR)/spec/?.lua;;" \
           LUA_CPATH="$(CURDIR)/$(B)/?.so;;"

.PHONY: all deps deps-test demo test check asan ctest spec env bench clean rock

all: $(B)/corpus/core.so

deps:
	@sh tools/deps.sh build

deps-test:
	@sh tools/deps.sh test

$(B)/obj/%.o: csrc/%.c $(wildcard csrc/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(OPT) $(WARN) $(DEFS) $(EXTRA) -fPIC -fvisibility=hidden -I$(LUA_INC) -Icsrc -c $< -o $@

$(B)/libcorpus.a: $(CORE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(B)/corpus/core.so: $(BIND_OBJ) $(B)/libcorpus.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) $(EXTRA) -shared -o $@ $(BIND_OBJ) $(B)/libcorpus.a $(LIBS)

$(B)/ctest/%: ctest/%.c $(B)/libcorpus.a ctest/tap.h
	@mkdir -p $(dir $@)
	$(CC) $(OPT) $(WARN) $(DEFS) $(EXTRA) -Icsrc -Ictest $< -o $@ $(B)/libcorpus.a $(LIBS)

env:
	@echo 'export LUA_PATH="$(CURDIR)/lua/?.lua;$(CURDIR)/lua/?/init.lua;;"'
	@echo 'export LUA_CPATH="$(CURDIR)/$(B)/?.so;;"'

demo: deps all
	$(LUA_ENV) $(LUA) examples/demo.lua

# C tests print TAP; specs run under busted's TAP output; tools/tap.sh
# runs both and prints the closing "N passed, N failed" line.
ctest: $(CTESTS)

test: deps-test all ctest
	@$(LUA_ENV) B=$(B) LUA=$(LUA) BUSTED=$(BUSTED) sh tools/tap.sh "$(CTESTS)"

asan:
	@sh tools/deps.sh test
	$(MAKE) B=build-asan OPT="-O1 -g" EXTRA="$(SAN_FLAGS)" all ctest
	@$(MAKE) --no-print-directory B=build-asan SANITIZE=1 run-asan

run-asan:
	@LUA_PATH="$(CURDIR)/lua/?.lua;$(CURDIR)/lua/?/init.lua;$(CURDIR)/spec/?.lua;;" \
	LUA_CPATH="$(CURDIR)/build-asan/?.so;;" \
	LD_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)" \
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	CORPUS_ASAN=1 B=build-asan LUA=$(LUA) BUSTED=$(BUSTED) sh tools/tap.sh "$(CTESTS)"

# long integration specs (Slurm, big oracles): not in `make test`'s
# three minutes; .ci/run runs them
check: deps-test all ctest
	@sh tools/deps.sh check
	@$(LUA_ENV) B=$(B) LUA=$(LUA) BUSTED=$(BUSTED) SPECS=checks sh tools/tap.sh ""

bench: deps-test all
	$(LUA_ENV) sh bench/run.sh

rock:
	luarocks --lua-version=5.4 make rockspec/corpus-scm-1.rockspec --deps-mode=none --tree=$(B)/rock

clean:
	rm -rf build build-asan
