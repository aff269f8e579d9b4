-- spec/71_doc_examples_spec.lua -- every Lua example in README.md and
-- docs/*.md (issue 9, item 6).  A block that prints and shows what it
-- prints runs, with `corpus`
-- loaded and `c` the two seed documents (as docs/QUERY.md describes
-- them), and what it prints must be what the document shows: the
-- `--> value` after a print(...) on the same line, or the `--> ...`
-- lines that follow the block's prints, in order.  Any other block is
-- an API sketch (files it names need not exist, a Slurm cluster need
-- not run): it must at least compile.  Signature lists are ```text.

local corpus = require "corpus"

local SEEDS = "../shared/corpora/seeds"

local read = require("sh").read   -- a file's bytes

local function docs()
  local list = {"README.md"}
  local p = io.popen("ls docs/*.md")
  for l in p:lines() do list[#list + 1] = l end
  p:close()
  return list
end

-- the ```lua blocks of a markdown text, with their first line numbers
local function blocks(text)
  local out, lineno, cur = {}, 0, nil
  for line in (text .. "\n"):gmatch("(.-)\n") do
    lineno = lineno + 1
    if cur then
      if line:match("^```%s*$") then
        out[#out + 1] = cur
        cur = nil
      else
        cur.lines[#cur.lines + 1] = line
      end
    elseif line:match("^```lua%s*$") then
      cur = {line = lineno + 1, lines = {}}
    end
  end
  return out
end

-- what a block says it prints: inline "print(...) --> v" and "--> v" lines
local function expected(b)
  local exp = {}
  for _, l in ipairs(b.lines) do
    local v = l:match("^%s*print%b()%s*%-%->%s?(.*)$")
    if v then exp[#exp + 1] = v end
    v = l:match("^%-%->%s?(.*)$")
    if v then exp[#exp + 1] = v end
  end
  return exp
end

local function seeds()
  local c = corpus.new()
  assert(c:add_dir(SEEDS))
  return c
end

-- the examples are Lua 5.4 (local x <close> = ...); other interpreters
-- run the rest of the suite
local run_examples = _VERSION == "Lua 5.4"

describe("the examples of the documentation", function()
  if not run_examples then return end
  for _, path in ipairs(docs()) do
    for _, b in ipairs(blocks(read(path))) do
      local src = table.concat(b.lines, "\n")
      local prints = src:find("print(", 1, true) ~= nil and #expected(b) > 0
      it(("%s:%d %s"):format(path, b.line, prints and "runs and prints what it says" or "compiles"), function()
        local chunk, err = load(src, "=" .. path .. ":" .. b.line, "t",
          setmetatable({}, {__index = _G}))
        assert.is_function(chunk, err)
        if not prints then return end
        local out = {}
        local env = setmetatable({
          corpus = corpus, c = seeds(), require = require,
          print = function(...)
            local t = {n = select("#", ...), ...}
            for i = 1, t.n do t[i] = tostring(t[i]) end
            local s = table.concat(t, "\t")
            for l in (s .. "\n"):gmatch("(.-)\n") do out[#out + 1] = l end
          end,
        }, {__index = _G})
        chunk = assert(load(src, "=" .. path .. ":" .. b.line, "t", env))
        chunk()
        local exp = expected(b)
        -- compared with runs of white space as one space (print's tabs
        -- are shown as spaces in the documents)
        local function norm(x) return x and (x:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")) end
        local got = {}
        for i = 1, #exp do got[i] = norm(out[i]); exp[i] = norm(exp[i]) end
        assert.are.same(exp, got)
      end)
    end
  end
end)
