--- corpus entities SOURCE: names with counts (docs/EXTRACT.md).
local function oneline(s) return (s:gsub("%s+", " ")) end

return {
  summary = "Names (people, organisations, places) with counts.",
  setup = function(cmd, cli)
    cli.source(cmd)
    cmd:option("--kind", "Only names of this kind."):choices{"person", "org", "place", "other"}
    cli.options(cmd, {"limit=0", "format", "language", "quiet"})
  end,
  run = function(args, cli)
    local c = cli.open_source(args)
    local rows = cli.check(c:entities(nil, {kind = args.kind}))
    local count, docs, order = {}, {}, {}
    for _, e in ipairs(rows) do
      local key = e.canonical .. "\0" .. e.kind
      if not count[key] then
        count[key], docs[key] = 0, {}
        order[#order + 1] = {name = e.canonical, kind = e.kind, key = key}
      end
      count[key] = count[key] + 1
      docs[key][e.doc] = true
    end
    for _, o in ipairs(order) do
      local n = 0
      for _ in pairs(docs[o.key]) do n = n + 1 end
      o.count, o.docs = count[o.key], n
    end
    table.sort(order, function(a, b)
      if a.count ~= b.count then return a.count > b.count end
      return a.name < b.name
    end)
    local out = {}
    for i, o in ipairs(cli.head(order, args.limit)) do
      out[i] = {name = oneline(o.name), kind = o.kind, count = o.count, docs = o.docs}
    end
    return cli.emit(out, {"name", "kind", "count", "docs"}, args)
  end,
}
