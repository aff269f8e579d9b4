--- corpus numbers SOURCE: numbers with values and units (docs/EXTRACT.md).
local function oneline(s) return (s:gsub("%s+", " ")) end

return {
  summary = "Numbers with their values and units.",
  setup = function(cmd, cli)
    cli.source(cmd)
    cli.limit(cmd, 0)
    cli.format(cmd)
    cli.language(cmd)
    cli.quiet(cmd)
  end,
  run = function(args, cli)
    local c = cli.open_source(args)
    local rows = cli.check(c:numbers(nil, {limit = args.limit > 0 and args.limit or nil}))
    return cli.emit(rows, {"id", "value", "unit", "text", "doc", "start", "stop"}, args,
      {table = function(rs)
        local out = {}
        for _, n in ipairs(rs) do
          out[#out + 1] = ("%-20s %16.15g %-8s %s\n"):format(n.id:sub(1, 20), n.value, n.unit or "",
            oneline(n.text))
        end
        return table.concat(out)
      end})
  end,
}
