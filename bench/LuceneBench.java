/*
** bench/LuceneBench.java -- the Lucene peer of the benchmarks, compiled
** by bench/lucene.sh against Debian's jars (liblucene8-java).
**
**   LuceneBench build DOCS.bin INDEXDIR
**       index every document of DOCS.bin (bench/peers.py extract writes
**       it: u64 little-endian length + UTF-8 text, per document) into
**       INDEXDIR: one field "text", StandardAnalyzer without stop words,
**       positions indexed and the text stored (as ours stores it), one
**       segment (forceMerge(1), as a finished index of ours is sealed).
**       Prints the RESULT line of bench/run.sh and one SIZE line per
**       part of the index (terms, postings, positions, stored, other).
**   LuceneBench query INDEXDIR REPEAT < queries.tsv
**       time each query REPEAT times after warming the JIT; input lines
**       class <TAB> kind <TAB> query, output lines
**       class lucene median_ms p95_ms result (bench/query_bench.lua).
**
** Query syntax: Lucene's classic QueryParser (terms, AND, OR, "phrase",
** prefix*) plus two forms the parser has no exact equivalent for:
**   near:N:a b     SpanNearQuery, unordered, at most N tokens between
**                  (FTS5's NEAR(a b, N))
**   onear:N:a b    the same, in order (our a []{0,N} b)
** "count" counts matching documents (IndexSearcher.count, exact);
** "search" takes the top 10 by BM25 and highlights a snippet of each.
** Times are CPU time of the querying thread (ThreadMXBean), as ours
** uses os.clock and FTS5/Xapian time.process_time.
*/
import java.io.*;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.*;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.*;
import org.apache.lucene.search.highlight.Highlighter;
import org.apache.lucene.search.highlight.QueryScorer;
import org.apache.lucene.search.highlight.SimpleHTMLFormatter;
import org.apache.lucene.search.spans.SpanNearQuery;
import org.apache.lucene.search.spans.SpanQuery;
import org.apache.lucene.search.spans.SpanTermQuery;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.MMapDirectory;

public class LuceneBench {
  static final String FIELD = "text";

  static Analyzer analyzer() { return new StandardAnalyzer(CharArraySet.EMPTY_SET); }

  static List<String> readDocs(String path) throws IOException {
    byte[] all = Files.readAllBytes(Paths.get(path));
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    List<String> docs = new ArrayList<>();
    while (b.remaining() >= 8) {
      long n = b.getLong();
      if (n < 0 || n > b.remaining()) throw new IOException(path + ": truncated record");
      docs.add(new String(all, b.position(), (int) n, StandardCharsets.UTF_8));
      b.position(b.position() + (int) n);
    }
    return docs;
  }

  static long peakKb() {
    try (BufferedReader r = new BufferedReader(new FileReader("/proc/self/status"))) {
      String line;
      while ((line = r.readLine()) != null)
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.split("\\s+")[1]);
    } catch (IOException e) { /* not Linux: no figure */ }
    return 0;
  }

  static double processCpu() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean)
      return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() / 1e9;
    return 0;
  }

  /* the part of the index a file extension holds (Lucene 8.x codec) */
  static String part(String name) {
    String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
    switch (ext) {
      case "tim": case "tip": case "tmd": return "terms";
      case "doc": return "postings";
      case "pos": case "pay": return "positions";
      case "fdt": case "fdx": case "fdm": return "stored";
      case "nvd": case "nvm": return "norms";
      default: return "other";
    }
  }

  static void build(String docsPath, String dir) throws Exception {
    List<String> docs = readDocs(docsPath);
    long bytes = 0;
    for (String d : docs) bytes += d.getBytes(StandardCharsets.UTF_8).length;
    long rssLoad = peakKb();
    Path p = Paths.get(dir);
    if (Files.exists(p))
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) { for (Path f : ds) Files.delete(f); }
    double c0 = processCpu();
    long t0 = System.nanoTime();
    try (FSDirectory fs = FSDirectory.open(p)) {
      IndexWriterConfig cfg = new IndexWriterConfig(analyzer());
      cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
      cfg.setRAMBufferSizeMB(256);
      /* no compound files, so the size of each part can be read off */
      cfg.setUseCompoundFile(false);
      TieredMergePolicy mp = new TieredMergePolicy();
      mp.setNoCFSRatio(0.0);
      cfg.setMergePolicy(mp);
      try (IndexWriter w = new IndexWriter(fs, cfg)) {
        for (String d : docs) {
          Document doc = new Document();
          doc.add(new TextField(FIELD, d, Field.Store.YES));
          w.addDocument(doc);
        }
        w.forceMerge(1);
        w.commit();
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9, cpu = processCpu() - c0;
    /* tokens: the sum of term frequencies (untimed) */
    long tokens = 0;
    try (DirectoryReader r = DirectoryReader.open(FSDirectory.open(p))) {
      tokens = r.getSumTotalTermFreq(FIELD);
    }
    Map<String, Long> parts = new TreeMap<>();
    long total = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
      for (Path f : ds) {
        long n = Files.size(f);
        parts.merge(part(f.getFileName().toString()), n, Long::sum);
        total += n;
      }
    }
    System.out.printf(Locale.ROOT, "RESULT side=lucene docs=%d bytes=%d tokens=%d secs=%.4f cpu=%.4f rss_load_kb=%d peak_kb=%d index_bytes=%d%n",
        docs.size(), bytes, tokens, secs, cpu, rssLoad, peakKb(), total);
    for (Map.Entry<String, Long> e : parts.entrySet())
      System.out.printf(Locale.ROOT, "SIZE lucene %s %d%n", e.getKey(), e.getValue());
    System.out.printf(Locale.ROOT, "SIZE lucene total %d%n", total);
  }

  /* the analyzed terms of 'text' (so "of the" stays two terms) */
  static String[] terms(String text) throws IOException {
    List<String> out = new ArrayList<>();
    try (Analyzer a = analyzer(); TokenStream ts = a.tokenStream(FIELD, text)) {
      CharTermAttribute t = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) out.add(t.toString());
      ts.end();
    }
    return out.toArray(new String[0]);
  }

  static Query parse(String q) throws Exception {
    boolean near = q.startsWith("near:"), onear = q.startsWith("onear:");
    if (near || onear) {
      String[] f = q.split(":", 3);
      String[] ts = terms(f[2]);
      SpanQuery[] cl = new SpanQuery[ts.length];
      for (int i = 0; i < ts.length; i++) cl[i] = new SpanTermQuery(new Term(FIELD, ts[i]));
      return new SpanNearQuery(cl, Integer.parseInt(f[1]), onear);
    }
    QueryParser qp = new QueryParser(FIELD, analyzer());
    return qp.parse(q);
  }

  static double[] stats(double[] ts) {
    double[] s = ts.clone();
    Arrays.sort(s);
    double med = s[s.length / 2];
    double p95 = s[Math.min(s.length - 1, (int) Math.round(0.95 * (s.length - 1)))];
    return new double[] {med * 1000, p95 * 1000};
  }

  interface Run { long run() throws Exception; }

  static void query(String dir, int repeat) throws Exception {
    ThreadMXBean tm = ManagementFactory.getThreadMXBean();
    try (MMapDirectory md = new MMapDirectory(Paths.get(dir));
         DirectoryReader r = DirectoryReader.open(md)) {
      IndexSearcher s = new IndexSearcher(r);
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        String[] f = line.split("\t", -1);
        if (f.length < 3 || f[2].equals("-")) continue;
        String cls = f[0], kind = f[1];
        Query q = parse(f[2]);
        Run run;
        if (kind.equals("count")) run = () -> s.count(q);
        else run = () -> {
          TopDocs td = s.search(q, 10);
          Highlighter h = new Highlighter(new SimpleHTMLFormatter("[", "]"), new QueryScorer(q, FIELD));
          long n = 0;
          for (ScoreDoc sd : td.scoreDocs) {
            String text = s.doc(sd.doc).get(FIELD);
            if (h.getBestFragment(analyzer(), FIELD, text) != null) n++;
          }
          return td.scoreDocs.length;
        };
        long res = run.run();
        /* warm the JIT: the same number of runs again, at least 50 */
        for (int i = 0; i < Math.max(repeat, 50); i++) run.run();
        double[] ts = new double[repeat];
        for (int i = 0; i < repeat; i++) {
          long a = tm.getCurrentThreadCpuTime();
          run.run();
          ts[i] = (tm.getCurrentThreadCpuTime() - a) / 1e9;
        }
        double[] st = stats(ts);
        System.out.printf(Locale.ROOT, "%s lucene %.3f %.3f %d%n", cls, st[0], st[1], res);
        System.out.flush();
      }
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("build")) build(args[1], args[2]);
    else if (args.length == 3 && args[0].equals("query")) query(args[1], Integer.parseInt(args[2]));
    else {
      System.err.println("usage: LuceneBench build DOCS.bin INDEXDIR | query INDEXDIR REPEAT < queries.tsv");
      System.exit(2);
    }
  }
}
