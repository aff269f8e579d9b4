--- corpus count SOURCE QUERY: number of matches.
return {
  summary = "Count the matches of a query (or the matching documents).",
  description = "Print the number of matches of QUERY (docs/QUERY.md). Exit status 1 " ..
    "when there is none.",
  setup = function(cmd, cli)
    cli.source(cmd)
    cmd:argument("query", "The query.")
    cmd:flag("--docs", "Count matching documents instead of matches.")
    cli.by(cmd)
    cli.options(cmd, {"where", "layer", "format", "language", "quiet"})
  end,
  run = function(args, cli)
    local c = cli.open_source(args)
    local by = cli.by_value(args)
    if by then
      local rows = cli.check(c:count(args.query, {layer = args.layer, where = args.where, by = by}))
      local total = 0
      for _, r in ipairs(rows) do total = total + r.hits end
      cli.emit(rows, cli.by_cols(args, {"hits", "docs", "ndocs", "words", "per_million"}), args)
      return total > 0 and 0 or 1
    end
    local n = cli.check(c:count(args.query, {layer = args.layer, docs = args.docs or nil,
                                             where = args.where}))
    if args.format == "table" then
      io.write(n, "\n")
      return n > 0 and 0 or 1
    end
    local key = args.docs and "docs" or "hits"
    cli.emit({{query = args.query, [key] = n}}, {"query", key}, args)
    return n > 0 and 0 or 1
  end,
}
