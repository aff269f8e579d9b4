--- corpus optimize DIR: merge an index into one segment.
local corpus = require "corpus"

return {
  summary = "Merge the segments of an index into one (dropping deleted documents).",
  setup = function(cmd)
    cmd:argument("dir", "The index directory.")
  end,
  run = function(args, cli)
    local w = cli.check(corpus.open(args.dir, {write = true}))
    cli.check(w:optimize())
    local st = cli.check(w:stats())
    w:close()
    io.write(("%s: %d segment(s), %d documents\n"):format(args.dir, st.segments, st.docs))
    return 0
  end,
}
