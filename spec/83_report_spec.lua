-- corpus.report and `corpus report`: one self-contained HTML file,
-- opened in headless Chromium (Debian's chromium, installed by
-- tools/deps.sh test): its numbers are the API's, the console stays
-- silent, and clicking a header sorts the table.
local corpus = require "corpus"
local cjson = require "cjson"

local SAMPLE = "examples/sample.jsonl"
-- (the sanitizer run preloads ASan into every child; the browser and its
-- wrapper script must not get it)
local CHROMIUM = "env -u LD_PRELOAD -u ASAN_OPTIONS -u UBSAN_OPTIONS chromium --headless=new --no-sandbox --disable-gpu --no-first-run " ..
  "--disable-background-networking --disable-component-update --disable-sync " ..
  "--hide-scrollbars"

local sh = require "sh"

local function have_chromium()
  return sh.execute("command -v chromium >/dev/null 2>&1")
end

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

-- run chromium with a fresh profile; returns stdout, stderr
local function chromium(args)
  local profile = os.tmpname()
  os.remove(profile)
  local errf = os.tmpname()
  local p = io.popen(("timeout 120 %s --user-data-dir=%q --enable-logging=stderr --v=0 %s 2>%q")
    :format(CHROMIUM, profile, args, errf))
  local out = p:read("*a")
  p:close()
  local err = slurp(errf)
  os.remove(errf)
  os.execute(("rm -rf %q"):format(profile))
  return out, err
end

-- appended to a copy of the report: reads the tables, clicks headers,
-- and leaves what it saw as JSON in <pre id="selftest">
local PROBE = [[
<script>
(function(){
  function col(table, name){
    var ths = table.tHead.rows[0].cells;
    for (var i = 0; i < ths.length; i++) if (ths[i].getAttribute("data-col") === name) return i;
    return -1;
  }
  function values(id, name, attr){
    var t = document.getElementById(id), c = col(t, name), out = [];
    Array.prototype.forEach.call(t.tBodies[0].rows, function(r){
      var td = r.cells[c];
      out.push(attr ? td.getAttribute(attr) : td.textContent);
    });
    return out;
  }
  function click(id, name){
    var t = document.getElementById(id);
    t.tHead.rows[0].cells[col(t, name)].click();
  }
  var res = {};
  res.freq_terms = values("freq", "term");
  res.freq_counts = values("freq", "count", "data-value");
  res.count_groups = values("count-1", "group");
  res.count_hits = values("count-1", "hits", "data-value");
  res.total = document.querySelector("#q1 .total").getAttribute("data-value");
  res.bars = Array.prototype.map.call(document.querySelectorAll("#freq-by-1 rect.bar"),
    function(b){ return b.getAttribute("data-value"); });
  res.barcode_hits = Array.prototype.map.call(document.querySelectorAll("#disp-1 g.row"),
    function(g){ return g.getAttribute("data-hits"); });
  res.kwic_ids = values("kwic-1", "id");
  res.speakers = values("speakers", "speaker");
  res.speaker_quotes = values("speakers", "quotes", "data-value");
  res.speaker_docs = values("speakers", "docs", "data-value");
  res.quote_speakers = values("quotes-list", "speaker");
  res.quote_texts = values("quotes-list", "text");
  res.quotes_total = document.querySelector("#quotations .total").getAttribute("data-value");
  res.reuse_a = values("reuse", "a_id");
  res.reuse_b = values("reuse", "b_id");
  res.reuse_a_start = values("reuse", "a_start", "data-value");
  res.reuse_a_span = values("reuse", "a_start");
  res.reuse_b_span = values("reuse", "b_start");
  res.reuse_b_start = values("reuse", "b_start", "data-value");
  res.reuse_a_text = values("reuse", "a_text");
  res.reuse_b_text = values("reuse", "b_text");
  res.reuse_words = values("reuse", "words", "data-value");
  click("speakers", "speaker");
  res.speakers_sorted = values("speakers", "speaker");
  click("freq", "term");
  res.by_term = values("freq", "term");
  click("freq", "term");
  res.by_term_desc = values("freq", "term");
  click("freq", "count");
  res.by_count = values("freq", "count", "data-value");
  click("kwic-1", "right");
  res.kwic_right = values("kwic-1", "right", "data-key");
  res.aria = document.querySelector("#kwic-1 th[data-col=right]").getAttribute("aria-sort");
  var pre = document.createElement("pre");
  pre.id = "selftest";
  pre.textContent = JSON.stringify(res);
  document.body.appendChild(pre);
})();
</script>
]]

describe("corpus.report", function()
  local c, path
  setup(function()
    c = corpus.new()
    assert(c:add_jsonl(SAMPLE))
    os.execute("mkdir -p build")
    path = "build/report-spec.html"
    assert.is_true(corpus.report(c, {queries = {"nitrate", '"early warning"'}, by = "kind",
                                     output = path, title = "Sample"}))
  end)

  it("writes one self-contained file with SVG plots and the API's numbers", function()
    local html = slurp(path)
    assert.matches("^<!DOCTYPE html>", html)
    -- nothing to fetch: no src or href, no URL but the SVG namespace
    assert.is_nil(html:find("%ssrc="))
    assert.is_nil(html:find("%shref="))
    local urls = html:gsub("http://www%.w3%.org/2000/svg", "")
    assert.is_nil(urls:find("https?://"))
    assert.matches('<svg id="freq%-by%-1"', html)
    assert.matches('<svg id="disp%-1"', html)
    assert.matches('<svg id="keyness"', html)
    assert.matches('class="xtitle"[^>]*>kind<', html)        -- axis titles
    assert.matches('class="ylab"[^>]*>1,000<', html)          -- y ticks
    local freq = c:freq{limit = 40, stop = "english"}
    assert.matches(('data%%-value="%d">%d<'):format(freq[1].count, freq[1].count), html)
    -- the same from the command line
    local out = os.tmpname() .. ".html"
    assert.is_true(sh.execute(("%s bin/corpus report %s -o %s --query nitrate --by kind --title Sample")
      :format(sh.LUA, SAMPLE, out)))
    local h2 = slurp(out)
    os.remove(out)
    assert.matches('<svg id="freq%-by%-1"', h2)
    assert.has_error(function() corpus.report(c, {querys = {"x"}}) end)
    -- the quotation and reuse sections, bounded and optional
    assert.matches('<table class="sortable" id="speakers">', html)
    assert.matches('<table class="sortable" id="reuse">', html)
    local bare = corpus.report(c, {quotes = false, reuse = false})
    assert.is_nil(bare:find('id="quotations"', 1, true))
    assert.is_nil(bare:find('id="reuse-section"', 1, true))
    local few = corpus.report(c, {quotes = 3, reuse = 2})
    local _, nq = few:match('<table class="sortable" id="quotes%-list">.-</table>'):gsub("<tr>", "")
    assert.are.equal(3 + 1, nq)                       -- the header row and 3
    local _, nr = few:match('<table class="sortable" id="reuse">.-</table>'):gsub("<tr>", "")
    assert.are.equal(2 + 1, nr)
    local big = corpus.report(c, {reuse_max_words = 100})
    assert.is_nil(big:find('id="reuse"', 1, true))
    assert.matches("Not computed: the corpus has 1,656 words, more than the 100", big)
    assert.has_error(function() corpus.report(c, {quotes = 0}) end,
      "bad option 'quotes' to 'report' (false or a positive integer expected)")
    assert.is_true(sh.execute(("%s bin/corpus report %s -o %s --no-quotes --reuse 1")
      :format(sh.LUA, SAMPLE, out)))
    h2 = slurp(out)
    os.remove(out)
    assert.is_nil(h2:find('id="quotations"', 1, true))
    local _, n1 = h2:match('<table class="sortable" id="reuse">.-</table>'):gsub("<tr>", "")
    assert.are.equal(2, n1)
  end)

  it("shows the API's numbers in Chromium, sorts on a header click, logs nothing", function()
    if not have_chromium() then
      pending("needs Debian's chromium: run `sh tools/deps.sh test` as root (or apt-get install chromium)")
      return
    end
    local probe = "build/report-probe.html"
    local f = assert(io.open(probe, "wb"))
    f:write((slurp(path):gsub("</body>", function() return PROBE .. "</body>" end)))
    f:close()
    local cwd = os.getenv("PWD")
    local dom, log = chromium(("--dump-dom 'file://%s/%s'"):format(cwd, probe))
    local json = dom:match('<pre id="selftest">(.-)</pre>')
    assert.is_truthy(json, "the probe did not run: " .. log)
    local res = cjson.decode((json:gsub("&quot;", '"'):gsub("&lt;", "<"):gsub("&gt;", ">"):gsub("&amp;", "&")))
    assert.is_nil(log:find("CONSOLE"), log)
    local freq = c:freq{limit = 40, stop = "english"}
    assert.are.equal(#freq, #res.freq_terms)
    for i, r in ipairs(freq) do
      assert.are.equal(r.term, res.freq_terms[i])
      assert.are.equal(r.count, tonumber(res.freq_counts[i]))
    end
    local groups = c:count("nitrate", {by = "kind"})
    assert.are.equal(#groups, #res.count_groups)
    for i, g in ipairs(groups) do
      assert.are.equal(g.group, res.count_groups[i])
      assert.are.equal(g.hits, tonumber(res.count_hits[i]))
      assert.are.equal(g.per_million, tonumber(res.bars[i]))
      assert.are.equal(g.hits, tonumber(res.barcode_hits[i]))
    end
    assert.are.equal(c:count("nitrate"), tonumber(res.total))
    assert.are.equal(6, #res.kwic_ids)
    -- sorting: by term ascending, then descending, then count ascending
    local terms = {}
    for i, r in ipairs(freq) do terms[i] = r.term end
    table.sort(terms, function(a, b) return a:lower() < b:lower() end)
    assert.are.same(terms, res.by_term)
    local desc = {}
    for i = #terms, 1, -1 do desc[#desc + 1] = terms[i] end
    assert.are.same(desc, res.by_term_desc)
    for i = 2, #res.by_count do
      assert.is_true(tonumber(res.by_count[i - 1]) <= tonumber(res.by_count[i]))
    end
    for i = 2, #res.kwic_right do assert.is_true(res.kwic_right[i - 1] <= res.kwic_right[i]) end
    assert.are.equal("ascending", res.aria)
    -- quotations by speaker: the counts of c:quotes rows, most quoted first
    local qs = c:quotes()
    local per, docs, order = {}, {}, {}
    for _, q in ipairs(qs) do
      local name = (q.speaker == nil or q.speaker == "") and "(no speaker)" or q.speaker
      if not per[name] then per[name] = 0; docs[name] = {}; order[#order + 1] = name end
      per[name] = per[name] + 1
      docs[name][q.doc] = true
    end
    table.sort(order, function(a, b)
      if per[a] ~= per[b] then return per[a] > per[b] end
      return a < b
    end)
    assert.is_true(#qs > 0)
    assert.are.equal(#qs, tonumber(res.quotes_total))
    assert.are.same(order, res.speakers)
    for i, name in ipairs(order) do
      assert.are.equal(per[name], tonumber(res.speaker_quotes[i]))
      local nd = 0
      for _ in pairs(docs[name]) do nd = nd + 1 end
      assert.are.equal(nd, tonumber(res.speaker_docs[i]))
    end
    -- the listed quotations follow the table's speakers, each with its own
    assert.are.equal(math.min(100, #qs), #res.quote_texts)
    local pos = {}
    for i, name in ipairs(order) do pos[name] = i end
    for i = 2, #res.quote_speakers do
      assert.is_true(pos[res.quote_speakers[i - 1]] <= pos[res.quote_speakers[i]])
    end
    local texts = {}
    for _, q in ipairs(qs) do texts[(q.text:gsub("%s+", " "))] = true end
    for _, t in ipairs(res.quote_texts) do assert.is_true(texts[t], t) end
    local sorted = {}
    for i, name in ipairs(order) do sorted[i] = name end
    table.sort(sorted, function(a, b) return a:lower() < b:lower() end)
    assert.are.same(sorted, res.speakers_sorted)
    -- reused passages: c:reuse's pairs, side by side, with their spans
    local rr = c:reuse{limit = 30}
    assert.is_true(#rr > 0)
    assert.are.equal(#rr, #res.reuse_a)
    for i, r in ipairs(rr) do
      assert.are.same({r.a.id, r.b.id, r.a.start, r.b.start, r.words},
                      {res.reuse_a[i], res.reuse_b[i], tonumber(res.reuse_a_start[i]),
                       tonumber(res.reuse_b_start[i]), tonumber(res.reuse_words[i])})
      assert.are.equal((r.a.text:gsub("%s+", " ")), res.reuse_a_text[i])
      assert.are.equal((r.b.text:gsub("%s+", " ")), res.reuse_b_text[i])
      assert.are.equal(r.a.text, c:doc(r.a.doc).text:sub(r.a.start, r.a.stop))
      assert.are.equal(("%d–%d"):format(r.a.start, r.a.stop), res.reuse_a_span[i])
      assert.are.equal(("%d–%d"):format(r.b.start, r.b.stop), res.reuse_b_span[i])
    end
    os.remove(probe)
  end)

  it("renders to a screenshot", function()
    if not have_chromium() then
      pending("needs Debian's chromium: run `sh tools/deps.sh test` as root (or apt-get install chromium)")
      return
    end
    local png = "build/report-spec.png"
    os.remove(png)
    chromium(("--window-size=1100,2400 --screenshot=%q 'file://%s/%s'"):format(png, os.getenv("PWD"), path))
    local img = slurp(png)
    assert.are.equal("\137PNG\r\n\26\n", img:sub(1, 8))
    assert.is_true(#img > 20000)
  end)
end)
