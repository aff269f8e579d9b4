--- corpus collocates SOURCE QUERY: collocates of a node.
local function measures(s)
  local t = {}
  for m in s:gmatch("[^,%s]+") do t[#t + 1] = m end
  return t
end

return {
  summary = "Collocates of a query within a window, scored by association measures.",
  setup = function(cmd, cli)
    cli.source(cmd)
    cmd:argument("query", "The node query.")
    cmd:option("--window", "Words each side.", "5"):convert(cli.integer(1))
    cmd:option("--left", "Words to the left (instead of --window)."):convert(cli.integer(0))
    cmd:option("--right", "Words to the right (instead of --window)."):convert(cli.integer(0))
    cmd:option("--measure", "Measures, comma-separated: obs, exp, mi, mi3, t, z, llr, " ..
      "chi2, dice, logdice (the first one ranks).", "llr")
    cmd:option("--min", "Only collocates seen at least this many times in the window.", "1")
      :convert(cli.integer(1))
    cli.stop(cmd)
    cli.by(cmd, "The collocates in each group of documents with the same value of this field.")
    cli.options(cmd, {"where", "layer", "limit=25", "format", "language", "quiet", "slurm"})
  end,
  run = function(args, cli)
    local ms = measures(args.measure)
    local cols = cli.by_cols(args, {"term", "obs", "freq"})
    for _, m in ipairs(ms) do if m ~= "obs" then cols[#cols + 1] = m end end
    if args.slurm then   -- a map/reduce over the shards (corpus.shard.analyse)
      local o = cli.shard_analysis(args, "collocates")
      o.q, o.window, o.left, o.right = args.query, args.window, args.left, args.right
      o.measure, o.min, o.where = ms, args.min, args.where
      return cli.emit(cli.check(require("corpus.shard").analyse(args.source, o)), cols, args)
    end
    local c = cli.open_source(args)
    local rows = cli.check(c:collocates(args.query, {window = args.window, left = args.left,
      right = args.right, measure = ms, min = args.min, limit = args.limit,
      layer = args.layer, where = args.where, stop = cli.stop_value(args),
      by = cli.by_value(args)}))
    return cli.emit(rows, cols, args)
  end,
}
