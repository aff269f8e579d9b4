--- corpus ngrams SOURCE N: n-grams.
return {
  summary = "Most frequent n-grams (runs of N words).",
  setup = function(cmd, cli)
    cli.source(cmd)
    cmd:argument("n", "Words per n-gram."):convert(cli.integer(1))
    cmd:option("--containing", "Only n-grams containing a match of this query.")
    cmd:option("--min", "Only n-grams seen at least this many times.", "1"):convert(cli.integer(1))
    cli.stop(cmd)
    cli.by(cmd, "The n-grams of each group of documents with the same value of this field.")
    cli.options(cmd, {"where", "layer", "limit=25", "format", "language", "quiet", "slurm"})
  end,
  run = function(args, cli)
    if args.slurm then   -- a map/reduce over the shards (corpus.shard.analyse)
      if args.stop or args.containing or (args.by and #args.by > 0) then
        cli.usage_error("--slurm counts whole shards: --stop, --containing and --by are " ..
          "not supported with it")
      end
      if not cli.exists(args.source .. "/SHARDS") then
        cli.usage_error(args.source .. ": --slurm needs a sharded index (corpus index --shards)")
      end
      local o = cli.slurm_value(args)
      o.what, o.n, o.layer, o.where, o.min = "ngrams", args.n, args.layer, args.where, args.min
      o.limit = args.limit > 0 and args.limit or nil
      local rows = cli.check(require("corpus.shard").analyse(args.source, o))
      return cli.emit(rows, {"ngram", "count", "rate", "docs"}, args)
    end
    local c = cli.open_source(args)
    local rows = cli.check(c:ngrams(args.n, {limit = args.limit, layer = args.layer,
      min = args.min, where = args.where, containing = args.containing,
      stop = cli.stop_value(args), by = cli.by_value(args)}))
    return cli.emit(rows, cli.by_cols(args, {"ngram", "count", "rate", "docs"}), args)
  end,
}
