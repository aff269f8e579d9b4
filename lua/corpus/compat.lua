--- corpus.compat: the few Lua 5.3 library functions the modules use,
-- taken from the interpreter when it has them (5.3, 5.4) and written
-- here for Lua 5.1, 5.2 and LuaJIT.  Internal: not part of the API.
-- @module corpus.compat
-- @local

local floor, type, byte = math.floor, type, string.byte

local M = {}

--- math.type: "integer", "float" or nil.  Before 5.3 every number is a
-- float; a number with an integer value counts as "integer" there, so
-- the argument checks accept the same values on every version.
M.math_type = math.type or function(x)
  if type(x) ~= "number" then return nil end
  if x == floor(x) and x > -2^53 and x < 2^53 then return "integer" end
  return "float"
end

--- math.tointeger: the integer value of x, or nil.
M.tointeger = math.tointeger or function(x)
  if M.math_type(x) == "integer" then return x end
  return nil
end

-- byte length of the UTF-8 sequence starting at position i of s, or nil
-- when it is not a valid sequence (overlong and surrogate forms too)
local function seqlen(s, i)
  local c = byte(s, i)
  if c < 0x80 then return 1 end
  local n, lo, hi = 0, 0x80, 0xBF
  if c >= 0xC2 and c <= 0xDF then n = 1
  elseif c >= 0xE0 and c <= 0xEF then
    n = 2
    if c == 0xE0 then lo = 0xA0 elseif c == 0xED then hi = 0x9F end
  elseif c >= 0xF0 and c <= 0xF4 then
    n = 3
    if c == 0xF0 then lo = 0x90 elseif c == 0xF4 then hi = 0x8F end
  else return nil end
  for k = 1, n do
    local d = byte(s, i + k)
    if not d or d < lo or d > hi then return nil end
    lo, hi = 0x80, 0xBF
  end
  return n + 1
end

--- utf8.len(s [, i [, j]]): characters in bytes i..j, or nil, position
-- of the first invalid byte.
M.utf8_len = utf8 and utf8.len or function(s, i, j)
  i = i or 1
  j = j or #s
  if j < 0 then j = #s + j + 1 end
  local n = 0
  while i <= j do
    local l = seqlen(s, i)
    if not l then return nil, i end
    i = i + l
    n = n + 1
  end
  return n
end

--- utf8.offset(s, n): byte position where the n-th character (n >= 1)
-- starts; #s + 1 for the character after the last; nil beyond that.
M.utf8_offset = utf8 and utf8.offset or function(s, n)
  local i = 1
  while n > 1 do
    if i > #s then return nil end
    i = i + (seqlen(s, i) or 1)
    n = n - 1
  end
  return i
end

--- utf8.char(code): the UTF-8 encoding of one code point.
M.utf8_char = utf8 and utf8.char or function(c)
  local char = string.char
  if c < 0x80 then return char(c) end
  if c < 0x800 then return char(0xC0 + floor(c / 64), 0x80 + c % 64) end
  if c < 0x10000 then
    return char(0xE0 + floor(c / 4096), 0x80 + floor(c / 64) % 64, 0x80 + c % 64)
  end
  return char(0xF0 + floor(c / 262144), 0x80 + floor(c / 4096) % 64,
              0x80 + floor(c / 64) % 64, 0x80 + c % 64)
end

--- table.unpack (unpack before 5.2).
M.unpack = table.unpack or unpack -- luacheck: ignore 113

return M
