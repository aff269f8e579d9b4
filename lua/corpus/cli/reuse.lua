--- corpus reuse SOURCE [OTHER]: passages documents share (docs/REUSE.md).
-- One row per passage pair: where each side is (document, bytes), its
-- length in words, identity and score, and the two texts.
local COLS = {"a_doc", "a_id", "a_start", "a_stop", "b_doc", "b_id", "b_start",
              "b_stop", "words", "identity", "score", "a_text", "b_text"}

-- a row of c:reuse flattened for tables, TSV, CSV and JSON
local function flat(r)
  return {a_doc = r.a.doc, a_id = r.a.id, a_start = r.a.start, a_stop = r.a.stop,
          b_doc = r.b.doc, b_id = r.b.id, b_start = r.b.start, b_stop = r.b.stop,
          words = r.words, identity = r.identity, score = r.score,
          a_text = r.a.text, b_text = r.b.text}
end

return {
  summary = "Passages that documents share (text reuse).",
  description = "Find the passages of SOURCE's documents that another document of " ..
    "SOURCE (or, given OTHER, a document of OTHER) shares, verbatim or edited: " ..
    "seeds from shared 4-word shingles, extended by a gapped alignment " ..
    "(docs/REUSE.md). Exit status 1 when there is none.",
  setup = function(cmd, cli)
    cli.source(cmd)
    cmd:argument("other", "A second source: find SOURCE's passages in it."):args("?")
    cmd:option("--min", "Shortest passage in words, on each side.", "8")
      :convert(cli.integer(1))
    cmd:option("--max-df", "Shingles in more documents than this are boilerplate.", "100")
      :convert(cli.integer(2))
    cli.options(cmd, {"where", "layer", "limit=0", "format", "language", "quiet", "slurm"})
    cmd:flag("--keep", "Also store every passage found as span set 'reuse' of " ..
             "SOURCE, an index directory (opened for writing and committed), so " ..
             "that queries can use 'within <reuse/>'.")
  end,
  run = function(args, cli)
    if args.keep and args.slurm then
      cli.usage_error("--keep stores the passages in one index: not with --slurm")
    end
    if args.slurm then   -- one task per shard (corpus.shard.analyse)
      if args.other or args.where then
        cli.usage_error("--slurm compares every pair of the sharded index's documents: " ..
                        "OTHER and --where are not supported with it")
      end
      local o = cli.shard_analysis(args, "reuse")
      o.min, o.max_df = args.min, args.max_df
      local rows = cli.check(require("corpus.shard").analyse(args.source, o))
      local out = {}
      for i, r in ipairs(rows) do out[i] = flat(r) end
      return cli.emit(out, COLS, args)
    end
    local c
    if args.keep then   -- the passages become a span set of SOURCE itself
      if not cli.is_index(args.source) then
        cli.usage_error("--keep needs SOURCE to be an index directory (made by " ..
                        "'corpus index'); " .. args.source .. " is not one")
      end
      c = cli.check(require("corpus").open(args.source, {write = true}))
    else
      c = cli.open_source(args)
    end
    local other
    if args.other then
      other = cli.open_source(setmetatable({source = args.other}, {__index = args}))
    end
    local rows = cli.check(c:reuse{min = args.min, max_df = args.max_df,
                                   layer = args.layer, limit = args.limit,
                                   source = args.where, against = other,
                                   keep = args.keep or nil})
    if args.keep then cli.check(c:commit()) end
    local out = {}
    for i, r in ipairs(rows) do out[i] = flat(r) end
    return cli.emit(out, COLS, args)
  end,
}
