--- corpus doc SOURCE N|ID: one document.
local compat = require "corpus.compat"
return {
  summary = "Print one document's text (by number or id).",
  setup = function(cmd, cli)
    cli.source(cmd)
    cmd:argument("key", "Document number (1-based) or id.")
    cli.options(cmd, {"format", "language", "quiet"})
  end,
  run = function(args, cli)
    local c = cli.open_source(args)
    local d = c:doc(compat.tointeger(tonumber(args.key)) or args.key)
    if not d then
      io.stderr:write("corpus: no document ", args.key, "\n")
      return 1
    end
    if args.format == "table" then
      io.write(d.text, "\n")
      return 0
    end
    return cli.emit({d}, nil, args)
  end,
}
