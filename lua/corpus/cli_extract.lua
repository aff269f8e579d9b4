--- corpus.cli_extract: the commands of bin/corpus over the extractors
-- (docs/EXTRACT.md): quotes, entities, dates, numbers.  lua/corpus/cli.lua
-- registers them; each is a few lines over c:quotes / c:entities / ...
--
--   corpus quotes SOURCE [--speaker NAME] [--kind K] [--limit N]
--   corpus entities SOURCE [--kind K] [--limit N]   (names with counts)
--   corpus dates SOURCE [--limit N]
--   corpus numbers SOURCE [--limit N]

local fmt = string.format
local io_write = io.write

local function oneline(s) return (s:gsub("%s+", " ")) end

return function(commands, h)
  local function limit(opt) return h.num(opt, "limit", nil) end

  local function check_opts(opt, allowed, name)
    for k in pairs(opt) do
      if not allowed[k] then h.die(("unknown option --%s for '%s'"):format(k, name), 2) end
    end
  end

  function commands.quotes(pos, opt)
    check_opts(opt, { speaker = true, kind = true, limit = true, language = true }, "quotes")
    local c = h.open_source(pos[1], opt)
    local rows = h.check(c:quotes(nil, { speaker = opt.speaker, kind = opt.kind, limit = limit(opt) }))
    for _, q in ipairs(rows) do
      io_write(fmt("%-20s %-8s %-24s \226\128\156%s\226\128\157\n", h.head(q.id, 20), q.kind,
        h.head(q.speaker or "?", 24), oneline(q.text)))
    end
  end

  function commands.entities(pos, opt)
    check_opts(opt, { kind = true, limit = true, language = true }, "entities")
    local c = h.open_source(pos[1], opt)
    local rows = h.check(c:entities(nil, { kind = opt.kind }))
    local count, docs, order = {}, {}, {}
    for _, e in ipairs(rows) do
      local key = e.canonical .. "\0" .. e.kind
      if not count[key] then
        count[key], docs[key] = 0, {}
        order[#order + 1] = { name = e.canonical, kind = e.kind, key = key }
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
    local out, lim = {}, limit(opt) or #order
    for i = 1, math.min(lim, #order) do
      local o = order[i]
      out[i] = { name = oneline(o.name), kind = o.kind, count = o.count, docs = o.docs }
    end
    h.print_rows(out, { "name", "kind", "count", "docs" })
  end

  function commands.dates(pos, opt)
    check_opts(opt, { limit = true, language = true }, "dates")
    local c = h.open_source(pos[1], opt)
    for _, d in ipairs(h.check(c:dates(nil, { limit = limit(opt) }))) do
      io_write(fmt("%-20s %-9s %-16s %s\n", h.head(d.id, 20), d.type, d.value, oneline(d.text)))
    end
  end

  function commands.numbers(pos, opt)
    check_opts(opt, { limit = true, language = true }, "numbers")
    local c = h.open_source(pos[1], opt)
    for _, n in ipairs(h.check(c:numbers(nil, { limit = limit(opt) }))) do
      io_write(fmt("%-20s %16.15g %-8s %s\n", h.head(n.id, 20), n.value, n.unit or "",
        oneline(n.text)))
    end
  end
end
