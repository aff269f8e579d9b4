/*
** index_test.c -- the on-disk index from C: create, commit, reopen,
** lock, delete, rollback, refresh, optimize, damaged manifest/segments.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "tap.h"
#include "index.h"
#include "manifest.h"

static char dir[256];

static int add1 (cp_corpus *c, const char *id, const char *text) {
  cp_docin d;
  memset(&d, 0, sizeof(d));
  d.id = id; d.idlen = strlen(id);
  d.text = text; d.textlen = strlen(text);
  return cp_corpus_add(c, &d, 1, NULL);
}

static uint64_t live_docs (cp_corpus *c) {
  cp_stats st;
  if (cp_corpus_stats(c, &st, NULL) != CP_OK) return (uint64_t)-1;
  return st.docs;
}

static char *slurp (const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  char *b;
  long sz;
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END); sz = ftell(f); fseek(f, 0, SEEK_SET);
  b = malloc((size_t)sz + 1);
  if (b == NULL || fread(b, 1, (size_t)sz, f) != (size_t)sz) { free(b); fclose(f); return NULL; }
  fclose(f);
  *n = (size_t)sz;
  return b;
}

static void spit (const char *path, const char *b, size_t n) {
  FILE *f = fopen(path, "wb");
  if (f == NULL) return;
  fwrite(b, 1, n, f);
  fclose(f);
}

static void test_manifest (void) {
  cp_man m, m2;
  cp_man_seg sg[1];
  uint32_t del[2] = {1, 5};
  char *text;
  size_t len;
  cp_err e;
  memset(&m, 0, sizeof(m));
  m.gen = 7; m.next = 3; m.mode = 1;
  strcpy(m.language, "french");
  memset(sg, 0, sizeof(sg));
  cp_man_name(sg[0].name, 2);
  sg[0].size = 1234; sg[0].hash = 0xdeadbeefcafef00dULL;
  sg[0].ndocs = 9; sg[0].ndel = 2; sg[0].del = del;
  m.segs = sg; m.nsegs = 1;
  TAP_OK(cp_man_format(&m, &text, &len, &e) == CP_OK, "manifest formats");
  TAP_OK(cp_man_parse(&m2, text, len, "M", &e) == CP_OK, "manifest parses back");
  TAP_OK(m2.gen == 7 && m2.next == 3 && m2.mode == 1 && strcmp(m2.language, "french") == 0
         && m2.nsegs == 1 && strcmp(m2.segs[0].name, "seg-0000000000000002.cps") == 0
         && m2.segs[0].size == 1234 && m2.segs[0].hash == 0xdeadbeefcafef00dULL
         && m2.segs[0].ndocs == 9 && m2.segs[0].ndel == 2 && m2.segs[0].del[1] == 5,
         "round trip keeps every field");
  cp_man_clear(&m2);
  {
    size_t i;
    int all = 1;
    for (i = 0; i < len; i++) {       /* flip each byte: never accepted */
      int rc;
      text[i] ^= 0x04;
      rc = cp_man_parse(&m2, text, len, "M", &e);
      if (rc == CP_OK) { all = 0; cp_man_clear(&m2); }
      text[i] ^= 0x04;
    }
    TAP_OK(all, "every single-byte flip of the manifest is rejected");
    for (i = 0; i < len; i++) {       /* every truncation */
      if (cp_man_parse(&m2, text, i, "M", &e) == CP_OK) { all = 0; cp_man_clear(&m2); }
    }
    TAP_OK(all, "every truncation of the manifest is rejected");
  }
  text[13] = '2';
  TAP_OK(cp_man_parse(&m2, text, len, "M", &e) == CP_EVERSION, "version 2 gives EVERSION: %s", e.msg);
  free(text);
}

int main (void) {
  cp_index *ix, *rx, *ix2;
  cp_corpus *c, *rc_, *c2;
  cp_err e;
  cp_check_report rep;
  int changed, rc;
  char path[512], mpath[512];

  snprintf(dir, sizeof(dir), "/tmp/cp_index_test_%d", (int)getpid());
  snprintf(path, sizeof(path), "rm -rf %s", dir);
  if (system(path) != 0) return 1;

  test_manifest();

  rc = cp_index_create(dir, NULL, &ix, &c, &e);
  TAP_OK(rc == CP_OK, "create: %s", rc ? e.msg : "ok");
  if (rc != CP_OK) return tap_done();
  TAP_OK(cp_index_generation(ix) == 1, "a new index is at generation 1");
  TAP_OK(cp_index_create(dir, NULL, &ix2, &c2, &e) == CP_EEXIST, "create again: EEXIST (%s)", e.msg);
  TAP_OK(cp_index_open(dir, CP_IX_WRITE, &ix2, &c2, &e) == CP_ELOCKED
         && strstr(e.msg, dir) != NULL, "second writer: ELOCKED naming the index (%s)", e.msg);

  TAP_OK(add1(c, "a", "The cat sat on the mat.") == CP_OK && add1(c, "b", "Dogs bark.") == CP_OK,
         "add two documents");
  rc = cp_index_open(dir, 0, &rx, &rc_, &e);
  TAP_OK(rc == CP_OK && live_docs(rc_) == 0, "a reader before the commit sees nothing");
  TAP_OK(cp_index_commit(ix, c, &e) == CP_OK && cp_index_generation(ix) == 2, "commit -> generation 2");
  TAP_OK(live_docs(rc_) == 0, "the reader's snapshot is unchanged");
  TAP_OK(cp_index_refresh(rx, rc_, &changed, &e) == CP_OK && changed && live_docs(rc_) == 2,
         "refresh shows the two documents");
  TAP_OK(add1(rc_, "z", "no") == CP_EINVAL, "a reader cannot add");
  TAP_OK(cp_index_commit(rx, rc_, &e) == CP_EINVAL, "a reader cannot commit");

  /* rollback */
  add1(c, "c", "Uncommitted text.");
  cp_corpus_delete(c, 0, NULL);
  TAP_OK(live_docs(c) == 2, "writer sees its own uncommitted changes");
  TAP_OK(cp_index_rollback(ix, c, &e) == CP_OK && live_docs(c) == 2 &&
         cp_corpus_find(c, "a", 1, NULL) == CP_OK && cp_corpus_find(c, "c", 1, NULL) == CP_ENOENT,
         "rollback restores the committed state");

  /* delete + commit */
  {
    uint64_t d;
    TAP_OK(cp_corpus_find(c, "a", 1, &d) == CP_OK && cp_corpus_delete(c, d, &e) == CP_OK, "delete a");
  }
  TAP_OK(cp_index_commit(ix, c, &e) == CP_OK, "commit the deletion");
  TAP_OK(cp_index_refresh(rx, rc_, &changed, &e) == CP_OK && changed && live_docs(rc_) == 1
         && cp_corpus_find(rc_, "a", 1, NULL) == CP_ENOENT, "the reader sees the deletion");
  TAP_OK(cp_index_check(rx, rc_, &rep, &e) == CP_OK && rep.deleted == 1 && rep.docs == 2,
         "check passes: %s", rep.docs ? "ok" : e.msg);

  /* optimize */
  add1(c, "d", "Fourth document about international law.");
  TAP_OK(cp_index_optimize(ix, c, &e) == CP_OK && cp_corpus_nsegs(c) == 1 &&
         cp_corpus_ndeleted(c) == 0 && live_docs(c) == 2, "optimize: one segment, deletions dropped");
  TAP_OK(cp_index_refresh(rx, rc_, &changed, &e) == CP_OK && live_docs(rc_) == 2, "reader refreshes after optimize");
  TAP_OK(cp_index_check(ix, c, &rep, &e) == CP_OK && rep.segments == 1, "writer check passes");

  cp_corpus_free(rc_); cp_index_close(rx);
  cp_corpus_free(c); cp_index_close(ix);

  /* reopen for writing after close: lock released */
  rc = cp_index_open(dir, CP_IX_WRITE | CP_IX_VERIFY, &ix, &c, &e);
  TAP_OK(rc == CP_OK && live_docs(c) == 2, "reopen for writing with verify");
  if (rc == CP_OK) { cp_corpus_free(c); cp_index_close(ix); }

  /* damage: flip a byte in the segment file -> check fails */
  {
    cp_man m;
    size_t n;
    char *b;
    snprintf(mpath, sizeof(mpath), "%s/MANIFEST", dir);
    b = slurp(mpath, &n);
    TAP_OK(b != NULL && cp_man_parse(&m, b, n, "M", &e) == CP_OK && m.nsegs == 1, "manifest on disk parses");
    if (b != NULL && m.nsegs == 1) {
      char spath[512];
      size_t sn;
      char *sb;
      snprintf(spath, sizeof(spath), "%s/%s", dir, m.segs[0].name);
      sb = slurp(spath, &sn);
      sb[sn / 2] ^= 0x10;
      spit(spath, sb, sn);
      rc = cp_index_open(dir, 0, &rx, &rc_, &e);
      if (rc == CP_OK) {
        rc = cp_index_check(rx, rc_, &rep, &e);
        cp_corpus_free(rc_); cp_index_close(rx);
      }
      TAP_OK(rc == CP_ECORRUPT && strstr(e.msg, m.segs[0].name) != NULL,
             "a flipped segment byte is reported naming the file: %s", e.msg);
      TAP_OK(cp_index_open(dir, CP_IX_VERIFY, &rx, &rc_, &e) == CP_ECORRUPT, "verify at open catches it too");
      sb[sn / 2] ^= 0x10;
      spit(spath, sb, sn / 3);   /* truncated */
      TAP_OK(cp_index_open(dir, 0, &rx, &rc_, &e) == CP_ECORRUPT && strstr(e.msg, "bytes") != NULL,
             "a truncated segment fails at open: %s", e.msg);
      unlink(spath);
      TAP_OK(cp_index_open(dir, 0, &rx, &rc_, &e) == CP_ECORRUPT && strstr(e.msg, "missing") != NULL,
             "a missing segment fails at open: %s", e.msg);
      spit(spath, sb, sn);
      free(sb);
      b[n - 3] ^= 1;
      spit(mpath, b, n);
      TAP_OK(cp_index_open(dir, 0, &rx, &rc_, &e) == CP_ECORRUPT, "a damaged manifest fails at open: %s", e.msg);
      cp_man_clear(&m);
    }
    free(b);
  }
  TAP_OK(cp_index_open("/nonexistent/index", 0, &rx, &rc_, &e) == CP_ENOENT, "a missing index: ENOENT");

  snprintf(path, sizeof(path), "rm -rf %s", dir);
  if (system(path) != 0) return 1;
  return tap_done();
}
