/*
** colloc.c -- collocates of a node (a window around each match) and
** all-pairs window collocations (NLTK's BigramCollocationFinder).
**
** Co-occurrences are counted by a tight loop over the word-id stream
** around each node match, into an array indexed by global type id with
** a list of the ids touched.  The collocates' frequencies in the
** selection come from the segments' type frequencies (summed over the
** word types that map to a layer type) when every document of a
** segment is counted, and from one pass over its counted documents
** otherwise.
*/
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define OOM(err) cp_err_set(err, CP_ENOMEM, "out of memory")

/* add the frequencies of the view's counted tokens to f[global id];
** returns the number of kept tokens */
static uint64_t add_freqs (const cp_view *v, uint64_t *f) {
  uint64_t n = 0;
  if (v->non == v->ndocs && v->own == NULL) {   /* all documents: type frequencies of the words */
    uint32_t nw = cp_seg_ntypes(v->seg, CP_WORD), w;
    for (w = 0; w < nw; w++) {
      uint32_t id = v->map[w], k;
      if (id == CP_SKIP) continue;
      k = cp_seg_type_freq(v->seg, CP_WORD, w);
      f[id] += k;
      n += k;
    }
  }
  else {
    uint32_t d;
    for (d = 0; d < v->ndocs; d++) {
      uint32_t p, t0, t1;
      if (!v->on[d] || cp_view_doc(v, d, &t0, &t1) != CP_OK) continue;
      for (p = t0; p < t1; p++) {
        uint32_t id = v->map[v->stream[p]];
        if (id != CP_SKIP) { f[id]++; n++; }
      }
    }
  }
  return n;
}


/* {================================================================
** Collocates of a node
** ================================================================= */

void cp_coll_free (cp_coll *k) {
  cp_glex_free(&k->lex);
  free(k->freq);
  free(k->ids);
  free(k->obs);
  memset(k, 0, sizeof(*k));
}

/*
** The window region of the node matches of one segment.  'isnode' marks
** the positions covered by a match (they are never region tokens).
** Matches come sorted, so the left edges of their windows never move
** back: 'hw' (the end of the region counted so far) is enough to count a
** token shared by overlapping windows once.
*/
typedef struct wstate {
  const cp_view *v;
  const unsigned char *isnode;     /* NULL: a node is a token of type
                                      'nodeid' (a norm term on 'norm') */
  uint32_t nodeid;
  cp_coll *out;
  uint64_t *cnt;
  int left, right;
  uint32_t ts, te, hw;             /* current document, region end */
  int doc_on;
  size_t nt;                       /* ids touched */
} wstate;

static void node_window (wstate *w, uint32_t s0, uint32_t s1) {
  const cp_view *v = w->v;
  const uint32_t *stream = v->stream, *map = v->map;
  const unsigned char *isnode = w->isnode;
  uint64_t *cnt = w->cnt, r1 = 0;
  uint32_t *ids = w->out->ids;
  uint32_t p, hw, ts, te;
  size_t nt;
  int k;
  if (!(s0 >= w->ts && s0 < w->te)) {
    uint32_t d = cp_seg_doc_of(v->seg, s0);
    if (d >= v->ndocs || cp_view_doc(v, d, &w->ts, &w->te) != CP_OK) {
      w->ts = w->te = 0;
      return;
    }
    w->doc_on = v->on[d];
    w->hw = w->ts;
  }
  if (!w->doc_on) return;
  /* locals: the compiler cannot keep fields in registers across the
  ** stores into cnt, which might alias them */
  hw = w->hw; ts = w->ts; te = w->te; nt = w->nt;
  if (s1 > te) s1 = te;
  if (s1 < s0) s1 = s0;
  w->out->nodes++;
#define TALLY(p, NOTNODE) do { uint32_t id_ = map[stream[p]]; \
    if (id_ != CP_SKIP) { \
      k++; \
      if ((p) >= hw && (NOTNODE)) { \
        r1++; \
        if (cnt[id_]++ == 0) ids[nt++] = id_; \
      } \
    } } while (0)
#define BIT(p) (!((isnode[(p) >> 3] >> ((p) & 7)) & 1))
  if (isnode != NULL) {
    for (k = 0, p = s0; k < w->left && p > ts; ) {
      --p;
      TALLY(p, BIT(p));
    }
    if (hw < s0) hw = s0;
    for (k = 0, p = s1; k < w->right && p < te; p++)
      TALLY(p, BIT(p));
  }
  else {                              /* the common case, specialized */
    uint32_t node = w->nodeid;
    for (k = 0, p = s0; k < w->left && p > ts; ) {
      --p;
      TALLY(p, id_ != node);
    }
    if (hw < s0) hw = s0;
    for (k = 0, p = s1; k < w->right && p < te; p++)
      TALLY(p, id_ != node);
  }
  if (hw < p) hw = p;
#undef BIT
#undef TALLY
  w->hw = hw;
  w->nt = nt;
  w->out->r1 += r1;
}

/*
** Run the windows of one segment.  The nodes are either matches
** (global spans) or, for a single norm term, the segment's postings of
** that type (local positions, one token each): no match array at all.
*/
static int colloc_seg (cp_corpus *c, size_t seg, const cp_sopt *o,
                       const cp_match *nodes, size_t n, int64_t term,
                       int left, int right, cp_coll *out, uint64_t *cnt,
                       size_t *nt, cp_err *err) {
  cp_view v;
  wstate w;
  const uint32_t *post = NULL;
  uint32_t npost = 0, i;
  size_t j;
  int rc = cp_view_open(c, seg, o, &out->lex, &v, err);
  if (rc != CP_OK) return rc;
  out->tokens += add_freqs(&v, out->freq);
  out->ndocs += v.non;
  memset(&w, 0, sizeof(w));
  w.v = &v; w.out = out; w.cnt = cnt; w.left = left; w.right = right;
  w.nt = *nt;
  if (term == -2 || o->layer != CP_NORM) {
    w.isnode = (unsigned char *)calloc((size_t)v.ntok / 8 + 1, 1);
    if (w.isnode == NULL) { cp_view_close(&v); return OOM(err); }
  }
  if (term == -2) {                     /* matches */
    uint64_t lo = v.pos_base, hi = v.pos_base + v.ntok;
    unsigned char *mark = (unsigned char *)w.isnode;
    for (j = 0; j < n; j++) {
      uint64_t p;
      if (nodes[j].start < lo || nodes[j].start >= hi) continue;
      for (p = nodes[j].start; p < nodes[j].stop && p < hi; p++)
        mark[(p - lo) >> 3] |= (unsigned char)(1u << ((p - lo) & 7));
    }
    for (j = 0; j < n; j++) {
      if (nodes[j].start < lo || nodes[j].start >= hi) continue;
      node_window(&w, (uint32_t)(nodes[j].start - lo),
                  nodes[j].stop > hi ? v.ntok : (uint32_t)(nodes[j].stop - lo));
    }
  }
  else {                                /* postings of one norm type */
    int64_t id = cp_seg_lookup(v.seg, CP_NORM, (const char *)nodes, n);
    unsigned char *mark = (unsigned char *)w.isnode;
    if (id >= 0) post = cp_seg_postings(v.seg, (uint32_t)id, &npost);
    if (mark != NULL) {
      for (i = 0; i < npost; i++)
        if (post[i] < v.ntok)
          mark[post[i] >> 3] |= (unsigned char)(1u << (post[i] & 7));
    }
    else if (id >= 0)                   /* norm layer: compare type ids */
      w.nodeid = out->lex.l2g[seg][id];
    else w.nodeid = CP_SKIP;
    for (i = 0; i < npost; i++)
      if (post[i] < v.ntok) node_window(&w, post[i], post[i] + 1);
  }
  *nt = w.nt;
  free((void *)w.isnode);
  cp_view_close(&v);
  return CP_OK;
}

/* shared by cp_collocates and cp_collocates_plan: 'term' -1 means
** "nodes are matches", otherwise nodes/n are the norm string */
static int collocates (cp_corpus *c, const cp_sopt *o, const void *nodes,
                       size_t n, int isterm, int left, int right,
                       cp_coll *out, cp_err *err) {
  size_t ns, i, nt = 0;
  uint64_t *cnt = NULL;
  int rc;
  if (left < 0 || right < 0 || left + right == 0)
    return cp_err_set(err, CP_EINVAL,
                      "window must be non-negative and not empty");
  if ((rc = cp_sopt_check(o, err)) != CP_OK) return rc;
  if (!isterm && (rc = cp_budget_spend(o->budget, (uint64_t)n *
                  (uint64_t)(left + right), err)) != CP_OK)
    return rc;
  if ((rc = cp_corpus_flush(c, err)) != CP_OK) return rc;
  if ((rc = cp_glex_build_sopt(c, o, &out->lex, err)) != CP_OK) return rc;
  out->freq = (uint64_t *)calloc(out->lex.n ? out->lex.n : 1, sizeof(uint64_t));
  cnt = (uint64_t *)calloc(out->lex.n ? out->lex.n : 1, sizeof(uint64_t));
  out->ids = (uint32_t *)malloc((out->lex.n ? out->lex.n : 1) * sizeof(uint32_t));
  if (out->freq == NULL || cnt == NULL || out->ids == NULL) {
    free(cnt);
    return OOM(err);
  }
  ns = cp_corpus_nsegs(c);
  for (i = 0; i < ns && rc == CP_OK; i++)
    rc = colloc_seg(c, i, o, (const cp_match *)nodes, n, isterm ? 0 : -2,
                    left, right, out, cnt, &nt, err);
  if (rc == CP_OK) {
    out->obs = (uint64_t *)malloc((nt ? nt : 1) * sizeof(uint64_t));
    if (out->obs == NULL) rc = OOM(err);
    else {
      for (i = 0; i < nt; i++) out->obs[i] = cnt[out->ids[i]];
      out->n = nt;
    }
  }
  free(cnt);
  return rc;
}

int cp_collocates (cp_corpus *c, const cp_sopt *o, const cp_match *nodes,
                   size_t n, int left, int right, cp_coll *out,
                   cp_err *err) {
  if (out == NULL) return cp_err_set(err, CP_EINVAL, "no output");
  memset(out, 0, sizeof(*out));
  if (c == NULL || (n > 0 && nodes == NULL))
    return cp_err_set(err, CP_EINVAL, "bad arguments to collocates");
  return collocates(c, o, nodes, n, 0, left, right, out, err);
}

/*
** A plain norm term is the common node and, for a frequent word, the
** executor would build a match per occurrence: read its postings
** instead.  Anything else goes through the executor.
*/
int cp_collocates_plan (cp_corpus *c, const cp_sopt *o, const cp_plan *p,
                        int left, int right, cp_coll *out, cp_err *err) {
  const cp_pnode *root;
  cp_matches m;
  cp_limits lim;
  int rc;
  if (out == NULL) return cp_err_set(err, CP_EINVAL, "no output");
  memset(out, 0, sizeof(*out));
  if (c == NULL || p == NULL || (root = cp_plan_root(p)) == NULL)
    return cp_err_set(err, CP_EINVAL, "bad arguments to collocates");
  if (root->kind == CP_P_TERM && root->layer == CP_NORM) {
    cp_an *an = cp_corpus_analyzer(c);
    size_t tl;
    const char *t = an ? cp_an_norm(an, root->str, root->len, &tl) : NULL;
    if (t != NULL) {
      /* the analyzer's buffer is reused by the next call: copy */
      char *term = (char *)malloc(tl + 1);
      if (term == NULL) return OOM(err);
      memcpy(term, t, tl);
      rc = collocates(c, o, term, tl, 1, left, right, out, err);
      free(term);
      return rc;
    }
  }
  memset(&m, 0, sizeof(m));
  memset(&lim, 0, sizeof(lim));
  lim.max_matches = 0;
  lim.max_expand = CP_DEFAULT_MAX_EXPAND;
  lim.max_work = CP_DEFAULT_MAX_WORK;
  lim.budget = o != NULL ? o->budget : NULL;
  rc = cp_exec(c, p, &lim, &m, err);
  if (rc == CP_OK) rc = collocates(c, o, m.v, m.n, 0, left, right, out, err);
  cp_matches_free(&m);
  return rc;
}

/* }================================================================ */


/* {================================================================
** All pairs within a window
** ================================================================= */

/* units of work of one window pair (budget.h) */
#define PAIR_SORTED 4
#define PAIR_HASHED 16

static int pairs_seg (cp_corpus *c, size_t seg, const cp_sopt *o,
                      int window, cp_grams *g, cp_packed *pk, cp_err *err) {
  cp_view v;
  uint32_t *ring = NULL, d;
  int w1 = window - 1;
  int rc = cp_view_open(c, seg, o, &g->lex, &v, err);
  if (rc != CP_OK) return rc;
  ring = (uint32_t *)malloc((size_t)w1 * sizeof(uint32_t));
  if (ring == NULL) { cp_view_close(&v); return OOM(err); }
  g->tokens += add_freqs(&v, g->freq);
  g->ndocs += v.non;
  for (d = 0; d < v.ndocs && rc == CP_OK; d++) {
    uint32_t p, t0, t1;
    int have = 0, head = 0;
    if (!v.on[d]) continue;
    if (cp_view_doc(&v, d, &t0, &t1) != CP_OK) {
      rc = cp_err_set(err, CP_ECORRUPT, "bad document %u", d);
      break;
    }
    for (p = t0; p < t1; p++) {
      uint32_t key[2];
      int k;
      key[1] = v.map[v.stream[p]];
      if (key[1] == CP_SKIP) continue;
      for (k = 0; k < have; k++) {   /* each of the w1 preceding tokens */
        key[0] = ring[k];
        if (pk->k != NULL) {
          if (pk->m >= pk->cap) {
            rc = cp_err_set(err, CP_ECORRUPT, "more pairs than expected");
            break;
          }
          pk->k[pk->m++] = ((uint64_t)key[0] << pk->bits) | key[1];
        }
        else if (!cp_idtab_add(&g->tab, key, v.doc_base + d)) {
          rc = OOM(err);
          break;
        }
      }
      ring[head] = key[1];
      head = (head + 1) % w1;
      if (have < w1) have++;
    }
    if (rc == CP_OK && pk->k == NULL)
      rc = cp_budget_mem(o->budget, cp_idtab_bytes(&g->tab),
                         "the table of window pairs", err);
  }
  free(ring);
  cp_view_close(&v);
  return rc;
}

int cp_pairs (cp_corpus *c, const cp_sopt *o, int window, cp_grams *g,
              cp_err *err) {
  size_t i, ns;
  uint64_t ntok = 0;
  cp_packed pk;
  int rc;
  memset(&pk, 0, sizeof(pk));
  if (c == NULL || g == NULL) return cp_err_set(err, CP_EINVAL, "no corpus");
  memset(g, 0, sizeof(*g));
  cp_idtab_init(&g->tab, 2);
  if (window < 2 || window > 1000)
    return cp_err_set(err, CP_EINVAL, "window must be 2..1000, got %d",
                      window);
  if ((rc = cp_sopt_check(o, err)) != CP_OK) return rc;
  if ((rc = cp_corpus_flush(c, err)) != CP_OK) return rc;
  if ((rc = cp_glex_build_sopt(c, o, &g->lex, err)) != CP_OK) return rc;
  g->freq = (uint64_t *)calloc(g->lex.n ? g->lex.n : 1, sizeof(uint64_t));
  if (g->freq == NULL) return OOM(err);
  ns = cp_corpus_nsegs(c);
  for (i = 0; i < ns; i++) ntok += cp_seg_ntokens(cp_corpus_seg(c, i));
  /* sort-based when the occurrences fit in a reasonable array (2^27
  ** pairs: 2 GB with the sort's second array), else a hash table.
  ** Every token pairs with the window-1 before it: a pair costs
  ** PAIR_SORTED units sorted, PAIR_HASHED hashed (a cache miss into a
  ** table that outgrows the caches), charged before any work is done */
  if (ntok * (uint64_t)(window - 1) > ((uint64_t)1 << 27)
      || !cp_budget_fits(o->budget, ntok * (uint64_t)(window - 1) * 16)
      || !cp_packed_init(&pk, 2, g->lex.n, 0, ntok * (uint64_t)(window - 1), 0)) {
    cp_packed_free(&pk);
    if ((rc = cp_budget_spend(o->budget, ntok * (uint64_t)(window - 1)
                              * PAIR_HASHED, err)) != CP_OK)
      return rc;
    /* a size hint (distinct pairs grow with the window, sublinearly) */
    if (!cp_idtab_reserve(&g->tab, (size_t)(ntok / 8) * (size_t)(window < 5 ? window - 1 : 4)))
      return OOM(err);
  }
  else if ((rc = cp_budget_spend(o->budget, ntok * (uint64_t)(window - 1)
                                 * PAIR_SORTED, err)) != CP_OK) {
    cp_packed_free(&pk);
    return rc;
  }
  for (i = 0; i < ns && rc == CP_OK; i++)
    rc = pairs_seg(c, i, o, window, g, &pk, err);
  if (rc == CP_OK && pk.k != NULL) rc = cp_packed_finish(&pk, g, err);
  cp_packed_free(&pk);
  return rc;
}

/* }================================================================ */
