--- corpus kwic SOURCE QUERY: a concordance.
local corpus = require "corpus"

local COLS = {"id", "left", "match", "right", "doc", "start", "stop"}

local function ulen(s) return utf8.len(s) or #s end

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
    "counted); line breaks in the text are shown as spaces.",
  setup = function(cmd, cli)
    cli.source(cmd)
    cmd:argument("query", "The query.")
    cmd:option("--width", "Words of context each side.", "5")
      :convert(cli.integer(0))
    cli.where(cmd)
    cli.layer(cmd)
    cli.limit(cmd, 100)
    cli.format(cmd)
    cli.language(cmd)
    cli.quiet(cmd)
  end,
  run = function(args, cli)
    local c = cli.open_source(args)
    cli.check(corpus.parse(args.query, {layer = args.layer}))
    local sel
    if args.where then sel = cli.check(c:_select_plan(cli.check(corpus.parse(args.where)))) end
    local rows, total = {}, 0
    for k in c:kwic(args.query, {width = args.width, layer = args.layer}) do
      local d = k.doc - 1
      if not sel or (sel:byte(d // 8 + 1) or 0) & (1 << (d % 8)) ~= 0 then
        total = total + 1
        if args.limit == 0 or total <= args.limit then
          k.left = k.left:gsub("%s+", " ")
          k.match = k.match:gsub("%s+", " ")
          k.right = k.right:gsub("%s+", " ")
          rows[#rows + 1] = k
        end
      end
    end
    if total > #rows then
      io.stderr:write(("corpus: showing %d of %d lines (--limit 0 for all)\n"):format(#rows, total))
    end
    return cli.emit(rows, COLS, args, {table = kwic_table})
  end,
}
