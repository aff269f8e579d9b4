-- LuaRocks build of corpus.  rockspec/corpus-*.rockspec are generated
-- from rockspec/corpus.rockspec.in by tools/sync_rockspec.lua (version
-- from csrc/cp.h, modules from lua/corpus/); edit the template, not them.
-- The build runs the Makefile (target rock-build), so the rock is built
-- from the same sources with the same flags as `make`: -fvisibility=hidden,
-- one exported symbol (luaopen_corpus_core).
rockspec_format = "3.0"
package = "corpus"
version = "scm-1"
source = { url = "git+file://." }
description = {
  summary = "Parse, index and analyse text corpora: search, KWIC, frequencies, collocations",
  detailed = [[
A C core (UAX #29 tokenizer, positional index, query engine, corpus
statistics) under a Lua API (Lua 5.1-5.4, LuaJIT) for analysts of news
and policy text.
]],
  license = "MIT",
}
dependencies = {
  "lua >= 5.1",
  "lpeg",
  "lua-cjson",
  "argparse",
}
test_dependencies = {
  "busted",
}
external_dependencies = {
  UTF8PROC = { header = "utf8proc.h", library = "utf8proc" },
  STEMMER = { header = "libstemmer.h", library = "stemmer" },
  XXHASH = { header = "xxhash.h", library = "xxhash" },
  PCRE2 = { header = "pcre2.h", library = "pcre2-8" },
  JANSSON = { header = "jansson.h", library = "jansson" },
  YAJL = { header = "yajl/yajl_parse.h", library = "yajl" },
  ZSTD = { header = "zstd.h", library = "zstd" },
}
build = {
  type = "make",
  build_target = "rock-build",
  build_variables = {
    CC = "$(CC)",
    OPT = "$(CFLAGS)",
    LUA_INC = "$(LUA_INCDIR)",
    DEP_INC = "-I$(UTF8PROC_INCDIR) -I$(STEMMER_INCDIR) -I$(XXHASH_INCDIR) -I$(PCRE2_INCDIR) -I$(JANSSON_INCDIR) -I$(YAJL_INCDIR) -I$(ZSTD_INCDIR)",
    DEP_LIB = "-L$(UTF8PROC_LIBDIR) -L$(STEMMER_LIBDIR) -L$(XXHASH_LIBDIR) -L$(PCRE2_LIBDIR) -L$(JANSSON_LIBDIR) -L$(YAJL_LIBDIR) -L$(ZSTD_LIBDIR)",
  },
  install_pass = false,
  install = {
    bin = { corpus = "bin/corpus" },
    lib = { ["corpus.core"] = "build/rock/corpus/core.so" },
    lua = {
      ["corpus.cli"] = "lua/corpus/cli.lua",
      ["corpus.compat"] = "lua/corpus/compat.lua",
      ["corpus.conc"] = "lua/corpus/conc.lua",
      ["corpus.extract"] = "lua/corpus/extract.lua",
      ["corpus.group"] = "lua/corpus/group.lua",
      ["corpus"] = "lua/corpus/init.lua",
      ["corpus.query"] = "lua/corpus/query.lua",
      ["corpus.report"] = "lua/corpus/report.lua",
      ["corpus.reuse"] = "lua/corpus/reuse.lua",
      ["corpus.shard"] = "lua/corpus/shard.lua",
      ["corpus.stats"] = "lua/corpus/stats.lua",
      ["corpus.stopwords"] = "lua/corpus/stopwords.lua",
      ["corpus.write"] = "lua/corpus/write.lua",
      ["corpus.cli.add"] = "lua/corpus/cli/add.lua",
      ["corpus.cli.check"] = "lua/corpus/cli/check.lua",
      ["corpus.cli.collocates"] = "lua/corpus/cli/collocates.lua",
      ["corpus.cli.collocations"] = "lua/corpus/cli/collocations.lua",
      ["corpus.cli.count"] = "lua/corpus/cli/count.lua",
      ["corpus.cli.dates"] = "lua/corpus/cli/dates.lua",
      ["corpus.cli.delete"] = "lua/corpus/cli/delete.lua",
      ["corpus.cli.dispersion"] = "lua/corpus/cli/dispersion.lua",
      ["corpus.cli.doc"] = "lua/corpus/cli/doc.lua",
      ["corpus.cli.entities"] = "lua/corpus/cli/entities.lua",
      ["corpus.cli.freq"] = "lua/corpus/cli/freq.lua",
      ["corpus.cli.index"] = "lua/corpus/cli/index.lua",
      ["corpus.cli.keyness"] = "lua/corpus/cli/keyness.lua",
      ["corpus.cli.kwic"] = "lua/corpus/cli/kwic.lua",
      ["corpus.cli.lookup"] = "lua/corpus/cli/lookup.lua",
      ["corpus.cli.ngrams"] = "lua/corpus/cli/ngrams.lua",
      ["corpus.cli.numbers"] = "lua/corpus/cli/numbers.lua",
      ["corpus.cli.optimize"] = "lua/corpus/cli/optimize.lua",
      ["corpus.cli.quotes"] = "lua/corpus/cli/quotes.lua",
      ["corpus.cli.report"] = "lua/corpus/cli/report.lua",
      ["corpus.cli.reuse"] = "lua/corpus/cli/reuse.lua",
      ["corpus.cli.search"] = "lua/corpus/cli/search.lua",
      ["corpus.cli.similar"] = "lua/corpus/cli/similar.lua",
      ["corpus.cli.stats"] = "lua/corpus/cli/stats.lua",
    },
  },
  copy_directories = { "docs", "man" },
}
test = {
  type = "busted",
  flags = { "--cpath=build/rock/?.so" },
}
