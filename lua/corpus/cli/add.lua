--- corpus add DIR INPUT...: add documents to an existing index.
local corpus = require "corpus"

return {
  summary = "Add documents to an existing index and commit.",
  description = "Add the documents of each input (JSON Lines, a directory of .txt " ..
    "files, a text file, or - for JSON Lines on standard input) to the index DIR, " ..
    "then commit. Nothing is committed when an input fails (a duplicate id, bad JSON).",
  setup = function(cmd, cli)
    cmd:argument("dir", "The index directory (made by `corpus index`).")
    cmd:argument("inputs", "Inputs to add."):args("+")
    cli.quiet(cmd)
  end,
  run = function(args, cli)
    if not cli.exists(args.dir .. "/MANIFEST") then
      cli.data_error(args.dir .. ": not an index (no MANIFEST); make one with `corpus index`")
    end
    local w = cli.check(corpus.open(args.dir, {write = true}))
    local total = 0
    for _, input in ipairs(args.inputs) do total = total + cli.add_input(w, input, args) end
    cli.check(w:commit())
    w:close()
    io.write(("%s: added %d documents\n"):format(args.dir, total))
    return 0
  end,
}
