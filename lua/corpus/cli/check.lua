--- corpus check DIR: verify an index.
local corpus = require "corpus"

return {
  summary = "Verify every checksum and invariant of an index.",
  description = "Read every segment of the index DIR and check it. Exit status 0 " ..
    "when the index is sound, 3 (with the problem on standard error) otherwise.",
  setup = function(cmd)
    cmd:argument("dir", "The index directory.")
  end,
  run = function(args, cli)
    local c = cli.check(corpus.open(args.dir))
    cli.check(c:check())
    c:close()
    io.write(args.dir, ": ok\n")
    return 0
  end,
}
