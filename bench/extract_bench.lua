#!/usr/bin/env lua5.4
-- bench/extract_bench.lua -- the extractors (quotes, names, dates,
-- numbers) over a JSON Lines corpus: CPU seconds and MB/s of each, and
-- their share of the build (corpus.new + c:add_jsonl) of the same file.
--
--   eval "$(make -s env)"; nice lua5.4 bench/extract_bench.lua ../shared/corpora/ungdc/*.jsonl
--
-- CPU time (os.clock) because the machine is shared.  Every extract call
-- tokenizes its text again; "tokenize" is that part alone (extract with
-- no analyser: tokens + lexicon facts), and each analyser's own cost is
-- its time minus it.  At build time the analysers would reuse the
-- tokens the build makes, so "analysers" (all four, tokenizing taken
-- out) is what they would add to a build.
local core = require "corpus.core"
local corpus = require "corpus"
local cjson = require "cjson.safe"

local files = { ... }
assert(#files > 0, "usage: extract_bench.lua FILE.jsonl...")
local texts, bytes = {}, 0
for _, f in ipairs(files) do
  for line in io.lines(f) do
    local d = cjson.decode(line)
    if d and type(d.text) == "string" then texts[#texts + 1] = d.text; bytes = bytes + #d.text end
  end
end
local mb = bytes / 1e6

local function cpu(fn)
  collectgarbage(); collectgarbage()
  local t0 = os.clock()
  fn()
  return os.clock() - t0
end

local build = cpu(function()
  local c = corpus.new()
  for _, f in ipairs(files) do assert(c:add_jsonl(f)) end
  c:close()
end)

local function run(what)
  return cpu(function()
    for i = 1, #texts do core.extract(texts[i], what) end
  end)
end

local base = run("")
local t = { entities = run("e"), quotes = run("q"), dates = run("d"), numbers = run("n"),
            all = run("eqdn") }
print(("corpus: %d documents, %.1f MB; build (corpus.new + add_jsonl) %.2f s CPU"):format(#texts, mb, build))
print(("tokenize + lexicon facts (in every extract call): %.2f s CPU"):format(base))
local function row(name, secs, note)
  print(("%-24s %7.2f s  %7.1f MB/s  %5.1f%% of build%s"):format(name, secs, mb / secs,
    100 * secs / build, note or ""))
end
row("entities", t.entities - base)
row("quotes (with entities)", t.quotes - base)
row("quotes alone", t.quotes - t.entities)
row("dates", t.dates - base)
row("numbers (with dates)", t.numbers - base)
row("numbers alone", t.numbers - t.dates)
row("analysers (all four)", t.all - base, "  <- goal <= 25%")
row("all, tokenizing again", t.all, "  (what corpus.quotes(text) costs)")
