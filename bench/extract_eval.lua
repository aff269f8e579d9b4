#!/usr/bin/env lua5.4
-- bench/extract_eval.lua -- the extractors against the hand-labelled
-- Reuters set: quote precision/recall/F1, speaker and date accuracy, and
-- every miss.  Run from the checkout:
--   eval "$(make -s env)"; lua5.4 bench/extract_eval.lua [../shared/corpora/reuters21578]
package.path = "spec/?.lua;" .. package.path
local ev = require "extract_eval"
local r = assert(ev.run(arg[1] or "../shared/corpora/reuters21578"))
print(("articles %d, gold quotes %d, found %d, matched %d"):format(r.docs, r.gold, r.found, r.matched))
print(("quotes (direct+mixed): precision %.3f recall %.3f F1 %.3f"):format(r.precision, r.recall, r.f1))
print(("speaker accuracy %.3f (%d/%d), kind agreement %.3f"):format(r.speaker_acc, r.speaker_ok, r.matched, r.kind_acc))
print(("dates: %d gold, value accuracy %.3f (%d), precision %.3f (%d found, %d spurious)"):format(
  r.dates_gold, r.date_acc, r.dates_ok, r.date_precision, r.dates_found, r.dates_spurious))
for _, k in ipairs{ "misses", "extra", "wrong_speaker", "wrong_dates" } do
  print(("-- %s (%d)"):format(k, #r[k]))
  for _, l in ipairs(r[k]) do print("   " .. l) end
end
