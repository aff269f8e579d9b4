-- The API reference: every public function of the module and every
-- public method of a corpus has an LDoc comment, so `make doc` (LDoc,
-- config.ld) lists it in build/doc.  A method added without a doc
-- comment fails here.
local corpus = require "corpus"
local sh = require "sh"

local function public_names()
  local names = {}
  for k, v in pairs(corpus) do
    if k ~= "core" and (type(v) == "function" or type(v) == "string") then
      names[#names + 1] = k
    end
  end
  local c = corpus.new()
  for k in pairs(getmetatable(c).__index) do
    if not k:match("^_") then names[#names + 1] = "Corpus:" .. k end
  end
  c:close()
  table.sort(names)
  return names
end

describe("the API reference", function()
  it("has corpus._VERSION as Lua's own _VERSION has", function()
    assert.are.equal("corpus " .. corpus.version, corpus._VERSION)
    assert.matches("^corpus %d+%.%d+%.%d+$", corpus._VERSION)
  end)

  it("documents every public function and method (make doc)", function()
    local ok, out = sh.run("ldoc . 2>&1")
    assert.is_true(ok, out)
    local f = assert(io.open("build/doc/index.html", "rb"))
    local html = f:read("*a")
    f:close()
    local documented = {}
    for name in html:gmatch('<a name = "([^"]+)"') do documented[name] = true end
    local missing = {}
    local names = public_names()
    assert.is_true(#names >= 48)
    for _, n in ipairs(names) do
      if not documented[n] then missing[#missing + 1] = n end
    end
    assert.are.same({}, missing)
  end)
end)
