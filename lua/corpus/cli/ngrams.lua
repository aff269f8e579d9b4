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
    cli.where(cmd)
    cli.layer(cmd)
    cli.limit(cmd, 25)
    cli.format(cmd)
    cli.language(cmd)
    cli.quiet(cmd)
  end,
  run = function(args, cli)
    local c = cli.open_source(args)
    local rows = cli.check(c:ngrams(args.n, {limit = args.limit, layer = args.layer,
      min = args.min, where = args.where, containing = args.containing,
      stop = cli.stop_value(args), by = cli.by_value(args)}))
    return cli.emit(rows, cli.by_cols(args, {"ngram", "count", "rate", "docs"}), args)
  end,
}
