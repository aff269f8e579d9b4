-- luacheck: the Lua sources, specs, benchmarks and CLI (`luacheck .`)
std = "lua54"
include_files = {"lua/**/*.lua", "spec/*.lua", "bin/corpus", "tools/*.lua", "examples/*.lua", "bench/*.lua"}
files["spec"] = {std = "+busted"}
unused_args = false
max_line_length = false
