--- corpus quotes SOURCE: quotations with their speakers (docs/EXTRACT.md).
local function oneline(s) return (s:gsub("%s+", " ")) end

return {
  summary = "Quotations with their speakers.",
  setup = function(cmd, cli)
    cli.source(cmd)
    cmd:option("--speaker", "Only quotations of this speaker.")
    cmd:option("--kind", "Only quotations of this kind."):choices{"direct", "mixed", "indirect"}
    cli.options(cmd, {"limit=0", "format", "language", "quiet"})
  end,
  run = function(args, cli)
    local c = cli.open_source(args)
    local rows = cli.check(c:quotes(nil, {speaker = args.speaker, kind = args.kind,
                                          limit = args.limit > 0 and args.limit or nil}))
    return cli.emit(rows, {"id", "kind", "speaker", "text", "doc", "start", "stop"}, args,
      {table = function(rs)
        local out = {}
        for _, q in ipairs(rs) do
          out[#out + 1] = ("%-20s %-8s %-24s \226\128\156%s\226\128\157\n"):format(q.id:sub(1, 20),
            q.kind, (q.speaker or "?"):sub(1, 24), oneline(q.text))
        end
        return table.concat(out)
      end})
  end,
}
