-- examples/make_sample_jsonl.lua -- regenerate examples/sample.jsonl
-- from examples/sample/*.txt, so the two forms of the sample corpus hold
-- the same texts.  The metadata lives here.
--
--   lua5.4 examples/make_sample_jsonl.lua      (from the repository root)
--
-- The sample documents are original text written for this project: a
-- fictional river-basin coalition (Norvalia, Estmark, Ardenia), its
-- ministers, and the news coverage of them.

local dir = "examples/sample/"

local meta = {
  { id = "01_ministry_statement", date = "2023-03-14",
    source = "Ministry of Water and Environment, Norvalia", kind = "press statement" },
  { id = "02_joint_communique", date = "2023-04-02",
    source = "Sela Basin Coalition", kind = "communique" },
  { id = "03_news_communique", date = "2023-04-03",
    source = "Harbor Post Wire", kind = "news" },
  { id = "04_us_statement", date = "2023-04-03",
    source = "Office of the U.S. Special Coordinator for Water Security", kind = "press statement" },
  { id = "05_news_delta", date = "2023-06-21",
    source = "Velin Daily", kind = "news" },
  { id = "06_progress_report", date = "2023-09-15",
    source = "Ministry of Water and Environment, Norvalia", kind = "press release" },
  { id = "07_news_brief", date = "2023-10-28",
    source = "Harbor Post Wire", kind = "news" },
}

-- JSON string: escape what JSON requires and nothing more, so the file
-- stays readable (UTF-8 is written as is).
local function jstr (s)
  return '"' .. s:gsub('[%c"\\]', function (ch)
    local named = { ['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\n',
                    ['\t'] = '\\t', ['\r'] = '\\r' }
    return named[ch] or string.format("\\u%04x", ch:byte())
  end) .. '"'
end

local out = assert(io.open("examples/sample.jsonl", "wb"))
for _, m in ipairs(meta) do
  local f = assert(io.open(dir .. m.id .. ".txt", "rb"))
  local text = f:read("a")
  f:close()
  local title = text:match("^([^\n]*)")
  local fields = {
    "id", jstr(m.id), "title", jstr(title), "date", jstr(m.date),
    "source", jstr(m.source), "kind", jstr(m.kind), "text", jstr(text),
  }
  local parts = {}
  for i = 1, #fields, 2 do
    parts[#parts + 1] = jstr(fields[i]) .. ": " .. fields[i + 1]
  end
  out:write("{", table.concat(parts, ", "), "}\n")
end
out:close()
print(("wrote examples/sample.jsonl (%d documents)"):format(#meta))
