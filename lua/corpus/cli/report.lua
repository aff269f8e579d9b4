--- corpus report SOURCE -o FILE: an HTML report with plots.
local corpus = require "corpus"

return {
  summary = "Write one self-contained HTML report: statistics, plots, concordances.",
  description = "Write an HTML file (no network needed: CSS, script and SVG plots " ..
    "inline) with the corpus statistics and documents, a frequency list, and for " ..
    "each --query its frequency by the --by field, a dispersion plot, a " ..
    "concordance and collocates, a keyness chart, the quotations by speaker and " ..
    "the reused passages side by side.",
  setup = function(cmd, cli)
    cli.source(cmd)
    cmd:option("-o --output", "The HTML file to write."):args(1)
    cmd:option("--query", "A query to report on (repeat for several)."):count("*")
    cmd:option("--by", "Metadata field for the frequency-over-time chart and the " ..
      "dispersion rows (e.g. year).")
    cmd:option("--title", "Title of the report.")
    cmd:option("--keyness", "Two queries selecting documents: target and reference " ..
      "(default with --by: the last group against the rest)."):args(2)
    cmd:option("--stop", "Stop words left out of the lists: english (default), none, " ..
      "a file, or comma-separated words.", "english")
    cmd:option("--lines", "Concordance lines per query.", "60"):convert(cli.integer(1))
    cmd:option("--quotes", "Quotations listed in the quotations-by-speaker section.", "100")
      :convert(cli.integer(1))
    cmd:flag("--no-quotes", "Leave out the quotations-by-speaker section.")
    cmd:option("--reuse", "Reused passages listed side by side.", "30"):convert(cli.integer(1))
    cmd:flag("--no-reuse", "Leave out the reused-passages section.")
    cmd:option("--reuse-max-words", "Run the reuse search (every pair of documents) " ..
      "only on a corpus of at most this many words.", "1000000"):convert(cli.integer(1))
    cli.language(cmd)
    cli.quiet(cmd)
  end,
  run = function(args, cli)
    if not args.output then cli.usage_error("report needs -o FILE") end
    local c = cli.open_source(args)
    local stop = args.stop == "none" and false or cli.stop_value(args)
    cli.check(corpus.report(c, {queries = args.query, by = args.by, output = args.output,
      title = args.title or ("Report on " .. args.source), keyness = args.keyness,
      stop = stop, lines = args.lines,
      quotes = not args.no_quotes and args.quotes,
      reuse = not args.no_reuse and args.reuse, reuse_max_words = args.reuse_max_words}))
    return 0
  end,
}
