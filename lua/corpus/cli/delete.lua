--- corpus delete DIR ID...: delete documents by id.
local corpus = require "corpus"

return {
  summary = "Delete documents (by id) from an index and commit.",
  description = "Delete the documents with the given ids from the index DIR and " ..
    "commit. Exit status 1 (and nothing committed) when an id is not in the index.",
  setup = function(cmd)
    cmd:argument("dir", "The index directory.")
    cmd:argument("ids", "Document ids."):args("+")
  end,
  run = function(args, cli)
    local w = cli.check(corpus.open(args.dir, {write = true}))
    for _, id in ipairs(args.ids) do
      if not w:find(id) then
        w:close()
        io.stderr:write(("corpus: no document '%s' in %s; nothing deleted\n"):format(id, args.dir))
        return 1
      end
      cli.check(w:delete(id))
    end
    cli.check(w:commit())
    w:close()
    io.write(("%s: deleted %d documents\n"):format(args.dir, #args.ids))
    return 0
  end,
}
