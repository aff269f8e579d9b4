--- corpus stats SOURCE: corpus statistics.
local KEYS = {"docs", "tokens", "words", "punct", "types", "sentences",
              "paragraphs", "bytes", "invalid_utf8", "segments"}

return {
  summary = "Corpus statistics: documents, tokens, words, types, sentences, ...",
  setup = function(cmd, cli)
    cli.options(cmd, {"source", "format", "language", "quiet"})
  end,
  run = function(args, cli)
    local c = cli.open_source(args)
    local st = cli.check(c:stats())
    local row = {}
    for _, k in ipairs(KEYS) do row[k] = st[k] end
    return cli.emit({row}, KEYS, args, {table = function()
      local out = {}
      for _, k in ipairs(KEYS) do out[#out + 1] = ("%-13s %d\n"):format(k, st[k]) end
      return table.concat(out)
    end})
  end,
}
