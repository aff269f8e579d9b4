--[[
tools/fuzz_seeds.lua -- writes the seed segments of the fuzz_seg harness
(fuzz/seeds/seg/) with the current builder, so that they are images of
the segment format this build reads.  Run it again whenever the format
changes:

  eval "$(make -s env)"; lua5.4 tools/fuzz_seeds.lua [OUT_DIR]

seg1: plain text with metadata, sentences, paragraphs and a long token
(escaped span); seg2: a second commit with other words; seg3: CoNLL-U
with stored layers (lemma, upos, ...) and an `s` span set with an
attribute.  Each is a few kilobytes, as seeds should be.
]]
local corpus = require "corpus"

local out = arg[1] or "fuzz/seeds/seg"
local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/cp_fuzz_seeds_" .. os.time()

local function sh (cmd) assert(os.execute(cmd), cmd) end

local function segfiles (dir)
  local t = {}
  local p = io.popen("ls " .. dir .. "/*.cps")
  for l in p:lines() do t[#t + 1] = l end
  p:close()
  return t
end

sh("rm -rf '" .. tmp .. "' && mkdir -p '" .. tmp .. "' '" .. out .. "'")

local w = assert(corpus.create(tmp .. "/a"))
for i = 1, 8 do
  assert(w:add{ id = "d" .. i, year = 1990 + i, source = "seed",
    text = ("Doc %d. The Fighters’ café fought %d times!\n\n"
      .. "New para x%d. %s"):format(i, i * 7, i, i % 4 == 0 and ("y"):rep(300) or "") })
end
assert(w:commit())
for i = 9, 12 do
  assert(w:add{ id = "d" .. i, text = "Another batch: naïve “quotes”, numbers 3.14 and 1,000." })
end
assert(w:commit())
w:close()
local a = segfiles(tmp .. "/a")
assert(#a == 2, "two segments expected")

local conllu = tmp .. "/x.conllu"
local f = assert(io.open(conllu, "w"))
f:write([[
# newdoc id = n1
# sent_id = s1
# text = The dogs ran.
1	The	the	DET	DT	Definite=Def	2	det	_	_
2	dogs	dog	NOUN	NNS	Number=Plur	3	nsubj	_	_
3	ran	run	VERB	VBD	Tense=Past	0	root	_	SpaceAfter=No
4	.	.	PUNCT	.	_	3	punct	_	_

# sent_id = s2
# text = It's here.
1-2	It's	_	_	_	_	_	_	_	_
1	It	it	PRON	PRP	_	3	nsubj	_	_
2	's	be	AUX	VBZ	_	3	cop	_	_
3	here	here	ADV	RB	_	0	root	_	SpaceAfter=No
4	.	.	PUNCT	.	_	3	punct	_	_

]])
f:close()
local w2 = assert(corpus.create(tmp .. "/b"))
assert(w2:add_conllu(conllu))
assert(w2:commit())
w2:close()
local b = segfiles(tmp .. "/b")

sh(("cp '%s' '%s/seg1' && cp '%s' '%s/seg2' && cp '%s' '%s/seg3'")
  :format(a[1], out, a[2], out, b[1], out))
sh("rm -rf '" .. tmp .. "'")
print(("wrote %s/seg1, seg2, seg3"):format(out))
