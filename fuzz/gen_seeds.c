/*
** gen_seeds.c -- writes the seed segments of fuzz_seg (fuzz/seeds/seg)
** with the builder of this checkout, so they are always in the format
** the reader reads: `make fuzz-seeds` runs it (again after any change of
** the segment format; ctest/seg_test.c fails while the committed seeds
** do not open).  Every input is in the repository: the CoNLL-U and VRT
** seeds of the other harnesses and texts written here.
**   usage: gen_seeds REPO_ROOT OUTDIR
** Each seed is a whole segment image that passes cp_seg_check:
**   text        three documents as text, string and number metadata,
**               paragraphs, punctuation, an invalid UTF-8 byte repaired
**   conllu      a CoNLL-U document: stored layers (lemma, upos, xpos,
**               feats, deprel, head), span sets s (sent_id) and p
**   vrt         a VRT file: span sets with attributes (chapter n, title)
**   spans       a token longer than 255 bytes and a gap of more than
**               255, so the escaped spans (SPANX) are present; an empty
**               document
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conllu.h"
#include "corpus.h"
#include "vrt.h"

static char *slurp (const char *root, const char *rel, size_t *len) {
  char path[4096];
  FILE *f;
  char *b = NULL;
  long n;
  if (snprintf(path, sizeof(path), "%s/%s", root, rel) >= (int)sizeof(path))
    return NULL;
  if ((f = fopen(path, "rb")) == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
      fseek(f, 0, SEEK_SET) == 0 && (b = (char *)malloc((size_t)n + 1)) != NULL &&
      fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(f);
  if (b == NULL) fprintf(stderr, "gen_seeds: cannot read %s\n", path);
  else *len = (size_t)n;
  return b;
}

/* seal the corpus's documents into one segment, check it, write it */
static int put (cp_corpus *c, const char *dir, const char *name) {
  char path[4096];
  cp_err e;
  cp_seg *s;
  const void *img;
  size_t size;
  FILE *f;
  int ok;
  if (cp_corpus_flush(c, &e) != CP_OK || cp_corpus_nsegs(c) != 1 ||
      (img = cp_corpus_seg_image(c, 0, &size)) == NULL) {
    fprintf(stderr, "gen_seeds: %s: %s\n", name, e.msg);
    return 0;
  }
  if (cp_seg_open(&s, img, size, &e) != CP_OK) {
    fprintf(stderr, "gen_seeds: %s: %s\n", name, e.msg);
    return 0;
  }
  ok = cp_seg_check(s, &e) == CP_OK;
  cp_seg_close(s);
  if (!ok) {
    fprintf(stderr, "gen_seeds: %s: %s\n", name, e.msg);
    return 0;
  }
  if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
      (f = fopen(path, "wb")) == NULL) {
    fprintf(stderr, "gen_seeds: cannot write %s/%s\n", dir, name);
    return 0;
  }
  ok = fwrite(img, 1, size, f) == size;
  ok = fclose(f) == 0 && ok;
  if (ok) printf("gen_seeds: %s (%zu bytes)\n", path, size);
  return ok;
}

static cp_corpus *fresh (void) {
  cp_err e;
  cp_corpus *c = cp_corpus_new(NULL, &e);
  if (c == NULL) {
    fprintf(stderr, "gen_seeds: %s\n", e.msg);
    exit(1);
  }
  return c;
}

static int add_text (cp_corpus *c, const char *id, const char *text,
                     const cp_meta *m, size_t nm) {
  cp_docin d;
  cp_err e;
  memset(&d, 0, sizeof(d));
  d.id = id;  d.idlen = strlen(id);
  d.text = text;  d.textlen = strlen(text);
  d.meta = m;  d.nmeta = nm;
  if (cp_corpus_add(c, &d, 1, &e) != CP_OK) {
    fprintf(stderr, "gen_seeds: %s: %s\n", id, e.msg);
    return 0;
  }
  return 1;
}

int main (int argc, char **argv) {
  cp_corpus *c;
  cp_err e;
  char *buf, *big;
  size_t len, n;
  int ok = 1;
  cp_meta m[2] = {{"source", 6, CP_MSTR, "fuzz", 4, 0},
                  {"year", 4, CP_MNUM, NULL, 0, 2014}};
  static const char *const cols[] = {"word"};
  static const size_t collens[] = {4};
  if (argc != 3) {
    fprintf(stderr, "usage: gen_seeds REPO_ROOT OUTDIR\n");
    return 2;
  }
  c = fresh();
  ok = add_text(c, "d1", "The coalition forces met in Rome. The ministers "
                "agreed!\n\nA new paragraph: fighters, forces (2014).", m, 2) &&
       add_text(c, "d2", "caf\xc3\xa9 CAFE\xcc\x81 na\xc3\xafve \xff words; "
                "3.5 million.", m, 1) &&
       add_text(c, "d3", "Defeat, defeated, defeating -- the the the.", NULL, 0) &&
       put(c, argv[2], "text");
  cp_corpus_free(c);

  c = fresh();
  if ((buf = slurp(argv[1], "fuzz/seeds/conllu/c2-multiword", &len)) == NULL ||
      cp_corpus_add_conllu(c, buf, len, "doc", 3, m, 1, &n, &e) != CP_OK) {
    fprintf(stderr, "gen_seeds: conllu: %s\n", buf ? e.msg : "no input");
    ok = 0;
  }
  else ok = put(c, argv[2], "conllu") && ok;
  cp_corpus_free(c);
  free(buf);

  c = fresh();
  /* the VRT seeds start with the byte that picks fuzz_vrt's columns */
  if ((buf = slurp(argv[1], "fuzz/seeds/vrt/v2-word-nested", &len)) == NULL ||
      len < 1 || cp_corpus_add_vrt(c, buf + 1, len - 1, "doc", 3, cols,
                                   collens, 1, NULL, 0, &n, &e) != CP_OK) {
    fprintf(stderr, "gen_seeds: vrt: %s\n", buf ? e.msg : "no input");
    ok = 0;
  }
  else ok = put(c, argv[2], "vrt") && ok;
  cp_corpus_free(c);
  free(buf);

  c = fresh();
  if ((big = (char *)malloc(1024)) == NULL) return 1;
  memset(big, 0, 1024);
  memcpy(big, "short ", 6);
  memset(big + 6, 'x', 300);            /* a 300-byte token */
  memset(big + 306, ' ', 300);          /* a 300-byte gap */
  memcpy(big + 606, "end.", 4);
  ok = add_text(c, "long", big, m, 1) && add_text(c, "empty", "", NULL, 0) &&
       add_text(c, "after", "after the empty one", NULL, 0) &&
       put(c, argv[2], "spans") && ok;
  cp_corpus_free(c);
  free(big);
  return ok ? 0 : 1;
}
