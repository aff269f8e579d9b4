--- corpus dispersion SOURCE QUERY: how evenly a query is spread.
return {
  summary = "Dispersion of a query over documents: range, Juilland's D, Gries' DP.",
  description = "One row with the matches, the range (documents with a match), " ..
    "the number of parts and the dispersion measures; with --docs one row per " ..
    "document instead.",
  setup = function(cmd, cli)
    cli.source(cmd)
    cmd:argument("query", "The query.")
    cmd:flag("--docs", "One row per document (or per part with --parts).")
    cmd:option("--parts", "Parts are the groups of documents with the same value of this " ..
      "field (default: each document a part).")
    cli.options(cmd, {"where", "layer", "format", "language", "quiet"})
  end,
  run = function(args, cli)
    local c = cli.open_source(args)
    local d = cli.check(c:dispersion(args.query, {where = args.where, layer = args.layer,
                                                  parts = args.parts}))
    if args.docs and args.parts then
      cli.emit(d.groups, {args.parts, "hits", "docs", "ndocs", "words", "per_million"}, args)
    elseif args.docs then
      local rows = {}
      for i, x in ipairs(d.docs) do
        rows[i] = {doc = x.doc, id = x.id, tokens = x.tokens, count = x.count}
      end
      cli.emit(rows, {"doc", "id", "tokens", "count"}, args)
    else
      cli.emit({{query = args.query, matches = d.matches, range = d.range, parts = d.parts,
                 D = d.D, DP = d.DP, DPnorm = d.DPnorm}},
               {"query", "matches", "range", "parts", "D", "DP", "DPnorm"}, args)
    end
    return d.matches > 0 and 0 or 1
  end,
}
