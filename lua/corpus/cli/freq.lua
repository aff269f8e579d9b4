--- corpus freq SOURCE: a frequency list.
return {
  summary = "Frequency list: term, count, rate per million tokens, documents.",
  setup = function(cmd, cli)
    cli.source(cmd)
    cmd:option("--min", "Only terms seen at least this many times.", "1"):convert(cli.integer(1))
    cli.stop(cmd)
    cli.by(cmd, "The frequency list of each group of documents with the same value of " ..
      "this field (--limit per group).")
    cli.options(cmd, {"where", "layer", "limit=25", "format", "language", "quiet", "slurm"})
  end,
  run = function(args, cli)
    if args.slurm then   -- a map/reduce over the shards (corpus.shard.analyse)
      local o = cli.shard_analysis(args, "freq")
      o.where, o.min = args.where, args.min
      local rows = cli.check(require("corpus.shard").analyse(args.source, o))
      return cli.emit(rows, {"term", "count", "rate", "docs"}, args)
    end
    local c = cli.open_source(args)
    local rows = cli.check(c:freq{limit = args.limit, layer = args.layer, min = args.min,
                                  where = args.where, stop = cli.stop_value(args),
                                  by = cli.by_value(args)})
    return cli.emit(rows, cli.by_cols(args, {"term", "count", "rate", "docs"}), args)
  end,
}
