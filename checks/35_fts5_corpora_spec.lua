-- checks/35_fts5_corpora_spec.lua (make check) -- compound and accented
-- words against SQLite FTS5 (unicode61 remove_diacritics 2) on every
-- shared corpus: the number of matching documents agrees within 1% for
-- every word; compound phrases are reported and agree within 5%
-- (docs/QUERY.md "Compounds and diacritics").  spec/31 does Reuters
-- docs-000 in make test.

local corpus = require "corpus"
local oracle = require "fts5_raw"

local SHARED = "../shared/corpora/"
local EXTRA = {"ebola", "communique", "communiqué", '"al hol"'}

-- the UD English Web Treebank as documents: "# newdoc" starts one, each
-- sentence's "# text = " line adds to it
local function add_conllu(c, path)
  local docs, cur = {}, nil
  for line in io.lines(path) do
    if line:match("^# newdoc") then
      cur = {}
      docs[#docs + 1] = cur
    else
      local t = line:match("^# text = (.*)$")
      if t then
        if not cur then cur = {}; docs[#docs + 1] = cur end
        cur[#cur + 1] = t
      end
    end
  end
  for _, d in ipairs(docs) do assert(c:add{text = table.concat(d, " ")}) end
  return #docs
end

local function ls(dir, pat)
  local out = {}
  local p = io.popen("ls '" .. dir .. "'")
  for l in p:lines() do if l:match(pat) then out[#out + 1] = dir .. "/" .. l end end
  p:close()
  return out
end

local CORPORA = {
  {"seeds", function(c) assert(c:add_dir(SHARED .. "seeds")) end},
  {"reuters21578", function(c)
    for _, f in ipairs(ls(SHARED .. "reuters21578", "%.jsonl$")) do assert(c:add_jsonl(f)) end
  end},
  {"ungdc", function(c)
    for _, f in ipairs(ls(SHARED .. "ungdc", "%.jsonl$")) do assert(c:add_jsonl(f)) end
  end},
  {"ud-ewt-dev", function(c) add_conllu(c, SHARED .. "ud-ewt-dev/en_ewt-ud-dev.conllu") end},
}

describe("compound and accented words against FTS5 on every shared corpus", function()
  local worst = {1, "-"}
  for _, k in ipairs(CORPORA) do
    it(k[1] .. ": every word within 1%, every compound phrase within 5%", function()
      local c = corpus.new()
      k[2](c)
      local rows = oracle.compare(c, EXTRA)
      c:close()
      for _, r in ipairs(rows) do
        local phrase = r.q:sub(1, 1) == '"'
        local what = ("%s %s: ours %d, FTS5 %d (%.4f)"):format(k[1], r.q, r.ours, r.fts5, r.ratio)
        print(what)
        assert.is_true(r.ratio >= (phrase and 0.95 or 0.99), what)
        if r.ratio < worst[1] then worst = {r.ratio, what} end
      end
    end)
  end
  teardown(function() print(("worst agreement: %.4f (%s)"):format(worst[1], worst[2])) end)
end)
