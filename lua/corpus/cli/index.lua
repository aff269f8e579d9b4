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
    cmd:option("--shards", "Build a sharded index of this many shards, one task each " ..
      "(local processes, or a Slurm job array with --slurm; docs/SCALE.md). A rerun " ..
      "builds only what is missing."):convert(cli.integer(1))
    cli.slurm(cmd)
    cli.language(cmd)
    cmd:option("--analyse", "The analysers run on every document at add time: a " ..
      "comma-separated list of entities, quotes, dates, numbers; all (the default) " ..
      "or none (docs/EXTRACT.md, \"In the index\"). Recorded in a new index.")
    cmd:option("--fields", "Text metadata fields whose tokens are indexed, so that " ..
      "search --fields reads them instead of tokenizing each ranked document's value " ..
      "(a comma-separated list, e.g. title; docs/QUERY.md, \"Indexed fields\"). " ..
      "Recorded in a new index.")
    cli.quiet(cmd)
  end,
  run = function(args, cli)
    local dir = args.dir
    local analyse
    if args.analyse == "none" then analyse = false
    elseif args.analyse and args.analyse ~= "all" then
      analyse = {}
      for name in args.analyse:gmatch("[^,%s]+") do
        if name ~= "entities" and name ~= "quotes" and name ~= "dates" and name ~= "numbers" then
          cli.usage_error("--analyse: unknown analyser '" .. name ..
            "' (entities, quotes, dates, numbers, all, none)")
        end
        analyse[#analyse + 1] = name
      end
    end
    local fields
    if args.fields then
      fields = {}
      for name in args.fields:gmatch("[^,]+") do fields[#fields + 1] = name end
      -- a bad list raises in corpus.new / create: a usage error here
      local ok, c = pcall(corpus.new, {fields = fields, analyse = false})
      if not ok then
        cli.usage_error("--fields: " .. (tostring(c):gsub("^.-bad option 'fields' to 'new' ", "")))
      end
      c:close()
    end
    if args.shards then
      if cli.exists(dir .. "/MANIFEST") then
        cli.usage_error(dir .. ": an ordinary index; --shards builds a new sharded one")
      end
      for _, input in ipairs(args.inputs) do
        if input == "-" then cli.usage_error("--shards reads files, not standard input") end
      end
      local o = cli.slurm_value(args)
      o.out, o.inputs, o.shards, o.language = dir, args.inputs, args.shards, args.language
      o.analyse, o.fields = analyse, fields
      local c = cli.check(corpus.build_sharded(o))
      local st = cli.check(c:stats())
      local n = #c:shards()
      c:close()
      io.write(("%s: %d shards; %d documents, %d tokens in all\n")
        :format(dir, n, st.docs, st.tokens))
      return 0
    end
    if args.slurm or args.partition or args.time or args.mem then
      cli.usage_error("--slurm, --partition, --time and --mem need --shards")
    end
    local w
    if cli.exists(dir .. "/MANIFEST") then w = cli.check(corpus.open(dir, {write = true}))
    else
      w = cli.check(corpus.create(dir, {language = args.language, analyse = analyse,
                                        fields = fields}))
    end
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
