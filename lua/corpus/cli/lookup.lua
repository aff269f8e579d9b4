--- corpus lookup SOURCE DICT: dictionary counts.
return {
  summary = "Count the entries of a dictionary file (categories of word patterns).",
  description = "DICT is a dictionary file: [category] lines, then one entry a line " ..
    "(words, * and ? globs, multi-word entries); see docs/STATS.md. One row per " ..
    "entry; with --docs one row per document with a column per category.",
  setup = function(cmd, cli)
    cli.source(cmd)
    cmd:argument("dict", "The dictionary file.")
    cmd:flag("--docs", "One row per document: doc, id, tokens and a count per category.")
    cli.options(cmd, {"where", "layer", "format", "language", "quiet"})
  end,
  run = function(args, cli)
    local c = cli.open_source(args)
    local r = cli.check(c:lookup(args.dict, {where = args.where, layer = args.layer}))
    local found = 0
    for _, n in pairs(r.totals) do found = found + n end
    if args.docs then
      local rows, cols = {}, {"doc", "id", "tokens"}
      for _, cat in ipairs(r.categories) do cols[#cols + 1] = cat end
      for i, x in ipairs(r.docs) do
        local row = {doc = x.doc, id = x.id, tokens = x.tokens}
        for _, cat in ipairs(r.categories) do row[cat] = x.counts[cat] or 0 end
        rows[i] = row
      end
      cli.emit(rows, cols, args)
    else
      cli.emit(r.entries, {"category", "entry", "count"}, args)
    end
    return found > 0 and 0 or 1
  end,
}
