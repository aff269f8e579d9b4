--- corpus collocations SOURCE: word pairs (NLTK-style bigram collocations).
return {
  summary = "Word pairs within a window that occur together more than chance.",
  setup = function(cmd, cli)
    cli.source(cmd)
    cmd:option("--window", "Pair words up to this far apart.", "2")
      :convert(cli.integer(2))
    cmd:option("--measure", "Measure that ranks: mi, mi3, t, z, llr, chi2, dice, logdice.", "llr")
    cmd:option("--min", "Only pairs seen at least this many times.", "1"):convert(cli.integer(1))
    cli.options(cmd, {"stop", "where", "layer", "limit=25", "format", "language", "quiet",
      "slurm"})
  end,
  run = function(args, cli)
    if args.slurm then   -- a map/reduce over the shards (corpus.shard.analyse)
      local o = cli.shard_analysis(args, "collocations")
      o.window, o.measure, o.min, o.where = args.window, args.measure, args.min, args.where
      local rows = cli.check(require("corpus.shard").analyse(args.source, o))
      return cli.emit(rows, {"w1", "w2", "obs", "f1", "f2", "exp", args.measure}, args)
    end
    local c = cli.open_source(args)
    local rows = cli.check(c:collocations{window = args.window, measure = args.measure,
      min = args.min, limit = args.limit, layer = args.layer, where = args.where,
      stop = cli.stop_value(args)})
    return cli.emit(rows, {"w1", "w2", "obs", "f1", "f2", "exp", args.measure}, args)
  end,
}
