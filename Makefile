# corpus -- developer Makefile.  Users install with LuaRocks
# (rockspec/corpus-scm-1.rockspec); both build the same sources.
#
#   make          build build/corpus/core.so (the Lua module corpus.core)
#   make demo     build and run the demo on examples/
#   make test     C tests + busted specs on Lua 5.4 (installs Debian deps)
#   make test LUA=lua5.1   the same on lua5.1, lua5.2, lua5.3 or luajit,
#                 built against that interpreter's headers in build/<lua>
#   make asan     the same under AddressSanitizer + UBSan (gcc, then clang)
#   make fuzz     each libFuzzer harness for FUZZ_SECONDS (fuzz/README.md)
#   make fuzz-seeds  write fuzz_seg's seed segments again (format change)
#   make tsan     ThreadSanitizer over the build's threads: the background
#                 merge (memmerge_test), the text compressor (codec_test),
#                 the tokenizer pipes and the add queue (pipe_test)
#   make check-valgrind  a representative script under valgrind
#   make check    the long integration specs in checks/ (CI runs them)
#   make env      print LUA_PATH / LUA_CPATH for using the checkout
#   make bench    benchmarks against SQLite FTS5, Xapian and Lucene
#   make doc      the API reference (LDoc, config.ld) into build/doc
#   make install PREFIX=/usr/local   the C library for hosts: libcorpus.so.0,
#                 libcorpus.a, include/corpus.h, corpus.pc; and the Lua
#                 module as a static archive + Lua files (corpus-lua5.4.pc)
#   make clean

LUA      ?= lua5.4
# headers of the interpreter under test (LuaJIT has its own directory)
LUA_INC  ?= $(if $(filter luajit,$(LUA)),/usr/include/luajit-2.1,/usr/include/$(LUA))
BUSTED   ?= $(shell command -v busted 2>/dev/null || echo /usr/bin/busted)
OPT      ?= -O2 -g
WARN      = -std=c99 -Wall -Wextra -Wshadow -Wmissing-prototypes \
            -Wstrict-prototypes -Wno-unused-parameter
DEFS      = -D_GNU_SOURCE
LIBS      = -lutf8proc -lstemmer -lxxhash -lpcre2-8 -ljansson -lyajl -lzstd -lm -pthread
# Lua 5.4 builds into build/; any other interpreter into build/<lua>
B        ?= $(if $(filter lua5.4,$(LUA)),build,build/$(LUA))

SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer

CORE_SRC = $(filter-out csrc/l_%.c,$(wildcard csrc/*.c))
BIND_SRC = $(wildcard csrc/l_*.c)
CORE_OBJ = $(CORE_SRC:csrc/%.c=$(B)/obj/%.o)
BIND_OBJ = $(BIND_SRC:csrc/%.c=$(B)/obj/%.o)
CTESTS   = $(patsubst ctest/%.c,$(B)/ctest/%,$(wildcard ctest/*.c))

LUA_ENV  = LUA_PATH="$(CURDIR)/lua/?.lua;$(CURDIR)/lua/?/init.lua;$(CURDIR)/spec/?.lua;;" \
           LUA_CPATH="$(CURDIR)/$(B)/?.so;;"

.PHONY: all deps deps-test demo test check asan asan-gcc asan-clang ctest \
        spec env bench clean rock rock-build doc lib install embed-check \
        fuzz fuzz-bins fuzz-seeds check-valgrind tsan

all: $(B)/corpus/core.so

deps:
	@sh tools/deps.sh build

deps-test:
	@sh tools/deps.sh test

$(B)/obj/%.o: csrc/%.c $(wildcard csrc/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(OPT) $(WARN) $(DEFS) $(EXTRA) -fPIC -fvisibility=hidden -I$(LUA_INC) -Icsrc $(DEP_INC) -c $< -o $@

$(B)/libcorpus.a: $(CORE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# the shared library for C hosts: exports only the corpus_* functions of
# include/corpus.h (csrc/api.c; everything is built -fvisibility=hidden)
SOVER    = 0
VERSION  = $(shell sed -n 's/^\#define CP_VERSION "\(.*\)"/\1/p' csrc/cp.h)
$(B)/libcorpus.so.$(SOVER): $(CORE_OBJ)
	$(CC) $(OPT) $(EXTRA) -shared -Wl,-soname,libcorpus.so.$(SOVER) -o $@ $(CORE_OBJ) $(DEP_LIB) $(LIBS)

# the Lua module as one static archive (binding + core), for hosts that
# embed Lua and link the module in
$(B)/libcorpus-lua.a: $(BIND_OBJ) $(CORE_OBJ)
	rm -f $@ && ar rcs $@ $^

lib: $(B)/libcorpus.a $(B)/libcorpus.so.$(SOVER) $(B)/libcorpus-lua.a

$(B)/corpus/core.so: $(BIND_OBJ) $(B)/libcorpus.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) $(EXTRA) -shared -o $@ $(BIND_OBJ) $(B)/libcorpus.a $(DEP_LIB) $(LIBS)

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

asan: asan-gcc asan-clang

asan-gcc:
	@sh tools/deps.sh test
	$(MAKE) B=build-asan OPT="-O1 -g" EXTRA="$(SAN_FLAGS)" all ctest
	@$(MAKE) --no-print-directory B=build-asan SANITIZE=1 \
	  SAN_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)" run-asan

# clang's ASan runtime carries UBSan too
asan-clang:
	@sh tools/deps.sh fuzz
	$(MAKE) B=build-asan-clang CC=clang OPT="-O1 -g" EXTRA="$(SAN_FLAGS)" all ctest
	@$(MAKE) --no-print-directory B=build-asan-clang SANITIZE=1 \
	  SAN_PRELOAD="$$(clang -print-file-name=libclang_rt.asan-x86_64.so)" run-asan

run-asan:
	@LUA_PATH="$(CURDIR)/lua/?.lua;$(CURDIR)/lua/?/init.lua;$(CURDIR)/spec/?.lua;;" \
	LUA_CPATH="$(CURDIR)/$(B)/?.so;;" \
	LD_PRELOAD="$(SAN_PRELOAD)" \
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	CORPUS_ASAN=1 B=$(B) LUA=$(LUA) BUSTED=$(BUSTED) sh tools/tap.sh "$(CTESTS)"

# ThreadSanitizer over the background merge of in-memory corpora
# (ctest/memmerge_test.c), at the default tier and with every run from
# tier 2 on the worker, so it runs often; and over the analysers run on
# the add paths' worker threads (ctest/analyse_test.c), four readers
# decoding one packed segment at once (ctest/seg_test.c), the text
# compressed beside the adds (ctest/codec_test.c), the queue of
# single adds (ctest/pipe_test.c) and the seal's jobs (ctest/jobs_test.c)
tsan:
	@sh tools/deps.sh fuzz
	$(MAKE) B=build-tsan CC=clang OPT="-O1 -g" EXTRA="-fsanitize=thread" build-tsan/ctest/memmerge_test \
	  build-tsan/ctest/seg_test build-tsan/ctest/analyse_test build-tsan/ctest/codec_test \
	  build-tsan/ctest/pipe_test build-tsan/ctest/jobs_test
	$(MAKE) B=build-tsan2 CC=clang OPT="-O1 -g" EXTRA="-fsanitize=thread -DCP_BG_TIER=2" build-tsan2/ctest/memmerge_test
	TSAN_OPTIONS=halt_on_error=1 build-tsan/ctest/memmerge_test
	TSAN_OPTIONS=halt_on_error=1 build-tsan/ctest/analyse_test
	TSAN_OPTIONS=halt_on_error=1 build-tsan/ctest/codec_test
	TSAN_OPTIONS=halt_on_error=1 build-tsan/ctest/pipe_test
	TSAN_OPTIONS=halt_on_error=1 build-tsan2/ctest/memmerge_test
	TSAN_OPTIONS=halt_on_error=1 build-tsan/ctest/seg_test
	TSAN_OPTIONS=halt_on_error=1 build-tsan/ctest/jobs_test

# {==== fuzzing: libFuzzer harnesses in fuzz/, built with clang
FUZZ_SECONDS ?= 60
FUZZERS   = tok seg manifest jsonl query conllu vrt
FUZZ_BINS = $(FUZZERS:%=$(B)/fuzz/fuzz_%)

$(B)/fuzz/fuzz_%: fuzz/fuzz_%.c $(B)/libcorpus.a $(BIND_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(OPT) $(WARN) $(DEFS) $(SAN_FLAGS) -fsanitize=fuzzer \
	  -DCORPUS_ROOT='"$(CURDIR)"' -I$(LUA_INC) -Icsrc $< -o $@ \
	  $(BIND_OBJ) $(B)/libcorpus.a $(LIBS) -llua5.4

fuzz-bins: $(FUZZ_BINS)

# the seed segments of fuzz_seg, written by this checkout's builder
# (fuzz/gen_seeds.c); rerun after any change of the segment format
$(B)/fuzz/gen_seeds: fuzz/gen_seeds.c $(B)/libcorpus.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) $(WARN) $(DEFS) $(EXTRA) -Icsrc $< -o $@ $(B)/libcorpus.a $(LIBS)

fuzz-seeds: $(B)/fuzz/gen_seeds
	rm -f fuzz/seeds/seg/*
	$(B)/fuzz/gen_seeds $(CURDIR) fuzz/seeds/seg

fuzz:
	@sh tools/deps.sh fuzz
	$(MAKE) B=build-fuzz CC=clang OPT="-O1 -g" \
	  EXTRA="$(SAN_FLAGS) -fsanitize=fuzzer-no-link" fuzz-bins
	@B=build-fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) sh tools/fuzz.sh $(FUZZERS)
# }====

check-valgrind: all
	@sh tools/deps.sh fuzz
	$(LUA_ENV) valgrind -q --error-exitcode=1 --leak-check=full \
	  --errors-for-leak-kinds=definite $(LUA) tools/valgrind.lua

PREFIX  ?= /usr/local
LUAV     = $(shell $(LUA) -e 'io.write((_VERSION:gsub("Lua ", "")))')
install: lib
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include \
	  $(DESTDIR)$(PREFIX)/share/lua/$(LUAV)/corpus
	install -m 644 $(B)/libcorpus.a $(DESTDIR)$(PREFIX)/lib/libcorpus.a
	install -m 755 $(B)/libcorpus.so.$(SOVER) $(DESTDIR)$(PREFIX)/lib/libcorpus.so.$(SOVER)
	ln -sf libcorpus.so.$(SOVER) $(DESTDIR)$(PREFIX)/lib/libcorpus.so
	install -m 644 include/corpus.h $(DESTDIR)$(PREFIX)/include/corpus.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' corpus.pc.in \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/corpus.pc
	install -m 644 $(B)/libcorpus-lua.a $(DESTDIR)$(PREFIX)/lib/libcorpus-$(LUA).a
	cd lua && find corpus -name '*.lua' | while read -r f; do \
	  install -D -m 644 "$$f" "$(DESTDIR)$(PREFIX)/share/lua/$(LUAV)/$$f"; done
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' -e 's|@LUA@|$(LUA)|g' \
	  -e 's|@LUAV@|$(LUAV)|' corpus-lua.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/corpus-$(LUA).pc

# the embedding examples, built against an installed tree with
# pkg-config and run on the seed files (CI: tools/embed_check.sh)
embed-check: deps-test all
	sh tools/embed_check.sh

doc:
	@sh tools/deps.sh test
	ldoc .

# long integration specs (Slurm, big oracles): not in `make test`'s
# three minutes; .ci/run runs them
check: deps-test all ctest
	@sh tools/deps.sh check
	@$(LUA_ENV) B=$(B) LUA=$(LUA) BUSTED=$(BUSTED) SPECS=checks sh tools/tap.sh ""

bench: all
	@sh tools/deps.sh bench
	$(LUA_ENV) sh bench/run.sh

rock:
	luarocks --lua-version=5.4 make rockspec/corpus-scm-1.rockspec --deps-mode=none --tree=$(B)/rock

# what the rockspec's make build runs (LuaRocks passes CC, OPT=CFLAGS,
# LUA_INC and the -I/-L of the external dependencies): the same objects
# and flags as `all`, in a build directory per Lua header directory,
# copied to the one path the rockspec installs from
rock-build:
	$(MAKE) B=build/rock-$(notdir $(LUA_INC)) all
	@mkdir -p build/rock/corpus
	cp build/rock-$(notdir $(LUA_INC))/corpus/core.so build/rock/corpus/core.so

clean:
	rm -rf build build-asan build-asan-clang build-fuzz build-tsan build-tsan2
