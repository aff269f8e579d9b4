--- corpus keyness SOURCE TARGET [REFERENCE]: key terms of a subcorpus.
return {
  summary = "Key terms of a subcorpus against a reference (the rest by default).",
  description = "TARGET and REFERENCE are queries selecting documents " ..
    "('year:2001', 'country:USA'); without REFERENCE the rest of the corpus is " ..
    "the reference.",
  setup = function(cmd, cli)
    cli.source(cmd)
    cmd:argument("target", "Documents of the target subcorpus (a query); - with --by.")
    cmd:argument("reference", "Documents of the reference (a query; default: the rest)."):args("?")
    cmd:option("--measure", "Ranking: llr, chi2, logratio or pdiff.", "llr")
      :choices{"llr", "chi2", "logratio", "pdiff"}
    cmd:option("--min", "Only terms seen at least this many times in the target.", "1")
      :convert(cli.integer(1))
    cli.stop(cmd)
    cli.by(cmd, "Each group of documents with the same value of this field against the " ..
      "rest (give - as TARGET).")
    cli.options(cmd, {"layer", "limit=25", "format", "language", "quiet", "slurm"})
  end,
  run = function(args, cli)
    if args.slurm then   -- a map/reduce over the shards (corpus.shard.analyse)
      local o = cli.shard_analysis(args, "keyness")
      o.target, o.reference, o.measure, o.min = args.target, args.reference, args.measure, args.min
      return cli.emit(cli.check(require("corpus.shard").analyse(args.source, o)),
                      {"term", "a", "b", "rate_a", "rate_b", "llr", "chi2", "logratio", "pdiff",
                       "p"}, args)
    end
    local c = cli.open_source(args)
    local by = cli.by_value(args)
    if by and args.target ~= "-" then cli.usage_error("with --by, give - as TARGET") end
    local rows = cli.check(c:keyness(not by and args.target or nil, args.reference, {
      measure = args.measure, min = args.min, limit = args.limit, layer = args.layer,
      stop = cli.stop_value(args), by = by}))
    return cli.emit(rows, cli.by_cols(args, {"term", "a", "b", "rate_a", "rate_b", "llr", "chi2",
                           "logratio", "pdiff", "p"}), args)
  end,
}
