--- corpus dates SOURCE: dates with TIMEX3 values (docs/EXTRACT.md).
local function oneline(s) return (s:gsub("%s+", " ")) end

return {
  summary = "Dates, times and durations with TIMEX3 values.",
  setup = function(cmd, cli)
    cli.source(cmd)
    cli.limit(cmd, 0)
    cli.format(cmd)
    cli.language(cmd)
    cli.quiet(cmd)
  end,
  run = function(args, cli)
    local c = cli.open_source(args)
    local rows = cli.check(c:dates(nil, {limit = args.limit > 0 and args.limit or nil}))
    return cli.emit(rows, {"id", "type", "value", "text", "doc", "start", "stop"}, args,
      {table = function(rs)
        local out = {}
        for _, d in ipairs(rs) do
          out[#out + 1] = ("%-20s %-9s %-16s %s\n"):format(d.id:sub(1, 20), d.type, d.value, oneline(d.text))
        end
        return table.concat(out)
      end})
  end,
}
