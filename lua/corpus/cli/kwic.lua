--- corpus kwic SOURCE QUERY: a concordance.
local compat = require "corpus.compat"
local COLS = {"id", "left", "match", "right", "doc", "start", "stop", "first", "last"}

local function ulen(s) return compat.utf8_len(s) or #s end

-- aligned lines: id, left context right-aligned, match, right context
local function kwic_table(rows)
  local wid, wleft = 2, 0
  for _, r in ipairs(rows) do
    if ulen(r.id) > wid then wid = ulen(r.id) end
    if ulen(r.left) > wleft then wleft = ulen(r.left) end
  end
  local out = {}
  for _, r in ipairs(rows) do
    out[#out + 1] = ("%s%s  %s%s  %s  %s\n"):format(r.id, (" "):rep(wid - ulen(r.id)),
      (" "):rep(wleft - ulen(r.left)), r.left, r.match, r.right)
  end
  return table.concat(out)
end

return {
  summary = "Concordance (key word in context) of a query.",
  description = "One line per match: document id, left context, the match, right " ..
    "context. Context is --width words each side (punctuation shown but not " ..
    "counted), or --chars characters, or --context s (the sentence) or p (the " ..
    "paragraph). --sort orders the lines: keys 1L, 2L ... (words left), 1R ... " ..
    "(right), match, or a metadata field, comma-separated, - for descending " ..
    "(--sort 1L,2L or --sort=-year). Line breaks are shown as spaces.",
  setup = function(cmd, cli)
    cli.source(cmd)
    cmd:argument("query", "The query.")
    cmd:option("--width", "Words of context each side.", "5"):convert(cli.integer(0))
    cmd:option("--left", "Words (or --chars characters) of left context."):convert(cli.integer(0))
    cmd:option("--right", "Words (or characters) of right context."):convert(cli.integer(0))
    cmd:option("--chars", "Characters of context each side instead of words.")
      :convert(cli.integer(0))
    cmd:option("--context", "The whole sentence (s) or paragraph (p) as context.")
      :choices{"s", "p"}
    cmd:option("--sort", "Sort keys, comma-separated (1L,2L / match / -year).")
    cmd:option("--sample", "Show this many lines drawn at random (see --seed).")
      :convert(cli.integer(0))
    cmd:option("--seed", "Seed of --sample.", "1"):convert(cli.integer())
    cli.options(cmd, {"where", "layer", "limit=100", "format", "language", "quiet"})
  end,
  run = function(args, cli)
    local c = cli.open_source(args)
    local k = cli.check(c:concordance(args.query, {layer = args.layer, where = args.where}))
    local total = #k
    if args.sample then k = k:sample(args.sample, args.seed) end
    if args.sort then
      local keys = {}
      for key in args.sort:gmatch("[^,%s]+") do keys[#keys + 1] = key end
      cli.check(k:sort(keys))
    end
    local win = {limit = args.limit > 0 and args.limit or nil}
    if args.context then win.context = args.context
    elseif args.chars then win.chars, win.left, win.right = args.chars, args.left, args.right
    elseif args.left or args.right then win.left, win.right = args.left or args.width, args.right or args.width
    else win.width = args.width end
    local rows = k:rows(win)
    for _, r in ipairs(rows) do
      r.left = r.left:gsub("%s+", " ")
      r.match = r.match:gsub("%s+", " ")
      r.right = r.right:gsub("%s+", " ")
      r.meta = nil
    end
    if #k > #rows then
      io.stderr:write(("corpus: showing %d of %d lines (--limit 0 for all)\n"):format(#rows, #k))
    elseif args.sample and total > #k then
      io.stderr:write(("corpus: a sample of %d of %d lines\n"):format(#k, total))
    end
    return cli.emit(rows, COLS, args, {table = kwic_table})
  end,
}
