/*
** codec_test.c -- the block codecs: packed u32 lists (pack.c) and
** zstd-compressed stored text (ztext.c), and the lazily verified block
** checksums (blksum.c).  Round trips over list shapes
** and block boundaries, the skip data, and damage: every bit flip and
** truncation of an encoding gives values or CP_ECORRUPT (run under
** ASan by `make asan`, which is what proves no read out of bounds).
*/
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include "blksum.h"
#include "lexpack.h"
#include "pack.h"
#include "ztext.h"
#include "tap.h"

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd (void) {   /* xorshift64: reproducible */
  rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
  return (uint32_t)(rng >> 16);
}

/* encode, open, decode; 1 if the decoded list equals v */
static int roundtrip (const uint32_t *v, uint32_t n, int mode, size_t *len) {
  size_t cap = cp_pack_bound(n), l = 0;
  uint8_t *buf = malloc(cap + 1);
  uint32_t *out = malloc(((size_t)n + 1) * sizeof(*out));
  cp_pack pk;
  int ok = buf && out
    && cp_pack_encode(v, n, mode, buf, cap, &l, NULL) == CP_OK
    && cp_pack_open(&pk, buf, l, n, mode, NULL) == CP_OK
    && cp_pack_decode(&pk, out, NULL) == CP_OK
    && (n == 0 || memcmp(out, v, (size_t)n * sizeof(*v)) == 0);
  if (len) *len = l;
  free(buf); free(out);
  return ok;
}

/* open + decode every block of possibly damaged bytes: 1 when the
** result is CP_OK or CP_ECORRUPT (never anything else) */
static int decode_or_corrupt (const uint8_t *p, size_t len, uint32_t n,
                              int mode, int *corrupt) {
  cp_pack pk;
  cp_err e;
  uint32_t tmp[CP_PACK_BLOCK], cnt, b;
  int rc = cp_pack_open(&pk, p, len, n, mode, &e);
  for (b = 0; rc == CP_OK && b < pk.nb; b++) rc = cp_pack_block(&pk, b, tmp, &cnt, &e);
  *corrupt = (rc == CP_ECORRUPT);
  return rc == CP_OK || rc == CP_ECORRUPT;
}

static void test_pack (void) {
  static const uint32_t sizes[] = {0, 1, 2, 127, 128, 129, 255, 256, 257, 1000, 5000};
  uint32_t *v = malloc(6000 * sizeof(*v));
  size_t si, len;
  int all;

  /* ascending lists with gaps of several widths */
  all = 1;
  for (si = 0; si < sizeof(sizes) / sizeof(*sizes); si++) {
    uint32_t n = sizes[si], i, x = rnd() % 100;
    for (i = 0; i < n; i++) { v[i] = x; x += 1 + rnd() % (1u << (rnd() % 20)); }
    all = all && roundtrip(v, n, CP_PACK_ASC, NULL);
  }
  TAP_OK(all, "ascending lists of 0..5000 values round-trip");

  all = 1;
  for (si = 0; si < sizeof(sizes) / sizeof(*sizes); si++) {
    uint32_t n = sizes[si], i;
    for (i = 0; i < n; i++) v[i] = rnd() >> (rnd() % 32);
    all = all && roundtrip(v, n, CP_PACK_PLAIN, NULL);
  }
  TAP_OK(all, "plain lists of 0..5000 values round-trip");

  {
    uint32_t w[4] = {0, UINT32_MAX - 2, UINT32_MAX - 1, UINT32_MAX};
    uint32_t z[300];
    memset(z, 0, sizeof(z));
    TAP_OK(roundtrip(w, 4, CP_PACK_ASC, NULL), "values up to UINT32_MAX (ascending)");
    TAP_OK(roundtrip(w, 4, CP_PACK_PLAIN, NULL), "values up to UINT32_MAX (plain)");
    TAP_OK(roundtrip(z, 300, CP_PACK_PLAIN, &len) && len == 3 * 8 + 3,
           "300 zeros take 3 width bytes plus the skip table (%zu bytes)", len);
  }

  {   /* a few wide values: patched, not widened */
    uint32_t w[128], i;
    for (i = 0; i < 128; i++) w[i] = rnd() % 16;
    w[17] = 1u << 30; w[90] = UINT32_MAX;
    TAP_OK(roundtrip(w, 128, CP_PACK_PLAIN, &len) && len <= 1 + 3 + 64 + 2 + 8,
           "128 small values and 2 wide ones take %zu bytes (one width: 513)", len);
    for (i = 0; i < 128; i++) w[i] = (rnd() % 4 == 0) ? 1000000 + i : i % 3;
    TAP_OK(roundtrip(w, 128, CP_PACK_PLAIN, NULL), "many exceptions round-trip");
  }

  {   /* a frequent type: gaps 1..16 need 4 bits, not 32 */
    uint32_t i, x = 0, n = 5000;
    for (i = 0; i < n; i++) { x += 1 + rnd() % 16; v[i] = x; }
    TAP_OK(roundtrip(v, n, CP_PACK_ASC, &len) && len <= n / 2 + 9 * 40,
           "5000 positions with gaps <= 16 in %zu bytes (raw %u)", len, n * 4);
  }

  {   /* misuse */
    uint32_t bad[3] = {5, 5, 6};
    uint8_t buf[64];
    TAP_OK(cp_pack_encode(bad, 3, CP_PACK_ASC, buf, sizeof(buf), &len, NULL) == CP_EINVAL,
           "a repeated value in an ascending list is refused");
    TAP_OK(cp_pack_encode(bad, 3, CP_PACK_PLAIN, buf, 4, &len, NULL) == CP_EINVAL,
           "a buffer below cp_pack_bound is refused");
    TAP_OK(cp_pack_encode(bad, 3, 7, buf, sizeof(buf), &len, NULL) == CP_EINVAL,
           "an unknown mode is refused");
  }

  {   /* skip data, seek and random access */
    uint32_t n = 5000, i, x = 10, b;
    size_t cap = cp_pack_bound(n);
    uint8_t *buf = malloc(cap);
    cp_pack pk;
    int okseek = 1, okget = 1;
    for (i = 0; i < n; i++) { v[i] = x; x += 1 + rnd() % 300; }
    cp_pack_encode(v, n, CP_PACK_ASC, buf, cap, &len, NULL);
    TAP_OK(cp_pack_open(&pk, buf, len, n, CP_PACK_ASC, NULL) == CP_OK
           && pk.nb == (n + 127) / 128, "a list of 5000 has %u blocks", pk.nb);
    for (i = 0; i < 200; i++) {
      uint32_t t = rnd() % (x + 10), last, prev;
      b = cp_pack_seek(&pk, t);
      if (b < pk.nb) okseek = okseek && cp_pack_last(&pk, b, &last) && last >= t;
      else okseek = okseek && v[n - 1] < t;
      if (b > 0) okseek = okseek && cp_pack_last(&pk, b - 1, &prev) && prev < t;
    }
    TAP_OK(okseek, "seek finds the first block whose last value reaches the target");
    for (i = 0; i < 300; i++) {
      uint32_t k = rnd() % n, got = 0;
      okget = okget && cp_pack_get(&pk, k, &got, NULL) == CP_OK && got == v[k];
    }
    TAP_OK(okget, "random access by index decodes one block");
    TAP_OK(cp_pack_count(&pk, pk.nb - 1) == n - (pk.nb - 1) * 128,
           "the last block holds the remainder");

    /* damage: every bit flip of the first 600 bytes, every truncation */
    {
      int never_else = 1, flips_caught = 0;
      size_t k;
      uint8_t *dam = malloc(len);
      for (k = 0; k < 600 * 8 && k / 8 < len; k++) {
        int c;
        memcpy(dam, buf, len);
        dam[k / 8] ^= (uint8_t)(1u << (k % 8));
        never_else = never_else && decode_or_corrupt(dam, len, n, CP_PACK_ASC, &c);
        flips_caught += c;
      }
      TAP_OK(never_else, "bit flips give values or ECORRUPT, nothing else");
      TAP_OK(flips_caught > 600 * 8 / 2,
             "most bit flips are detected without a checksum (%d of 4800)", flips_caught);
      never_else = 1;
      for (k = 0; k < len; k++) {
        int c;
        never_else = never_else && decode_or_corrupt(buf, k, n, CP_PACK_ASC, &c) && c;
      }
      TAP_OK(never_else, "every truncation is ECORRUPT");
      never_else = 1;
      for (k = 0; k < 2000; k++) {   /* random bytes, random n */
        size_t m = rnd() % 700, j;
        int c;
        for (j = 0; j < m; j++) dam[j % len] = (uint8_t)rnd();
        never_else = never_else && decode_or_corrupt(dam, m < len ? m : len,
                                                     rnd() % 700, rnd() % 2, &c);
      }
      TAP_OK(never_else, "random bytes give values or ECORRUPT");
      free(dam);
    }
    free(buf);
  }
  free(v);
}

/* decode a whole list of possibly damaged bytes (SEQ lists have no
** block access): 1 when the result is CP_OK or CP_ECORRUPT */
static int decode_whole_or_corrupt (const uint8_t *p, size_t len, uint32_t n,
                                    int mode, int *corrupt) {
  cp_pack pk;
  cp_err e;
  uint32_t *out = malloc(((size_t)n + 1) * sizeof(*out));
  int rc = out ? cp_pack_open(&pk, p, len, n, mode, &e) : CP_ENOMEM;
  if (rc == CP_OK) rc = cp_pack_decode(&pk, out, &e);
  free(out);
  *corrupt = (rc == CP_ECORRUPT);
  return rc == CP_OK || rc == CP_ECORRUPT;
}

/* format 2.4's leaner layouts: ENDS (4-byte skip entries) and SEQ (no
** skip table) hold the same blocks as the full layout in fewer bytes */
static void test_pack_lean (void) {
  static const uint32_t sizes[] = {0, 1, 127, 128, 129, 256, 257, 5000};
  uint32_t *v = malloc(6000 * sizeof(*v));
  size_t si, len, lfull, lends, lseq;
  int all = 1;
  for (si = 0; si < sizeof(sizes) / sizeof(*sizes); si++) {
    uint32_t n = sizes[si], i, x = rnd() % 100;
    for (i = 0; i < n; i++) { v[i] = x; x += 1 + rnd() % (1u << (rnd() % 20)); }
    all = all && roundtrip(v, n, CP_PACK_ASC | CP_PACK_SEQ, NULL);
    for (i = 0; i < n; i++) v[i] = rnd() >> (rnd() % 32);
    all = all && roundtrip(v, n, CP_PACK_PLAIN | CP_PACK_SEQ, NULL)
              && roundtrip(v, n, CP_PACK_PLAIN | CP_PACK_ENDS, NULL);
  }
  TAP_OK(all, "SEQ (ascending, plain) and ENDS lists of 0..5000 values round-trip");
  {
    uint32_t n = 5000, i;
    for (i = 0; i < n; i++) v[i] = rnd() % 1000;
    roundtrip(v, n, CP_PACK_PLAIN, &lfull);
    roundtrip(v, n, CP_PACK_PLAIN | CP_PACK_ENDS, &lends);
    roundtrip(v, n, CP_PACK_PLAIN | CP_PACK_SEQ, &lseq);
    TAP_OK(lends == lfull - 4 * 40 && lseq == lfull - 8 * 40,
           "40 blocks: ENDS saves 4 bytes a block, SEQ 8 (%zu, %zu, %zu)",
           lfull, lends, lseq);
  }
  {   /* block access: ENDS by index, SEQ refuses any block but the first */
    uint32_t n = 1000, i, tmp[CP_PACK_BLOCK], cnt, last;
    size_t cap = cp_pack_bound(n);
    uint8_t *buf = malloc(cap);
    cp_pack pk;
    int ok = 1;
    for (i = 0; i < n; i++) v[i] = rnd() % 5000;
    cp_pack_encode(v, n, CP_PACK_PLAIN | CP_PACK_ENDS, buf, cap, &len, NULL);
    ok = cp_pack_open(&pk, buf, len, n, CP_PACK_PLAIN | CP_PACK_ENDS, NULL) == CP_OK;
    for (i = 0; ok && i < 100; i++) {
      uint32_t k = rnd() % n, got;
      ok = cp_pack_get(&pk, k, &got, NULL) == CP_OK && got == v[k];
    }
    TAP_OK(ok && !cp_pack_last(&pk, 1, &last), "ENDS: random access by index, no skip values");
    cp_pack_encode(v, n, CP_PACK_PLAIN | CP_PACK_SEQ, buf, cap, &len, NULL);
    ok = cp_pack_open(&pk, buf, len, n, CP_PACK_PLAIN | CP_PACK_SEQ, NULL) == CP_OK;
    TAP_OK(ok && cp_pack_block(&pk, 1, tmp, &cnt, NULL) == CP_EINVAL,
           "SEQ: a block past the first is refused (decode it whole)");
    TAP_OK(cp_pack_encode(v, n, CP_PACK_ASC | CP_PACK_ENDS, buf, cap, &len, NULL) == CP_EINVAL &&
           cp_pack_encode(v, n, CP_PACK_SEQ | CP_PACK_ENDS, buf, cap, &len, NULL) == CP_EINVAL,
           "ENDS on an ascending list, or with SEQ, is refused");
    {   /* damage */
      int never_else = 1, tabcaught = 1, c, m;
      size_t k;
      uint8_t *dam = malloc(cap);
      for (m = 0; m < 2; m++) {
        int mode = m ? (CP_PACK_ASC | CP_PACK_SEQ) : (CP_PACK_PLAIN | CP_PACK_ENDS);
        uint32_t x = 3;
        for (i = 0; i < n; i++) { v[i] = x; x += 1 + rnd() % 200; }
        cp_pack_encode(v, n, mode, buf, cap, &len, NULL);
        for (k = 0; k < 400 * 8 && k / 8 < len; k++) {
          memcpy(dam, buf, len);
          dam[k / 8] ^= (uint8_t)(1u << (k % 8));
          never_else = never_else && (m ? decode_whole_or_corrupt(dam, len, n, mode, &c)
                                        : decode_or_corrupt(dam, len, n, mode, &c));
          if (!m && k / 8 < 4 * 8) tabcaught = tabcaught && c;   /* the 8 ends */
        }
        for (k = 0; k < len; k++)
          never_else = never_else && (m ? decode_whole_or_corrupt(buf, k, n, mode, &c)
                                        : decode_or_corrupt(buf, k, n, mode, &c)) && c;
      }
      TAP_OK(never_else, "ENDS and SEQ: bit flips give values or ECORRUPT, every truncation ECORRUPT");
      /* data bits are values (BLKSUM's checksums catch those); a damaged
      ** block end always shows as a block of the wrong size */
      TAP_OK(tabcaught, "ENDS: every bit flip of the table of block ends is ECORRUPT");
      free(dam);
    }
    free(buf);
  }
  free(v);
}

static int cmpstr (const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* packed lexicons (lexpack.c, format 2.4): round trips, prefixes over
** 255 bytes, and damage gives the strings or ECORRUPT */
static void test_lexpack (void) {
  enum { N = 3000 };
  static char buf[N][320];
  const char *w[N];
  uint32_t o[N + 1], n = 0, i, *lo = NULL;
  char *big = malloc((size_t)N * 320), *ls = NULL;
  unsigned char *pk = NULL;
  size_t len = 0, at = 0, k;
  uint64_t sz = 0;
  int ok, never_else = 1, caught = 0;
  for (i = 0; i < N; i++) {   /* words, and some with a 300-byte prefix */
    size_t l = 1 + rnd() % 12, j, p = (i % 10 == 0) ? 300 : 0;
    for (j = 0; j < p; j++) buf[i][j] = 'x';
    for (j = 0; j < l; j++) buf[i][p + j] = (char)('a' + rnd() % 26);
    buf[i][p + l] = 0;
    w[i] = buf[i];
  }
  qsort(w, N, sizeof(*w), cmpstr);
  for (i = 0; i < N; i++) {   /* unique, sorted */
    if (n > 0 && strcmp(w[i], big + o[n - 1]) == 0) continue;
    o[n] = (uint32_t)at;
    memcpy(big + at, w[i], strlen(w[i]));
    at += strlen(w[i]);
    big[at] = 0;   /* for the comparison above; overwritten next */
    n++;
  }
  o[n] = (uint32_t)at;
  ok = cp_lex_pack(o, big, n, &pk, &len, NULL) == CP_OK &&
       cp_lex_unpack(pk, len, n, &lo, &ls, &sz, NULL) == CP_OK &&
       sz == at && memcmp(lo, o, ((size_t)n + 1) * 4) == 0 &&
       memcmp(ls, big, at) == 0;
  TAP_OK(ok, "a lexicon of %u strings round-trips (%zu bytes as offsets and "
         "strings, %zu packed)", n, at + 4 * ((size_t)n + 1), len);
  TAP_OK(len < (at + 4 * ((size_t)n + 1)) / 2, "it packs to less than half");
  free(lo);  free(ls);
  for (k = 0; k < len * 8; k += 3) {
    unsigned char *d = malloc(len);
    cp_err e;
    int rc;
    memcpy(d, pk, len);
    d[k / 8] ^= (unsigned char)(1u << (k % 8));
    rc = cp_lex_unpack(d, len, n, &lo, &ls, &sz, &e);
    never_else = never_else && (rc == CP_OK || rc == CP_ECORRUPT);
    caught += rc == CP_ECORRUPT;
    if (rc == CP_OK) { free(lo);  free(ls); }
    free(d);
  }
  for (k = 0; k < len; k++) {
    int rc = cp_lex_unpack(pk, k, n, &lo, &ls, &sz, NULL);
    never_else = never_else && rc == CP_ECORRUPT;
  }
  TAP_OK(never_else, "bit flips give strings or ECORRUPT, truncations ECORRUPT "
         "(%d flips caught)", caught);
  free(pk);
  ok = cp_lex_pack(o, big, 0, &pk, &len, NULL) == CP_OK && len == 16 &&
       cp_lex_unpack(pk, len, 0, &lo, &ls, &sz, NULL) == CP_OK && sz == 0;
  TAP_OK(ok, "an empty lexicon is 16 bytes");
  if (ok) { free(lo);  free(ls); }
  free(pk);
  free(big);
}

/* intersect a short list with a long one through the cursor */
static void test_cursor (void) {
  uint32_t nl = 20000, ns = 40, i, x = 0;
  uint32_t *lv = malloc(nl * sizeof(*lv)), sv[40];
  size_t cl = cp_pack_bound(nl), cs = cp_pack_bound(ns), ll, ls;
  uint8_t *bl = malloc(cl), *bs = malloc(cs);
  cp_pack L, S;
  cp_pack_cursor cur, cs2;
  int end = 0, ok = 1, e2 = 0;
  uint32_t got = 0, want = 0, j = 0;
  for (i = 0; i < nl; i++) { x += 1 + rnd() % 7; lv[i] = x; }
  for (i = 0; i < ns; i++) sv[i] = (i % 2) ? lv[rnd() % nl] : (uint32_t)(rnd() % x);
  for (i = 1; i < ns; i++) {   /* sort, unique */
    uint32_t k = i, t = sv[i];
    while (k > 0 && sv[k - 1] > t) { sv[k] = sv[k - 1]; k--; }
    sv[k] = t;
  }
  for (i = 1, j = 1; i < ns; i++) if (sv[i] != sv[j - 1]) sv[j++] = sv[i];
  ns = j;
  cp_pack_encode(lv, nl, CP_PACK_ASC, bl, cl, &ll, NULL);
  cp_pack_encode(sv, ns, CP_PACK_ASC, bs, cs, &ls, NULL);
  cp_pack_open(&L, bl, ll, nl, CP_PACK_ASC, NULL);
  cp_pack_open(&S, bs, ls, ns, CP_PACK_ASC, NULL);
  for (i = 0, j = 0; i < ns; i++) {   /* reference: merge */
    while (j < nl && lv[j] < sv[i]) j++;
    if (j < nl && lv[j] == sv[i]) want++;
  }
  ok = cp_pack_first(&cur, &L, &end, NULL) == CP_OK && !end
       && cp_pack_first(&cs2, &S, &e2, NULL) == CP_OK && !e2;
  while (ok && !end && !e2) {
    uint32_t t = cp_pack_value(&cs2);
    ok = cp_pack_seek_geq(&cur, t, &end, NULL) == CP_OK;
    if (ok && !end && cp_pack_value(&cur) == t) got++;
    ok = ok && cp_pack_next(&cs2, &e2, NULL) == CP_OK;
  }
  TAP_OK(ok && got == want, "intersection through seek_geq: %u common values (%u expected)", got, want);
  TAP_OK(cur.decoded < L.nb / 2, "the long list decoded %u of its %u blocks", cur.decoded, L.nb);
  {   /* walking with next visits every value in order */
    uint32_t k = 0;
    ok = cp_pack_first(&cur, &L, &end, NULL) == CP_OK;
    while (ok && !end) {
      ok = cp_pack_value(&cur) == lv[k++];
      ok = ok && cp_pack_next(&cur, &end, NULL) == CP_OK;
    }
    TAP_OK(ok && k == nl, "next walks all %u values", k);
    ok = cp_pack_first(&cur, &L, &end, NULL) == CP_OK
         && cp_pack_seek_geq(&cur, lv[nl - 1] + 1, &end, NULL) == CP_OK && end;
    TAP_OK(ok, "seeking past the last value ends the cursor");
  }
  {   /* a damaged block is an error, not an early end */
    uint8_t *dam = malloc(ll);
    cp_pack D;
    cp_err e;
    int rc;
    memcpy(dam, bl, ll);
    dam[ll - 5] ^= 0x10;   /* inside the last block */
    cp_pack_open(&D, dam, ll, nl, CP_PACK_ASC, NULL);
    cp_pack_first(&cur, &D, &end, NULL);
    rc = cp_pack_seek_geq(&cur, lv[nl - 2], &end, &e);
    TAP_OK(rc == CP_ECORRUPT, "seeking into a damaged block is ECORRUPT");
    free(dam);
  }
  free(lv); free(bl); free(bs);
}

static void test_ztext (void) {
  /* 300 documents of 0..3000 bytes of words, one of 100 KB */
  size_t nd = 301, i, total = 0, len;
  uint64_t *ends = malloc(nd * sizeof(*ends));
  char *text = malloc(1200000);   /* 300 x 3000 + 100000, with room */
  static const char *words[] = {"the ", "united ", "nations ", "peace ", "security ",
                                "of ", "général ", "\xe2\x80\x94 ", "climate ", "change "};
  uint8_t *img = NULL;
  cp_zt z;
  cp_ztcache c;
  cp_err e;
  const char *p;
  int ok;
  for (i = 0; i < nd; i++) {
    size_t want = (i == 150) ? 100000 : rnd() % 3000, got = 0;
    if (i % 37 == 0) want = 0;
    while (got < want) {
      const char *w = words[rnd() % 10];
      size_t wl = strlen(w);
      memcpy(text + total, w, wl);
      total += wl; got += wl;
    }
    ends[i] = total;
  }
  TAP_OK(cp_zt_encode(text, ends, nd, 4096, 3, &img, &len, &e) == CP_OK,
         "compress %zu bytes of text in 4 KiB blocks", total);
  TAP_OK(len < total / 3, "compressed to %zu bytes (%.1f%%)", len, 100.0 * len / total);
  TAP_OK(cp_zt_open(&z, img, len, &e) == CP_OK && cp_zt_size(&z) == total,
         "open: %u blocks holding %zu bytes", z.nb, total);
  TAP_OK(z.maxraw <= 2 * 4096, "no block over twice the target (%zu)", z.maxraw);
  cp_ztcache_init(&c);
  ok = 1;
  for (i = 0; i < nd; i++) {
    uint64_t s = (i == 0) ? 0 : ends[i - 1];
    ok = ok && cp_zt_read(&z, &c, s, (size_t)(ends[i] - s), &p, &e) == CP_OK
         && memcmp(p, text + s, (size_t)(ends[i] - s)) == 0;
  }
  TAP_OK(ok, "every document reads back by its range");
  ok = 1;
  for (i = 0; i < 500; i++) {
    size_t off = rnd() % total, n = rnd() % 20000;
    if (n > total - off) n = total - off;
    ok = ok && cp_zt_read(&z, &c, off, n, &p, &e) == CP_OK && memcmp(p, text + off, n) == 0;
  }
  TAP_OK(ok, "random ranges across blocks read back");
  TAP_OK(cp_zt_read(&z, &c, total, 0, &p, &e) == CP_OK && cp_zt_read(&z, &c, total, 1, &p, &e) == CP_EINVAL,
         "an empty range at the end reads, one byte past it is refused");
  TAP_OK(cp_zt_check(&z, &e) == CP_OK, "check decompresses every block");

  {   /* damage in a frame: that block fails, the others still read */
    uint8_t *dam = malloc(len);
    cp_zt zd;
    cp_ztcache cd;
    size_t k;
    int never_else = 1;
    memcpy(dam, img, len);
    dam[len - 10] ^= 0x20;
    cp_ztcache_init(&cd);
    TAP_OK(cp_zt_open(&zd, dam, len, &e) == CP_OK
           && cp_zt_read(&zd, &cd, total - 1, 1, &p, &e) == CP_ECORRUPT,
           "a flipped bit in the last frame: ECORRUPT (%s)", e.msg);
    TAP_OK(cp_zt_read(&zd, &cd, 0, 10, &p, &e) == CP_OK && memcmp(p, text, 10) == 0,
           "other blocks still read");
    TAP_OK(cp_zt_check(&zd, &e) == CP_ECORRUPT, "check finds it");
    for (k = 0; k < len; k += len / 400 + 1) {   /* truncations and flips all over */
      int rc = cp_zt_open(&zd, img, k, &e);
      if (rc == CP_OK) cp_zt_close(&zd);
      never_else = never_else && rc == CP_ECORRUPT;
      memcpy(dam, img, len);
      dam[k] ^= (uint8_t)(1u << (k % 8));
      rc = cp_zt_open(&zd, dam, len, &e);
      if (rc == CP_OK) { rc = cp_zt_check(&zd, &e); cp_zt_close(&zd); }
      never_else = never_else && rc == CP_ECORRUPT;
    }
    TAP_OK(never_else, "every truncation and bit flip is ECORRUPT at open or check");
    cp_zt_close(&zd);
    cp_ztcache_free(&cd);
    free(dam);
  }

  {   /* empty text */
    uint8_t *im0 = NULL;
    size_t l0;
    cp_zt z0;
    TAP_OK(cp_zt_encode(NULL, NULL, 0, 0, 0, &im0, &l0, &e) == CP_OK
           && cp_zt_open(&z0, im0, l0, &e) == CP_OK && z0.nb == 0
           && cp_zt_read(&z0, &c, 0, 0, &p, &e) == CP_OK,
           "no documents: an empty image");
    cp_zt_close(&z0);
    free(im0);
  }
  {
    uint64_t bad[2] = {10, 5};
    uint8_t *im1 = NULL;
    TAP_OK(cp_zt_encode(text, bad, 2, 0, 0, &im1, &len, &e) == CP_EINVAL,
           "decreasing document ends are refused");
  }
  cp_ztcache_free(&c);
  cp_zt_close(&z);
  free(img); free(ends); free(text);
}

/* a text over CP_ZT_DICT_MIN gets a trained dictionary */
static void test_ztext_dict (void) {
  size_t nd = 800, i, total = 0, len, plain_len;
  uint64_t *ends = malloc(nd * sizeof(*ends));
  char *text = malloc(nd * 3000 + 1);
  uint8_t *img = NULL, *img0 = NULL;
  cp_zt z;
  cp_ztcache c;
  cp_err e;
  const char *p;
  int ok = 1;
  static const char *words[] = {"Mr. President, ", "the General Assembly ", "sustainable development ",
    "of the United Nations ", "we ", "must ", "climate ", "security ", "and ", "peace "};
  for (i = 0; i < nd; i++) {
    size_t want = 1000 + rnd() % 2000, got = 0;
    while (got < want) {
      const char *w = words[rnd() % 10];
      size_t wl = strlen(w);
      memcpy(text + total, w, wl); total += wl; got += wl;
    }
    ends[i] = total;
  }
  TAP_OK(total >= CP_ZT_DICT_MIN && cp_zt_encode(text, ends, nd, 0, 0, &img, &len, &e) == CP_OK
         && cp_zt_open(&z, img, len, &e) == CP_OK && z.dictlen > 0,
         "%zu bytes of text get a dictionary of %zu bytes", total, z.dictlen);
  cp_ztcache_init(&c);
  for (i = 0; i < nd; i++) {
    uint64_t s = (i == 0) ? 0 : ends[i - 1];
    ok = ok && cp_zt_read(&z, &c, s, (size_t)(ends[i] - s), &p, &e) == CP_OK
         && memcmp(p, text + s, (size_t)(ends[i] - s)) == 0;
  }
  TAP_OK(ok && cp_zt_check(&z, &e) == CP_OK, "every document reads back through the dictionary");
  /* the same text in two halves, each under the threshold: no dictionary */
  cp_zt_encode(text, ends, nd / 3, 0, 0, &img0, &plain_len, &e);
  {
    cp_zt z0;
    TAP_OK(cp_zt_open(&z0, img0, plain_len, &e) == CP_OK && z0.dictlen == 0,
           "a text under %u bytes has none", CP_ZT_DICT_MIN);
    cp_zt_close(&z0);
  }
  {
    cp_zt zd;
    uint8_t *dam = malloc(len);
    memcpy(dam, img, len);
    dam[24 + 32 * z.nb + 100] ^= 1;   /* inside the dictionary */
    TAP_OK(cp_zt_open(&zd, dam, len, &e) == CP_ECORRUPT, "a damaged dictionary is ECORRUPT at open (%s)", e.msg);
    free(dam);
  }
  cp_ztcache_free(&c);
  cp_zt_close(&z);
  free(img); free(img0); free(ends); free(text);
}

/*
** The writer with its worker thread (cp_ztw, what the segment builder
** uses) gives the bytes of cp_zt_encode: while the text buffer moves
** under it (realloc, as the builder grows its block), after truncations
** that drop compressed blocks or the dictionary's sample, and after a
** finish undone by a truncation.  `make tsan` runs this under
** ThreadSanitizer.
*/
static int ztw_build (const char *text, const uint64_t *ends, size_t nd,
                      size_t cut_at, size_t cut_to, int refinish,
                      uint8_t **img, size_t *len) {
  cp_err e;
  cp_ztw *z = cp_ztw_new(0, 3, 1, &e);
  size_t cap = 4096, i, used = 0;
  char *buf = malloc(cap);
  int ok = z != NULL && buf != NULL;
  if (ok) { cp_ztw_lock(z);  cp_ztw_unlock(z, buf); }
  for (i = 0; i < nd && ok; i++) {
    uint64_t end = ends[i];
    if (end > cap) {   /* grow like the builder: under the lock */
      char *nb;
      while (cap < end) cap *= 2;
      cp_ztw_lock(z);
      nb = realloc(buf, cap);
      cp_ztw_unlock(z, nb ? nb : buf);
      if (nb == NULL) { ok = 0;  break; }
      buf = nb;
    }
    memcpy(buf + used, text + used, (size_t)(end - used));
    used = (size_t)end;
    ok = cp_ztw_add(z, end, &e) == CP_OK;
    if (i + 1 == cut_at) {   /* drop documents, then add them again */
      ok = ok && cp_ztw_truncate(z, cut_to) == CP_OK;
      i = cut_to - 1;
      used = cut_to ? (size_t)ends[cut_to - 1] : 0;
      cut_at = 0;
    }
  }
  if (ok && refinish) {
    size_t l0;
    ok = cp_ztw_finish(z, &l0, &e) == CP_OK && cp_ztw_truncate(z, nd) == CP_OK;
  }
  ok = ok && cp_ztw_finish(z, len, &e) == CP_OK && (*img = malloc(*len)) != NULL;
  if (ok) cp_ztw_write(z, *img);
  cp_ztw_free(z);
  free(buf);
  return ok;
}

static void test_ztext_writer (void) {
  size_t nd = 1500, i, total = 0, len0 = 0, len = 0;
  uint64_t *ends = malloc(nd * sizeof(*ends));
  char *text = malloc(nd * 6000 + 1);
  uint8_t *img0 = NULL, *img = NULL;
  cp_err e;
  static const char *words[] = {"Mr. President, ", "the General Assembly ", "sustainable development ",
    "of the United Nations ", "we ", "must ", "climate ", "security ", "and ", "peace "};
  struct { size_t cut_at, cut_to; int refinish; const char *what; } runs[] = {
    {0, 0, 0, "built as the documents come"},
    {1400, 1200, 0, "after dropping compressed blocks"},
    {1400, 100, 0, "after dropping the dictionary's sample"},
    {0, 0, 1, "after a finish undone by a truncation"},
  };
  for (i = 0; i < nd; i++) {
    size_t want = (i == 700) ? 60000 : 1000 + rnd() % 4000, got = 0;
    while (got < want) {
      const char *w = words[rnd() % 10];
      size_t wl = strlen(w);
      memcpy(text + total, w, wl); total += wl; got += wl;
    }
    ends[i] = total;
  }
  TAP_OK(total > 2 * CP_ZT_SAMPLE &&
         cp_zt_encode(text, ends, nd, 0, 3, &img0, &len0, &e) == CP_OK,
         "%zu bytes: %zu compressed in one thread", total, len0);
  for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
    img = NULL;
    TAP_OK(ztw_build(text, ends, nd, runs[i].cut_at, runs[i].cut_to,
                     runs[i].refinish, &img, &len)
           && len == len0 && memcmp(img, img0, len) == 0,
           "the worker's image is the same bytes %s", runs[i].what);
    free(img);
  }
  free(img0); free(ends); free(text);
}

typedef struct needer { cp_blksum *b; uint64_t seed; int fails; } needer;

static void *need_many (void *ud) {
  needer *n = ud;
  int i;
  for (i = 0; i < 2000; i++) {
    uint64_t off, len;
    n->seed = n->seed * 6364136223846793005ull + 1442695040888963407ull;
    off = (n->seed >> 20) % n->b->size;
    len = (n->seed >> 8) % 100000;
    if (len > n->b->size - off) len = n->b->size - off;
    if (cp_blksum_need(n->b, off, len, NULL) != CP_OK) n->fails++;
  }
  return NULL;
}

static void test_blksum (void) {
  uint64_t size = 10 * CP_BLKSUM_BLOCK + 1234, i, nb = cp_blksum_count(size);
  unsigned char *reg = malloc(size), *sums = malloc(8 * nb);
  cp_blksum b;
  cp_err e;
  int ok;
  for (i = 0; i < size; i++) reg[i] = (unsigned char)rnd();
  TAP_OK(nb == 11, "a region of 10 blocks and a bit has 11 blocks");
  cp_blksum_build(reg, size, sums);
  TAP_OK(cp_blksum_open(&b, reg, size, sums, 8 * nb - 8, &e) == CP_ECORRUPT,
         "a table of the wrong size is ECORRUPT");
  TAP_OK(cp_blksum_open(&b, reg, size, sums, 8 * nb, &e) == CP_OK, "open");
  TAP_OK(cp_blksum_need(&b, 0, size, &e) == CP_OK && cp_blksum_check(&b, &e) == CP_OK,
         "an intact region passes need and check");
  TAP_OK(cp_blksum_need(&b, size, 0, &e) == CP_OK && cp_blksum_need(&b, size, 1, &e) == CP_EINVAL,
         "an empty range at the end passes; past the end is misuse");
  cp_blksum_close(&b);

  reg[5 * CP_BLKSUM_BLOCK + 77] ^= 4;   /* damage block 5 */
  cp_blksum_open(&b, reg, size, sums, 8 * nb, &e);
  TAP_OK(cp_blksum_need(&b, 0, 5 * CP_BLKSUM_BLOCK, &e) == CP_OK
         && cp_blksum_need(&b, 6 * CP_BLKSUM_BLOCK, 100, &e) == CP_OK,
         "blocks around the damage read");
  TAP_OK(cp_blksum_need(&b, 5 * CP_BLKSUM_BLOCK + 70, 1, &e) == CP_ECORRUPT,
         "a range in the damaged block is ECORRUPT (%s)", e.msg);
  TAP_OK(cp_blksum_need(&b, 4 * CP_BLKSUM_BLOCK, 2 * CP_BLKSUM_BLOCK, &e) == CP_ECORRUPT,
         "so is a range across it");
  reg[5 * CP_BLKSUM_BLOCK + 77] ^= 4;
  TAP_OK(cp_blksum_need(&b, 5 * CP_BLKSUM_BLOCK, 1, &e) == CP_ECORRUPT,
         "a block found damaged stays damaged");
  TAP_OK(cp_blksum_check(&b, &e) == CP_OK, "check rehashes every block");
  cp_blksum_close(&b);

  reg[size - 1] ^= 1;   /* the short last block */
  cp_blksum_open(&b, reg, size, sums, 8 * nb, &e);
  TAP_OK(cp_blksum_need(&b, size - 1, 1, &e) == CP_ECORRUPT && cp_blksum_check(&b, &e) == CP_ECORRUPT,
         "damage in the short last block is found");
  cp_blksum_close(&b);
  reg[size - 1] ^= 1;

  {   /* four threads needing overlapping ranges of one verifier */
    pthread_t th[4];
    needer nd[4];
    cp_blksum_open(&b, reg, size, sums, 8 * nb, &e);
    ok = 1;
    for (i = 0; i < 4; i++) {
      nd[i].b = &b; nd[i].seed = i + 1; nd[i].fails = 0;
      ok = ok && pthread_create(&th[i], NULL, need_many, &nd[i]) == 0;
    }
    for (i = 0; i < 4; i++) { pthread_join(th[i], NULL); ok = ok && nd[i].fails == 0; }
    TAP_OK(ok, "four threads verify one region at once");
    cp_blksum_close(&b);
  }
  {
    cp_blksum z;
    TAP_OK(cp_blksum_open(&z, NULL, 0, NULL, 0, &e) == CP_OK && z.nblk == 0
           && cp_blksum_need(&z, 0, 0, &e) == CP_OK, "an empty region has no blocks");
    cp_blksum_close(&z);
  }
  free(reg); free(sums);
}

/* the block-by-block writer makes cp_pack_encode's bytes and checks
** the blocks it is given */
static void test_packw (void) {
  uint32_t n = 1000, i, b;
  uint32_t *v = malloc(n * sizeof(*v));
  size_t cap = cp_pack_bound(n), l1 = 0, l2 = 0;
  uint8_t *a = calloc(cap + 1, 1), *c = calloc(cap + 1, 1);
  int mode, same = 1;
  cp_packw w;
  for (mode = CP_PACK_PLAIN; mode <= CP_PACK_ASC; mode++) {
    uint32_t acc = 0;
    for (i = 0; i < n; i++) {
      uint32_t x = rnd() % 16 == 0 ? rnd() % 100000 : rnd() % 50;
      v[i] = mode == CP_PACK_ASC ? (acc += x + 1) : x;
    }
    int rc = cp_pack_encode(v, n, mode, a, cap, &l1, NULL) == CP_OK
             && cp_packw_begin(&w, n, mode, c, cap, NULL) == CP_OK;
    for (b = 0; rc && b * CP_PACK_BLOCK < n; b++) {
      uint32_t lo = b * CP_PACK_BLOCK, k = n - lo < CP_PACK_BLOCK ? n - lo : CP_PACK_BLOCK;
      rc = cp_packw_put(&w, v + lo, k, NULL) == CP_OK;
    }
    rc = rc && cp_packw_end(&w, &l2, NULL) == CP_OK;
    same &= rc && l1 == l2 && memcmp(a, c, l1) == 0;
  }
  TAP_OK(same, "cp_packw block by block writes cp_pack_encode's bytes (plain, asc)");
  TAP_OK(cp_packw_begin(&w, n, CP_PACK_PLAIN, c, cap, NULL) == CP_OK
         && cp_packw_put(&w, v, 100, NULL) == CP_EINVAL,
         "cp_packw_put refuses a short block that is not the last");
  TAP_OK(cp_packw_begin(&w, n, CP_PACK_PLAIN, c, cap, NULL) == CP_OK
         && cp_packw_put(&w, v, CP_PACK_BLOCK, NULL) == CP_OK
         && cp_packw_end(&w, &l2, NULL) == CP_EINVAL,
         "cp_packw_end refuses a list with blocks missing");
  TAP_OK(cp_packw_begin(&w, n, CP_PACK_PLAIN, c, cap - 1, NULL) == CP_EINVAL,
         "cp_packw_begin refuses a buffer below cp_pack_bound");
  free(v); free(a); free(c);
}

int main (void) {
  test_pack();
  test_pack_lean();
  test_lexpack();
  test_packw();
  test_cursor();
  test_ztext();
  test_ztext_dict();
  test_ztext_writer();
  test_blksum();
  return tap_done();
}
