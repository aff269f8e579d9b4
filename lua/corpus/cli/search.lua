--- corpus search SOURCE QUERY: ranked documents.
return {
  summary = "Ranked documents (BM25) with snippets.",
  setup = function(cmd, cli)
    cli.source(cmd)
    cmd:argument("query", "The query.")
    cli.limit(cmd, 10)
    cmd:option("--offset", "Skip this many ranked documents first.", "0"):convert(cli.integer(0))
    cmd:option("--fields", "BM25F field weights, NAME=W[,NAME=W...] (text is the "
      .. "document text; any other name a text metadata field), e.g. title=2,text=1.")
      :convert(function(s)
        local t, n = {}, 0
        for item in s:gmatch("[^,]+") do
          local name, w = item:match("^%s*([%w_]+)%s*=%s*([%d.eE+-]+)%s*$")
          local x = tonumber(w or "")
          if not name or not x or x < 0 then
            return nil, ("--fields: '%s' is not NAME=WEIGHT with a weight >= 0"):format(item)
          end
          t[name], n = x, n + 1
        end
        if n == 0 then return nil, "--fields needs NAME=WEIGHT[,NAME=WEIGHT...]" end
        return t
      end)
    cli.options(cmd, {"format", "language", "quiet"})
  end,
  run = function(args, cli)
    local c = cli.open_source(args)
    local r = cli.check(c:search(args.query, {limit = args.limit == 0 and 2147483647 or args.limit,
                                              offset = args.offset, fields = args.fields}))
    local rows = {}
    for i, h in ipairs(r.hits) do
      rows[i] = {rank = args.offset + i, doc = h.doc, id = h.id, score = h.score,
                 snippet = (h.snippet or ""):gsub("%s+", " ")}
    end
    return cli.emit(rows, {"rank", "id", "score", "snippet", "doc"}, args, {table = function()
      local out = {}
      for _, h in ipairs(rows) do
        out[#out + 1] = ("%2d. %-24s %.6g\n    %s\n"):format(h.rank, h.id, h.score, h.snippet)
      end
      out[#out + 1] = ("(%d matching documents)\n"):format(r.total)
      return table.concat(out)
    end})
  end,
}
