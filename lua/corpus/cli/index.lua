--- corpus index DIR INPUT...: build an on-disk index (or add to one).
local corpus = require "corpus"

return {
  summary = "Build an on-disk index from inputs (or add to an existing one).",
  description = "Build an on-disk index in DIR from JSON Lines files, directories " ..
    "of .txt files, text files, or - (JSON Lines on standard input), and commit. " ..
    "An existing index gets the documents added. Nothing is committed when an " ..
    "input fails.",
  setup = function(cmd, cli)
    cmd:argument("dir", "The index directory.")
    cmd:argument("inputs", "Inputs to add."):args("+")
    cli.language(cmd)
    cli.quiet(cmd)
  end,
  run = function(args, cli)
    local dir = args.dir
    local w
    if cli.exists(dir .. "/MANIFEST") then w = cli.check(corpus.open(dir, {write = true}))
    else w = cli.check(corpus.create(dir, {language = args.language})) end
    local total = 0
    for _, input in ipairs(args.inputs) do total = total + cli.add_input(w, input, args) end
    cli.check(w:commit())
    local st = cli.check(w:stats())
    w:close()
    io.write(("%s: added %d documents; %d documents, %d tokens in all\n")
      :format(dir, total, st.docs, st.tokens))
    return 0
  end,
}
