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
