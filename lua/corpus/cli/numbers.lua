--- corpus numbers SOURCE: numbers with values and units (docs/EXTRACT.md).
return require("corpus.cli").extract_command("numbers", "Numbers with their values and units.",
  {"id", "value", "unit", "text", "doc", "start", "stop"}, function(n, text)
    return ("%-20s %16.15g %-8s %s"):format(n.id:sub(1, 20), n.value, n.unit or "", text)
  end)
