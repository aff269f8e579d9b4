--- corpus similar SOURCE DOC: the most similar documents.
local compat = require "corpus.compat"
return {
  summary = "Documents most similar to one (cosine of tf-idf vectors).",
  setup = function(cmd, cli)
    cli.source(cmd)
    cmd:argument("key", "Document number (1-based) or id.")
    cli.options(cmd, {"where", "layer", "limit=10", "format", "language", "quiet"})
  end,
  run = function(args, cli)
    local c = cli.open_source(args)
    local key = compat.tointeger(tonumber(args.key)) or args.key
    if (type(key) == "string" and not c:find(key)) or
       (type(key) == "number" and not c:doc(key)) then
      cli.usage_error("no document " .. args.key)
    end
    local rows = cli.check(c:similar(key, {limit = args.limit, layer = args.layer,
                                           where = args.where}))
    return cli.emit(rows, {"doc", "id", "score"}, args)
  end,
}
