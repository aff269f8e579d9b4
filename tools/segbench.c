/*
** segbench.c -- segment build throughput (tokenize + all layers +
** positions + stored text + finish), single thread.
**
**   make && cc -O2 -Icsrc tools/segbench.c build/libcorpus.a \
**        -lutf8proc -lstemmer -lxxhash -lpcre2-8 -lm -o build/segbench
**   python3 tools/segbench_extract.py /tmp/ungdc.bin FILES
**        (FILES: the ungdc JSON-lines files of ../shared/corpora)
**   build/segbench [-seg MB] [-tok] [-check] [-o out.seg] /tmp/ungdc.bin
**
** The input holds records "u32 idlen, id, u32 textlen, text" (written by
** tools/segbench_extract.py, so JSON decoding is not timed).  Documents
** go into one builder; with -seg MB a segment is finished whenever that
** many text bytes were added (as the corpus would seal segments).
** Prints text MB/s and tokens/s for add+finish, the image size, and with
** -tok the time of repair+tokenize alone for comparison; -check opens
** and fully checks every image (outside the timing).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include "analysis.h"
#include "seg.h"
#include "tok.h"

static double now (void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU seconds (user + system) of this process, and minor page faults:
** the machine is shared, so wall time alone is noisy */
static double cpu (long *minflt) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  if (minflt) *minflt = ru.ru_minflt;
  return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

typedef struct rec { const char *id, *text; uint32_t idlen, len; } rec;

static uint32_t rd32 (const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

int main (int argc, char **argv) {
  FILE *f;
  unsigned char *data;
  long size;
  rec *recs = NULL;
  size_t nrec = 0, cap = 0, pos = 0, i, segbytes = 0, cur = 0;
  int a, dotok = 0, docheck = 0;
  const char *path = NULL, *outpath = NULL;
  cp_err e;
  cp_an *an;
  cp_segw *w;
  double t0, t1, tfin = 0, bytes = 0, c0, c1;
  long f0, f1;
  uint64_t ntok = 0, imgbytes = 0;
  int nseg = 0;
  for (a = 1; a < argc; a++) {
    if (strcmp(argv[a], "-seg") == 0 && a + 1 < argc)
      segbytes = (size_t)atol(argv[++a]) << 20;
    else if (strcmp(argv[a], "-tok") == 0) dotok = 1;
    else if (strcmp(argv[a], "-check") == 0) docheck = 1;
    else if (strcmp(argv[a], "-o") == 0 && a + 1 < argc) outpath = argv[++a];
    else path = argv[a];
  }
  if (path == NULL || (f = fopen(path, "rb")) == NULL) {
    fprintf(stderr, "usage: segbench [-seg MB] [-tok] [-o out.seg] file.bin\n");
    return 2;
  }
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  fseek(f, 0, SEEK_SET);
  data = (unsigned char *)malloc((size_t)size);
  if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) return 1;
  fclose(f);
  while (pos + 8 <= (size_t)size) {
    rec r;
    r.idlen = rd32(data + pos);  r.id = (const char *)data + pos + 4;
    pos += 4 + r.idlen;
    r.len = rd32(data + pos);  r.text = (const char *)data + pos + 4;
    pos += 4 + r.len;
    if (nrec == cap) {
      cap = cap ? 2 * cap : 1024;
      recs = (rec *)realloc(recs, cap * sizeof(rec));
    }
    recs[nrec++] = r;
    bytes += r.len;
  }
  an = cp_an_new("english", &e);
  w = cp_segw_new(an, CP_TOK_CORPUS, &e);
  t0 = now();
  c0 = cpu(&f0);
  for (i = 0; i <= nrec; i++) {
    if (i == nrec || (segbytes && cur >= segbytes)) {
      void *img;
      size_t isz;
      double tf = now();
      ntok += cp_segw_ntokens(w);
      if (cp_segw_finish(w, &img, &isz, &e) != CP_OK) {
        fprintf(stderr, "finish: %s\n", e.msg);
        return 1;
      }
      tfin += now() - tf;
      imgbytes += isz;
      nseg++;
      if (outpath && i == nrec) {
        FILE *o = fopen(outpath, "wb");
        if (o) { fwrite(img, 1, isz, o);  fclose(o); }
      }
      if (docheck) {   /* not timed */
        cp_seg *sg;
        double tc = now(), cc = cpu(NULL);
        double to;
        if (cp_seg_open(&sg, img, isz, &e) != CP_OK) {
          fprintf(stderr, "segment %d: %s\n", nseg, e.msg);
          return 1;
        }
        to = now() - tc;
        if (cp_seg_check(sg, &e) != CP_OK) {
          fprintf(stderr, "segment %d: %s\n", nseg, e.msg);
          return 1;
        }
        printf("segment %d: %u docs, %u tokens, %u/%u/%u types, %zu bytes: "
               "open %.3f s, check ok %.3f s\n", nseg, cp_seg_ndocs(sg),
               cp_seg_ntokens(sg), cp_seg_ntypes(sg, CP_WORD),
               cp_seg_ntypes(sg, CP_NORM), cp_seg_ntypes(sg, CP_STEM), isz,
               to, now() - tc - to);
        cp_seg_close(sg);
        t0 += now() - tc;
        c0 += cpu(NULL) - cc;
      }
      free(img);
      cur = 0;
      if (i == nrec) break;
    }
    if (cp_segw_add(w, recs[i].id, recs[i].idlen, recs[i].text, recs[i].len,
                    NULL, 0, &e) != CP_OK) {
      fprintf(stderr, "add: %s\n", e.msg);
      return 1;
    }
    cur += recs[i].len;
  }
  t1 = now();
  c1 = cpu(&f1);
  printf("build: %zu docs, %.1f MB, %llu tokens, %d segment(s), image %.1f MB "
         "(%.2fx text)\n", nrec, bytes / 1e6, (unsigned long long)ntok, nseg,
         imgbytes / 1e6, imgbytes / bytes);
  printf("build: %.3f s (finish %.3f s) = %.1f MB/s, %.2f M tokens/s\n",
         t1 - t0, tfin, bytes / 1e6 / (t1 - t0), ntok / 1e6 / (t1 - t0));
  printf("build: cpu %.3f s = %.1f MB/s; %ld minor page faults\n", c1 - c0,
         bytes / 1e6 / (c1 - c0), f1 - f0);
  if (dotok) {
    cp_tokvec tv = {NULL, 0, 0};
    uint64_t nt = 0;
    t0 = now();
    c0 = cpu(NULL);
    for (i = 0; i < nrec; i++) {
      char *fx = NULL;
      size_t fl, ni;
      cp_utf8_repair(recs[i].text, recs[i].len, &fx, &fl, &ni, &e);
      cp_tok_run(fx ? fx : recs[i].text, fx ? fl : recs[i].len, CP_TOK_CORPUS,
                 &tv, &e);
      nt += tv.n;
      free(fx);
    }
    t1 = now();
    c1 = cpu(NULL);
    printf("tokenize only: %.3f s = %.1f MB/s, cpu %.3f s = %.1f MB/s "
           "(%llu tokens)\n", t1 - t0, bytes / 1e6 / (t1 - t0), c1 - c0,
           bytes / 1e6 / (c1 - c0), (unsigned long long)nt);
    cp_tokvec_free(&tv);
  }
  cp_segw_free(w);
  cp_an_free(an);
  free(recs);
  free(data);
  return 0;
}
