--- corpus count SOURCE QUERY: number of matches.
return {
  summary = "Count the matches of a query (or the matching documents).",
  description = "Print the number of matches of QUERY (docs/QUERY.md). Exit status 1 " ..
    "when there is none.",
  setup = function(cmd, cli)
    cli.source(cmd)
    cmd:argument("query", "The query.")
    cmd:flag("--docs", "Count matching documents instead of matches.")
    cli.where(cmd)
    cli.layer(cmd)
    cli.format(cmd)
    cli.language(cmd)
    cli.quiet(cmd)
  end,
  run = function(args, cli)
    local c = cli.open_source(args)
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
