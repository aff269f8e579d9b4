--- corpus dates SOURCE: dates with TIMEX3 values (docs/EXTRACT.md).
return require("corpus.cli").extract_command("dates", "Dates, times and durations with TIMEX3 values.",
  {"id", "type", "value", "text", "doc", "start", "stop"}, function(d, text)
    return ("%-20s %-9s %-16s %s"):format(d.id:sub(1, 20), d.type, d.value, text)
  end)
