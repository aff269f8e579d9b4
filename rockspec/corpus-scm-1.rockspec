-- LuaRocks build of corpus: the same C sources as the Makefile
-- (spec/05_rockspec_spec.lua checks that the list below is complete and
-- that `luarocks make` builds a module that loads).
rockspec_format = "3.0"
package = "corpus"
version = "scm-1"
source = { url = "git+file://." }
description = {
  summary = "Parse, index and analyse text corpora: search, KWIC, frequencies, collocations",
  detailed = [[
A C core (UAX #29 tokenizer, positional index, query engine, corpus
statistics) under a Lua 5.4 API for analysts of news and policy text.
]],
  license = "MIT",
}
dependencies = {
  "lua >= 5.4",
  "lpeg",
  "lua-cjson",
}
external_dependencies = {
  UTF8PROC = { header = "utf8proc.h", library = "utf8proc" },
  STEMMER = { header = "libstemmer.h", library = "stemmer" },
  XXHASH = { header = "xxhash.h", library = "xxhash" },
  PCRE2 = { header = "pcre2.h", library = "pcre2-8" },
}
build = {
  type = "builtin",
  install = { bin = { corpus = "bin/corpus" } },
  modules = {
    -- MODULES BEGIN (kept in sync with lua/corpus/*.lua by the spec)
    ["corpus.cli"] = "lua/corpus/cli.lua",
    ["corpus"] = "lua/corpus/init.lua",
    ["corpus.query"] = "lua/corpus/query.lua",
    ["corpus.shard"] = "lua/corpus/shard.lua",
    ["corpus.stats"] = "lua/corpus/stats.lua",
    -- MODULES END
    ["corpus.core"] = {
      sources = {
        -- SOURCES BEGIN (kept in sync with csrc/*.c by the spec)
        "csrc/analysis.c",
        "csrc/assoc.c",
        "csrc/colloc.c",
        "csrc/corpus.c",
        "csrc/count.c",
        "csrc/cp.c",
        "csrc/dict.c",
        "csrc/disp.c",
        "csrc/exec.c",
        "csrc/fields.c",
        "csrc/freq.c",
        "csrc/index.c",
        "csrc/keyness.c",
        "csrc/l_corpus.c",
        "csrc/l_index.c",
        "csrc/l_opts.c",
        "csrc/l_query.c",
        "csrc/l_shard.c",
        "csrc/l_stats.c",
        "csrc/l_tok.c",
        "csrc/lex.c",
        "csrc/manifest.c",
        "csrc/meta.c",
        "csrc/near.c",
        "csrc/pipe.c",
        "csrc/plan.c",
        "csrc/qcache.c",
        "csrc/rank.c",
        "csrc/seg.c",
        "csrc/segw.c",
        "csrc/seqfix.c",
        "csrc/shard.c",
        "csrc/sim.c",
        "csrc/snippet.c",
        "csrc/stats.c",
        "csrc/suggest.c",
        "csrc/tok.c",
        "csrc/unitab.c",
        "csrc/utf8.c",
        "csrc/variants.c",
        -- SOURCES END
      },
      defines = { "_GNU_SOURCE" },
      incdirs = { "csrc", "$(UTF8PROC_INCDIR)", "$(STEMMER_INCDIR)", "$(XXHASH_INCDIR)", "$(PCRE2_INCDIR)" },
      libdirs = { "$(UTF8PROC_LIBDIR)", "$(STEMMER_LIBDIR)", "$(XXHASH_LIBDIR)", "$(PCRE2_LIBDIR)" },
      libraries = { "utf8proc", "stemmer", "xxhash", "pcre2-8", "m", "pthread" },
    },
  },
}
