--[[
corpus.report -- one self-contained HTML file about a corpus: its
statistics and documents, a frequency list, and for each query its
frequency per group (an SVG chart), a dispersion plot (one barcode row
per group or document), a concordance and the collocates; a keyness
chart between two subcorpora.

  corpus.report(c, {queries = {"terrorism", '"climate change"'},
                    by = "year", output = "report.html"})
    -> true (written to output) | the HTML text (no output) |
       nil, msg, code

Options: queries (list), by (a metadata field), title, output,
stop ("english" by default for the lists; false for none), limit (rows
of the frequency list, 40), lines (concordance lines per query, 60),
docs (rows of the document table, 300), keyness = {target, reference}
(queries selecting documents; default with `by`: the last group against
the rest), quotes (quotations listed, 100; false: no quotation section),
reuse (reused passages listed, 30; false: no reuse section),
reuse_max_words (the reuse search runs only on a corpus of at most this
many words, 1,000,000; a larger one gets a note; false: any size).

The quotation section counts c:quotes rows by speaker (at most the first
5,000 quotations; the 40 speakers quoted most) and lists the quotations
speaker by speaker; the reuse section shows c:reuse{limit = reuse} pairs
side by side, passage A and passage B with their byte spans (a corpus
too large for the reuse search's work bound gets a note instead).

Nothing is fetched: CSS, script and SVG are inline.  Plots are SVG with
axes, ticks and labels, so they print and need no script.  Tables are
plain HTML; the small script only adds sorting on a header click
(numeric columns numerically; the concordance's left column by the
words nearest the match, as AntConc's 1L, 2L ...).  Every number the
tables show is also in a data-value attribute, for checking.
]]
local raise = require("corpus.core").error   -- at the caller's line
local compat = require "corpus.compat"

local type, ipairs, pairs, tostring, tonumber = type, ipairs, pairs, tostring, tonumber
local fmt, concat, floor = string.format, table.concat, math.floor
local math_type = compat.math_type

local function esc(s)
  return (tostring(s):gsub("[&<>\"']", {["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;",
                                       ['"'] = "&quot;", ["'"] = "&#39;"}))
end

local function num_text(v, digits)
  if v == nil then return "" end
  if math_type(v) == "integer" then
    local s = tostring(v)
    return (s:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", ""):gsub("^%-,", "-"))
  end
  if v ~= v then return "–" end
  return fmt("%." .. (digits or 2) .. "f", v)
end

-- a value for data-value: numbers with full precision
local function data_value(v)
  if math_type(v) == "integer" then return fmt("%d", v) end
  if type(v) == "number" then return fmt("%.17g", v) end
  return esc(v)
end

local function label(v)
  if math_type(v) == "float" and v == floor(v) then return fmt("%d", v) end
  return tostring(v)
end

-- {======================================================================
-- Tables
-- =======================================================================

-- cols: {{key =, title =, num = bool, digits =, sortkey = fn(row),
-- text = fn(row) (the cell's text when it is not the value)}}
local function html_table(id, rows, cols, caption)
  local out = {fmt('<table class="sortable" id="%s">', esc(id))}
  if caption then out[#out + 1] = "<caption>" .. caption .. "</caption>" end
  out[#out + 1] = "<thead><tr>"
  for _, c in ipairs(cols) do
    out[#out + 1] = fmt('<th data-type="%s" data-col="%s" scope="col">%s</th>',
      c.num and "num" or "text", esc(c.key), esc(c.title or c.key))
  end
  out[#out + 1] = "</tr></thead><tbody>"
  for _, r in ipairs(rows) do
    out[#out + 1] = "<tr>"
    for _, c in ipairs(cols) do
      local v = r[c.key]
      local attrs = ""
      if c.num and type(v) == "number" then attrs = fmt(' data-value="%s"', data_value(v)) end
      if c.sortkey then attrs = attrs .. fmt(' data-key="%s"', esc(c.sortkey(r))) end
      local text = c.text and esc(c.text(r)) or c.num and num_text(v, c.digits)
                   or esc(v == nil and "" or label(v))
      out[#out + 1] = fmt('<td class="%s"%s>%s</td>', c.class or (c.num and "n" or "t"), attrs, text)
    end
    out[#out + 1] = "</tr>"
  end
  out[#out + 1] = "</tbody></table>"
  return concat(out)
end

-- }======================================================================

-- {======================================================================
-- SVG plots
-- =======================================================================

-- a "nice" tick step for a range of 0..max with about n ticks
local function nice_step(max, n)
  if max <= 0 then return 1 end
  local raw = max / n
  local mag = 10 ^ floor(math.log(raw) / math.log(10) + 1e-9)   -- 5.1 has no log base
  for _, m in ipairs{1, 2, 2.5, 5, 10} do
    if raw <= m * mag then return m * mag end
  end
  return 10 * mag
end

local function tick_label(v)
  if v == floor(v) then return num_text(compat.tointeger(v)) end
  return fmt("%g", v)
end

--- a bar chart of rows[i][ykey] per rows[i][xkey] (categories in order)
local function bar_chart(id, rows, xkey, ykey, xtitle, ytitle)
  local W, H, L, R, T, B = 760, 260, 64, 16, 14, 52
  local pw, ph = W - L - R, H - T - B
  local max = 0
  for _, r in ipairs(rows) do if r[ykey] > max then max = r[ykey] end end
  local step = nice_step(max, 5)
  local top = math.max(step, math.ceil(max / step) * step)
  local n = #rows
  local bw = n > 0 and pw / n or pw
  local out = {fmt('<svg id="%s" class="chart" viewBox="0 0 %d %d" width="%d" height="%d" ' ..
    'role="img" aria-label="%s by %s" xmlns="http://www.w3.org/2000/svg">', esc(id), W, H, W, H,
    esc(ytitle), esc(xtitle))}
  -- y axis: gridlines, ticks, labels
  for v = 0, top + step / 2, step do
    local y = T + ph - v / top * ph
    out[#out + 1] = fmt('<line class="grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>', L, L + pw, y, y)
    out[#out + 1] = fmt('<line class="tick" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>', L - 5, L, y, y)
    out[#out + 1] = fmt('<text class="ylab" x="%d" y="%.1f">%s</text>', L - 8, y + 4, tick_label(v))
  end
  -- bars
  local every = math.max(1, math.ceil(n / 14))
  for i, r in ipairs(rows) do
    local x = L + (i - 1) * bw
    local h = r[ykey] / top * ph
    out[#out + 1] = fmt('<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" ' ..
      'data-group="%s" data-value="%s"><title>%s: %s</title></rect>',
      x + bw * 0.1, T + ph - h, bw * 0.8, h, esc(label(r[xkey])), data_value(r[ykey]),
      esc(label(r[xkey])), num_text(r[ykey], 2))
    if (i - 1) % every == 0 then
      local cx = x + bw / 2
      out[#out + 1] = fmt('<line class="tick" x1="%.1f" x2="%.1f" y1="%d" y2="%d"/>', cx, cx, T + ph, T + ph + 5)
      out[#out + 1] = fmt('<text class="xlab" x="%.1f" y="%d">%s</text>', cx, T + ph + 18, esc(label(r[xkey])))
    end
  end
  out[#out + 1] = fmt('<line class="axis" x1="%d" x2="%d" y1="%d" y2="%d"/>', L, L + pw, T + ph, T + ph)
  out[#out + 1] = fmt('<line class="axis" x1="%d" x2="%d" y1="%d" y2="%d"/>', L, L, T, T + ph)
  out[#out + 1] = fmt('<text class="xtitle" x="%.1f" y="%d">%s</text>', L + pw / 2, H - 8, esc(xtitle))
  out[#out + 1] = fmt('<text class="ytitle" transform="translate(14,%.1f) rotate(-90)">%s</text>',
    T + ph / 2, esc(ytitle))
  out[#out + 1] = "</svg>"
  return concat(out)
end

--- a dispersion plot: one barcode row per part, a line per hit at its
-- relative position in its document (0 = start, 1 = end)
local function barcode(id, parts, xtitle)
  local W, L, R, T, B, RH = 760, 150, 16, 10, 40, 16
  local H = T + B + RH * #parts
  local pw = W - L - R
  local out = {fmt('<svg id="%s" class="chart barcode" viewBox="0 0 %d %d" width="%d" height="%d" ' ..
    'role="img" aria-label="dispersion" xmlns="http://www.w3.org/2000/svg">', esc(id), W, H, W, H)}
  for i, p in ipairs(parts) do
    local y = T + (i - 1) * RH
    out[#out + 1] = fmt('<g class="row" data-part="%s" data-hits="%d">', esc(p.label), #p.pos)
    out[#out + 1] = fmt('<rect class="lane" x="%d" y="%d" width="%d" height="%d"/>', L, y + 2, pw, RH - 4)
    out[#out + 1] = fmt('<text class="rlab" x="%d" y="%d">%s</text>', L - 6, y + RH - 4, esc(p.label))
    local d = {}
    for _, x in ipairs(p.pos) do
      local px = L + x * pw
      d[#d + 1] = fmt("M%.1f %dV%d", px, y + 2, y + RH - 2)
    end
    if #d > 0 then out[#out + 1] = fmt('<path class="hit" d="%s"/>', concat(d)) end
    out[#out + 1] = "</g>"
  end
  local yb = T + RH * #parts
  out[#out + 1] = fmt('<line class="axis" x1="%d" x2="%d" y1="%d" y2="%d"/>', L, L + pw, yb, yb)
  for k = 0, 4 do
    local x = L + k / 4 * pw
    out[#out + 1] = fmt('<line class="tick" x1="%.1f" x2="%.1f" y1="%d" y2="%d"/>', x, x, yb, yb + 5)
    out[#out + 1] = fmt('<text class="xlab" x="%.1f" y="%d">%d%%</text>', x, yb + 18, k * 25)
  end
  out[#out + 1] = fmt('<text class="xtitle" x="%.1f" y="%d">%s</text>', L + pw / 2, H - 6, esc(xtitle))
  out[#out + 1] = "</svg>"
  return concat(out)
end

--- a keyness chart: target terms to the right, reference terms to the
-- left, bar length the log-likelihood (quanteda's textplot_keyness)
local function keyness_chart(id, tgt, ref, tname, rname)
  local n = math.max(#tgt, #ref)
  local W, T, B, RH = 760, 24, 40, 15
  local H = T + B + RH * n
  local mid, half = W / 2, W / 2 - 110
  local max = 0
  for _, r in ipairs(tgt) do if math.abs(r.llr) > max then max = math.abs(r.llr) end end
  for _, r in ipairs(ref) do if math.abs(r.llr) > max then max = math.abs(r.llr) end end
  local step = nice_step(max, 4)
  local top = math.max(step, math.ceil(max / step) * step)
  local out = {fmt('<svg id="%s" class="chart" viewBox="0 0 %d %d" width="%d" height="%d" ' ..
    'role="img" aria-label="keyness" xmlns="http://www.w3.org/2000/svg">', esc(id), W, H, W, H)}
  out[#out + 1] = fmt('<text class="ktitle" x="%.1f" y="14">%s</text>', mid + 8, esc(tname) .. " →")
  out[#out + 1] = fmt('<text class="ktitle end" x="%.1f" y="14">%s</text>', mid - 8, "← " .. esc(rname))
  local function bars(list, dir, cls)
    for i, r in ipairs(list) do
      local y = T + (i - 1) * RH
      local g2 = math.abs(r.llr)   -- signed: negative for the reference's terms
      local w = g2 / top * half
      local x = dir > 0 and mid or mid - w
      out[#out + 1] = fmt('<rect class="%s" x="%.1f" y="%d" width="%.1f" height="%d" data-term="%s" ' ..
        'data-value="%s"><title>%s: G² %.1f</title></rect>', cls, x, y + 2, w, RH - 4, esc(r.term),
        data_value(g2), esc(r.term), g2)
      local tx = dir > 0 and mid + w + 4 or mid - w - 4
      out[#out + 1] = fmt('<text class="klab%s" x="%.1f" y="%d">%s</text>', dir > 0 and "" or " end",
        tx, y + RH - 4, esc(r.term))
    end
  end
  bars(tgt, 1, "kbar")
  bars(ref, -1, "kbar ref")
  local yb = T + RH * n
  out[#out + 1] = fmt('<line class="axis" x1="%.1f" x2="%.1f" y1="%d" y2="%d"/>', mid - half, mid + half, yb, yb)
  out[#out + 1] = fmt('<line class="axis" x1="%.1f" x2="%.1f" y1="%d" y2="%d"/>', mid, mid, T, yb)
  for v = 0, top + step / 2, step do
    for _, s in ipairs(v == 0 and {1} or {1, -1}) do
      local x = mid + s * v / top * half
      out[#out + 1] = fmt('<line class="tick" x1="%.1f" x2="%.1f" y1="%d" y2="%d"/>', x, x, yb, yb + 5)
      out[#out + 1] = fmt('<text class="xlab" x="%.1f" y="%d">%s</text>', x, yb + 18, tick_label(v))
    end
  end
  out[#out + 1] = fmt('<text class="xtitle" x="%.1f" y="%d">log-likelihood G²</text>', mid, H - 6)
  out[#out + 1] = "</svg>"
  return concat(out)
end

-- }======================================================================

local CSS = [[
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d232b;margin:0;background:#f6f7f9}
main{max-width:980px;margin:0 auto;padding:18px 24px 60px}
h1{font-size:24px;margin:8px 0 2px}h2{font-size:19px;margin:30px 0 8px;border-bottom:2px solid #d8dde3;padding-bottom:3px}
h3{font-size:15px;margin:18px 0 6px;color:#384452}.sub{color:#5b6877;margin:0 0 14px}
section{background:#fff;border:1px solid #e1e5ea;border-radius:6px;padding:10px 16px 14px;margin:14px 0}
table{border-collapse:collapse;font-size:13px;margin:6px 0}caption{text-align:left;color:#5b6877;padding:2px 0}
th,td{padding:3px 8px;border-bottom:1px solid #eceff3;vertical-align:top}th{background:#eef1f5;text-align:left;white-space:nowrap}
table.sortable th{cursor:pointer}th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
td.n{text-align:right;font-variant-numeric:tabular-nums}td.kl{text-align:right;color:#45505c}td.km{font-weight:600;color:#0b5cad;text-align:center;white-space:nowrap}td.kr{color:#45505c}
.scroll{max-height:420px;overflow:auto;border:1px solid #eceff3}.stats td{min-width:90px}
svg.chart{display:block;max-width:100%;height:auto;margin:6px 0}
svg .grid{stroke:#e7eaee}svg .axis{stroke:#4a5563;stroke-width:1}svg .tick{stroke:#4a5563}
svg text{font:11px system-ui,sans-serif;fill:#36404b}svg .ylab{text-anchor:end}svg .xlab{text-anchor:middle}
svg .xtitle,svg .ytitle{font-size:12px;text-anchor:middle;fill:#1d232b}svg .rlab{text-anchor:end}
svg .bar{fill:#3b7dd8}svg .lane{fill:#f1f3f6}svg .hit{stroke:#b03a2e;stroke-width:1}
svg .kbar{fill:#3b7dd8}svg .kbar.ref{fill:#9aa5b1}svg .end{text-anchor:end}svg .ktitle{font-size:12px;font-weight:600}
.note{color:#5b6877;font-size:12px}
td.q{font-style:italic;max-width:520px}td.ra,td.rb{max-width:300px;font-size:12px}td.ra{background:#f4f8fd}td.rb{background:#fbf6ef}
]]

-- the sorting script: header click sorts the rows by data-key, else
-- data-value (numeric columns), else the text; a second click reverses
local SCRIPT = [[
(function(){
  function key(td, num){
    if (td.hasAttribute("data-key")) return td.getAttribute("data-key");
    if (num) { var v = parseFloat(td.getAttribute("data-value")); return isNaN(v) ? -Infinity : v; }
    return td.textContent.toLowerCase();
  }
  function sortBy(table, th){
    var col = Array.prototype.indexOf.call(th.parentNode.children, th);
    var num = th.getAttribute("data-type") === "num";
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    var ths = th.parentNode.children;
    for (var i = 0; i < ths.length; i++) ths[i].removeAttribute("aria-sort");
    th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    rows = rows.map(function(r, i){ return {r: r, i: i, k: key(r.cells[col], num)}; });
    rows.sort(function(a, b){
      if (a.k < b.k) return -dir; if (a.k > b.k) return dir; return a.i - b.i;
    });
    rows.forEach(function(x){ body.appendChild(x.r); });
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function(t){
    Array.prototype.forEach.call(t.tHead.rows[0].cells, function(th){
      th.addEventListener("click", function(){ sortBy(t, th); });
    });
  });
})();
]]

-- quotations counted at most (the extractor reads every document), and
-- speakers shown
local QUOTES_SCAN, SPEAKERS_SHOWN = 5000, 40
-- the reuse search compares every pair of documents: a report computes
-- it for corpora up to this many words (about 3 s; the UN debates, 16 M
-- words, take about 50 s)
local REUSE_MAX_WORDS = 1000000

--- quotation rows -> one row per speaker {speaker, quotes, docs, direct,
-- mixed, indirect, words, rows}, most quoted first (ties by name);
-- quotations without a speaker under "(no speaker)"
local function speaker_rows(qs)
  local by, list = {}, {}
  for _, q in ipairs(qs) do
    local name = q.speaker
    if name == nil or name == "" then name = "(no speaker)" end
    local r = by[name]
    if not r then
      r = {speaker = name, quotes = 0, docs = 0, direct = 0, mixed = 0, indirect = 0, words = 0,
           rows = {}, seen = {}}
      by[name] = r
      list[#list + 1] = r
    end
    r.quotes = r.quotes + 1
    if r[q.kind] then r[q.kind] = r[q.kind] + 1 end
    for _ in q.text:gmatch("%S+") do r.words = r.words + 1 end
    if not r.seen[q.doc] then r.seen[q.doc] = true r.docs = r.docs + 1 end
    r.rows[#r.rows + 1] = q
  end
  table.sort(list, function(a, b)
    if a.quotes ~= b.quotes then return a.quotes > b.quotes end
    return a.speaker < b.speaker
  end)
  return list
end

-- false (off) or a positive integer, with a default
local function count_opt(v, name, def)
  if v == nil then return def end
  if v == false then return nil end
  if math_type(v) ~= "integer" or v < 1 then
    error(("bad option '%s' to 'report' (false or a positive integer expected)"):format(name), 3)
  end
  return v
end

return function(module)
  local corpus = module


  local function report(c, opts)
    if type(c) ~= "userdata" or c.isclosed == nil then
      raise("bad argument #1 to 'report' (corpus expected)")
    end
    if opts ~= nil and type(opts) ~= "table" then
      raise(("bad argument #2 to 'report' (table expected, got %s)"):format(type(opts)))
    end
    require("corpus.core").checkopts(opts, "report", 2)   -- the names: csrc/l_opts.c
    opts = opts or {}
    local quotes_n = count_opt(opts.quotes, "quotes", 100)
    local reuse_n = count_opt(opts.reuse, "reuse", 30)
    local reuse_max = count_opt(opts.reuse_max_words, "reuse_max_words", REUSE_MAX_WORDS)
                      or math.huge                                  -- false: no bound
    local queries = opts.queries or {}
    if type(queries) == "string" then queries = {queries} end
    local by = opts.by
    local stop = opts.stop
    if stop == nil then stop = "english" end
    if stop == false then stop = nil end
    local st, msg, code = c:stats()
    if not st then return nil, msg, code end
    local H = {}
    local function put(s) H[#H + 1] = s end
    local title = opts.title or "Corpus report"
    put('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">')
    put('<meta name="viewport" content="width=device-width, initial-scale=1">')
    put("<title>" .. esc(title) .. "</title><style>" .. CSS .. "</style></head><body><main>")
    put("<h1>" .. esc(title) .. "</h1>")
    put(fmt('<p class="sub">%s documents, %s words%s. Made by corpus %s.</p>', num_text(st.docs),
      num_text(st.words), by and (", grouped by <b>" .. esc(by) .. "</b>") or "", esc(corpus.version)))

    -- statistics
    put("<section><h2>Corpus</h2>")
    local srow = {}
    for _, k in ipairs{"docs", "tokens", "words", "types", "sentences", "paragraphs"} do srow[k] = st[k] end
    local scols = {}
    for _, k in ipairs{"docs", "tokens", "words", "types", "sentences", "paragraphs"} do
      scols[#scols + 1] = {key = k, num = true}
    end
    put(html_table("stats", {srow}, scols))

    -- documents
    local ndocs = c:ndocs()
    local maxdocs = opts.docs or 300
    local drows, fields, fseen = {}, {}, {}
    for d = 1, ndocs do
      local doc = c:doc(d)
      if doc then
        local r = {n = d, id = doc.id, tokens = doc.tokens}
        for k, v in pairs(doc) do
          if k ~= "text" and k ~= "id" and k ~= "n" and k ~= "tokens" and type(v) ~= "table" then
            r[k] = v
            if not fseen[k] and #fields < 6 then fseen[k] = true fields[#fields + 1] = k end
          end
        end
        drows[#drows + 1] = r
        if #drows >= maxdocs then break end
      end
    end
    table.sort(fields)
    local dcols = {{key = "n", title = "#", num = true}, {key = "id"}}
    for _, f in ipairs(fields) do
      if f ~= "source" then dcols[#dcols + 1] = {key = f} end
    end
    dcols[#dcols + 1] = {key = "tokens", num = true}
    put("<h3>Documents</h3>")
    if st.docs > #drows then
      put(fmt('<p class="note">The first %s of %s documents.</p>', num_text(#drows), num_text(st.docs)))
    end
    put('<div class="scroll">' .. html_table("docs", drows, dcols) .. "</div></section>")

    -- frequency list
    local flimit = opts.limit or 40
    local frows
    frows, msg, code = c:freq{limit = flimit, stop = stop}
    if not frows then return nil, msg, code end
    for i, r in ipairs(frows) do r.rank = i end
    put("<section><h2>Frequency list</h2>")
    if stop then put('<p class="note">Stop words left out (' .. esc(type(stop) == "string" and stop or "list") .. ').</p>') end
    put('<div class="scroll">' .. html_table("freq", frows, {{key = "rank", title = "#", num = true},
      {key = "term"}, {key = "count", num = true}, {key = "rate", title = "per million", num = true, digits = 1},
      {key = "docs", num = true}}) .. "</div></section>")

    -- each query
    for qi, q in ipairs(queries) do
      local total
      total, msg, code = c:count(q)
      if not total then return nil, msg, code end
      put(fmt('<section class="query" id="q%d"><h2>“%s”</h2>', qi, esc(q)))
      put(fmt('<p class="sub"><span class="total" data-value="%d">%s</span> matches.</p>', total, num_text(total)))
      local groups
      if by then
        groups, msg, code = c:count(q, {by = by})
        if not groups then return nil, msg, code end
        put("<h3>Frequency by " .. esc(by) .. "</h3>")
        put(bar_chart(fmt("freq-by-%d", qi), groups, "group", "per_million", by, "matches per million words"))
        put('<div class="scroll">' .. html_table(fmt("count-%d", qi), groups, {{key = "group", title = by},
          {key = "hits", num = true}, {key = "docs", num = true}, {key = "ndocs", title = "documents", num = true},
          {key = "words", num = true}, {key = "per_million", title = "per million", num = true, digits = 2}}) .. "</div>")
      end
      -- dispersion: a barcode row per group (or per document with most hits)
      local k = c:concordance(q)
      local all = k:rows{width = 0}
      local parts, index = {}, {}
      local tokens_of = {}
      local function part_of(r)
        if by then
          local v = r.meta[by]
          if type(v) == "table" then v = v[1] end
          return v == nil and "" or label(v)
        end
        return r.id
      end
      if by then
        for _, g in ipairs(groups) do
          local p = {label = label(g.group), pos = {}}
          parts[#parts + 1] = p
          index[p.label] = p
        end
      end
      for _, r in ipairs(all) do
        local lab = part_of(r)
        local p = index[lab]
        if not p then
          p = {label = lab, pos = {}}
          parts[#parts + 1] = p
          index[lab] = p
        end
        local n = tokens_of[r.doc]
        if not n then n = c:doc(r.doc).tokens tokens_of[r.doc] = n end
        p.pos[#p.pos + 1] = n > 1 and (r.start - 1) / (n - 1) or 0
      end
      if not by then
        table.sort(parts, function(a, b) return #a.pos > #b.pos end)
        for i = #parts, 31, -1 do parts[i] = nil end
      end
      put("<h3>Dispersion</h3>")
      put(barcode(fmt("disp-%d", qi), parts, by and ("position in the document (rows: " .. by .. ")")
        or "position in the document (rows: the documents with most matches)"))
      local d = c:dispersion(q, by and {parts = by} or nil)
      if d then
        put(fmt('<p class="note">Range %s of %s parts; Juilland\'s D %s; Gries\' DP %s.</p>',
          num_text(d.range), num_text(d.parts), num_text(d.D, 3), num_text(d.DP, 3)))
      end
      -- concordance
      local nlines = opts.lines or 60
      local shown = #k > nlines and k:sample(nlines, 1) or k
      shown:sort{"1L", "2L"}
      local lines = shown:rows{width = 7}
      for _, r in ipairs(lines) do
        r.left = r.left:gsub("%s+", " ")
        r.right = r.right:gsub("%s+", " ")
        r.match = r.match:gsub("%s+", " ")
      end
      put("<h3>Concordance</h3>")
      put(fmt('<p class="note">%s of %s lines%s, sorted by the words left of the match; click a header to sort.</p>',
        num_text(#lines), num_text(#k), #k > nlines and " (a random sample)" or ""))
      put('<div class="scroll">' .. html_table(fmt("kwic-%d", qi), lines, {
        {key = "id", title = "document"},
        {key = "left", class = "kl", sortkey = function(r)
          local w = {}
          for x in r.left:lower():gmatch("[%w\128-\255']+") do table.insert(w, 1, x) end
          return concat(w, " ")
        end},
        {key = "match", class = "km"},
        {key = "right", class = "kr", sortkey = function(r) return r.right:lower():gsub("^[^%w\128-\255]+", "") end}}) .. "</div>")
      -- collocates
      local col = c:collocates(q, {window = 5, measure = {"llr", "logdice"}, limit = 15, stop = stop})
      if col then
        for i, r in ipairs(col) do r.rank = i end
        put("<h3>Collocates (5 words either side)</h3>")
        put(html_table(fmt("coll-%d", qi), col, {{key = "rank", title = "#", num = true}, {key = "term"},
          {key = "obs", title = "together", num = true}, {key = "freq", title = "total", num = true},
          {key = "llr", title = "G²", num = true, digits = 1}, {key = "logdice", title = "logDice", num = true, digits = 2}}))
      end
      put("</section>")
    end

    -- keyness
    local target, reference, tname, rname
    if opts.keyness then
      target, reference = opts.keyness[1], opts.keyness[2]
      tname, rname = target, reference or "the rest"
    elseif by then
      local gs = c:count(queries[1] or "the", {by = by})
      local last = gs and gs[#gs]
      if last and #gs > 1 and last[by] ~= nil then
        target = {[by] = last[by]}
        tname, rname = by .. " " .. label(last[by]), "the rest"
      end
    end
    if target then
      local all = c:keyness(target, reference, {limit = 0, stop = stop})
      if all then
        -- key terms of each side: more frequent there, by G² descending
        local pos, rest = {}, {}
        for _, r in ipairs(all) do
          if r.rate_a > r.rate_b then pos[#pos + 1] = r
          elseif r.rate_b > r.rate_a then rest[#rest + 1] = r end
        end
        local function top20(t)
          table.sort(t, function(x, y)
            local a, b = math.abs(x.llr), math.abs(y.llr)
            if a ~= b then return a > b end
            return x.term < y.term
          end)
          for i = #t, 21, -1 do t[i] = nil end
        end
        top20(pos)
        top20(rest)
        put("<section><h2>Keyness</h2>")
        put(fmt('<p class="sub">Key terms of %s against %s (log-likelihood).</p>', esc(tname), esc(rname)))
        put(keyness_chart("keyness", pos, rest, tname, rname))
        put(html_table("keyness-table", pos, {{key = "term"}, {key = "a", title = "target", num = true},
          {key = "b", title = "reference", num = true}, {key = "llr", title = "G²", num = true, digits = 1},
          {key = "logratio", title = "log ratio", num = true, digits = 2}}))
        put("</section>")
      end
    end
    -- quotations by speaker
    if quotes_n then
      local qs
      qs, msg, code = c:quotes{limit = QUOTES_SCAN}
      if not qs then return nil, msg, code end
      put('<section id="quotations"><h2>Quotations by speaker</h2>')
      local speakers = speaker_rows(qs)
      if #qs == 0 then
        put('<p class="note">No quotation found.</p>')
      else
        put(fmt('<p class="sub"><span class="total" data-value="%d">%s</span> quotations%s from %s speakers.</p>',
          #qs, num_text(#qs), #qs >= QUOTES_SCAN and (" (the first " .. num_text(QUOTES_SCAN) .. ")") or "",
          num_text(#speakers)))
        local shown = {}
        for i = 1, math.min(#speakers, SPEAKERS_SHOWN) do shown[i] = speakers[i] end
        if #speakers > #shown then
          put(fmt('<p class="note">The %d speakers quoted most.</p>', #shown))
        end
        put('<div class="scroll">' .. html_table("speakers", shown, {{key = "speaker"},
          {key = "quotes", num = true}, {key = "docs", title = "documents", num = true},
          {key = "direct", num = true}, {key = "mixed", num = true}, {key = "indirect", num = true},
          {key = "words", num = true}}) .. "</div>")
        -- the quotations, speaker by speaker in the table's order
        local list = {}
        for _, sp in ipairs(shown) do
          for _, q in ipairs(sp.rows) do
            if #list >= quotes_n then break end
            list[#list + 1] = {speaker = sp.speaker, id = q.id, kind = q.kind, cue = q.cue or "",
                               text = (q.text:gsub("%s+", " "))}
          end
        end
        put(fmt('<h3>The quotations</h3><p class="note">%s of %s, grouped by speaker.</p>',
          num_text(#list), num_text(#qs)))
        put('<div class="scroll">' .. html_table("quotes-list", list, {{key = "speaker"},
          {key = "id", title = "document"}, {key = "kind"}, {key = "cue"},
          {key = "text", title = "quotation", class = "q"}}) .. "</div>")
      end
      put("</section>")
    end

    -- reused passages, side by side
    if reuse_n then
      local pairs_, info
      local skip_reuse = st.words > reuse_max
      if not skip_reuse then pairs_, info, code = c:reuse{limit = reuse_n} end
      put('<section id="reuse-section"><h2>Reused passages</h2>')
      if skip_reuse then
        put(fmt('<p class="note">Not computed: the corpus has %s words, more than the %s of ' ..
          '<code>reuse_max_words</code> (the search compares every pair of documents; ' ..
          'raise the bound to include it).</p>', num_text(st.words), num_text(reuse_max)))
      elseif not pairs_ then
        -- a corpus too large for the reuse search within its work bound:
        -- the rest of the report stands
        put('<p class="note">Not computed: ' .. esc(info) .. " (" .. esc(code) .. ").</p>")
      elseif #pairs_ == 0 then
        put('<p class="note">No passage shared between two documents.</p>')
      else
        local rows = {}
        for i, r in ipairs(pairs_) do
          rows[i] = {rank = i, a_id = r.a.id, a_span = fmt("%d–%d", r.a.start, r.a.stop), a_start = r.a.start,
                     a_text = (r.a.text:gsub("%s+", " ")), b_id = r.b.id,
                     b_span = fmt("%d–%d", r.b.start, r.b.stop), b_start = r.b.start,
                     b_text = (r.b.text:gsub("%s+", " ")), words = r.words, identity = r.identity}
        end
        put(fmt('<p class="sub"><span class="total" data-value="%d">%s</span> passages%s, best first; ' ..
          'spans are bytes of each document\'s text.</p>', #rows, num_text(#rows),
          info and info.passages and info.passages > #rows and
            (" of " .. num_text(info.passages)) or ""))
        put('<div class="scroll">' .. html_table("reuse", rows, {{key = "rank", title = "#", num = true},
          {key = "a_id", title = "document A"},
          {key = "a_start", title = "A bytes", num = true, text = function(r) return r.a_span end},
          {key = "a_text", title = "passage in A", class = "ra"},
          {key = "b_text", title = "passage in B", class = "rb"},
          {key = "b_id", title = "document B"},
          {key = "b_start", title = "B bytes", num = true, text = function(r) return r.b_span end},
          {key = "words", num = true}, {key = "identity", num = true, digits = 2}}) .. "</div>")
      end
      put("</section>")
    end

    put("</main><script>" .. SCRIPT .. "</script></body></html>\n")
    local html = concat(H)
    if opts.output then
      local f, err = io.open(opts.output, "wb")
      if not f then return nil, err, "EIO" end
      f:write(html)
      f:close()
      return true
    end
    return html
  end

  module.report = report
end
