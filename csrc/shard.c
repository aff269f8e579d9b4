/*
** shard.c -- sharded indexes (shard.h): the SHARDS manifest, opening
** the shards as one corpus, and publishing a new set.
**
** SHARDS is a small text file, lines ending in LF, fields separated by
** one space (the same conventions as MANIFEST, manifest.c):
**
**   corpus-shards 1              magic and format version
**   language english             libstemmer name shared by every shard
**   mode 0                       tokenizer mode shared by every shard
**   shards 4                     how many "shard" lines follow
**   shard NAME GENERATION DOCS   a directory under shards/, the commit
**   ...                          generation published, its documents
**   checksum XXH64               of every byte before this line
**
** Numbers are decimal without sign or leading zeros.  Anything else is
** CP_ECORRUPT; another version is CP_EVERSION.  Readers never see a
** partial SHARDS: it is written to SHARDS.tmp, fsync'd, renamed, and the
** directory fsync'd.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <xxhash.h>

#include "index.h"
#include "manifest.h"
#include "shard.h"

#define SHARDS      "SHARDS"
#define SHARDS_TMP  "SHARDS.tmp"
#define SHARDS_DIR  "shards"
#define MAGIC       "corpus-shards"
#define MAX_FILE    ((off_t)64 << 20)
#define NAMEMAX     64

typedef struct shent {
  char name[NAMEMAX + 1];
  uint64_t gen, docs;
  size_t seg0;        /* its first segment in the opened corpus */
  cp_index *ix;
} shent;

struct cp_shards {
  char *path;
  char language[64];
  int mode;
  shent *sh;
  size_t n;
};


/* {================================================================
** Names and paths
** ================================================================= */

int cp_shards_valid_name (const char *s, size_t n) {
  size_t i;
  if (s == NULL || n == 0 || n > NAMEMAX) return 0;
  if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
    return 0;
  for (i = 0; i < n; i++) {
    char ch = s[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
          || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-'))
      return 0;
  }
  return 1;
}

/* "path/rest" (and "/rest2" when given), malloc'd */
static char *join (const char *path, const char *rest, const char *rest2) {
  size_t n = strlen(path) + strlen(rest) + (rest2 ? strlen(rest2) + 1 : 0) + 2;
  char *s = malloc(n);
  if (s == NULL) return NULL;
  if (rest2) snprintf(s, n, "%s/%s/%s", path, rest, rest2);
  else snprintf(s, n, "%s/%s", path, rest);
  return s;
}

int cp_shards_is (const char *path) {
  struct stat st;
  char *p;
  int r;
  if (path == NULL) return 0;
  p = join(path, SHARDS, NULL);
  if (p == NULL) return 0;
  r = stat(p, &st) == 0 && S_ISREG(st.st_mode);
  free(p);
  return r;
}

/* }================================================================ */


/* {================================================================
** The SHARDS file
** ================================================================= */

/* parse a decimal without sign or leading zeros; 0 on success */
static int num (const char *s, size_t n, uint64_t max, uint64_t *out) {
  uint64_t v = 0;
  size_t i;
  if (n == 0 || n > 20 || (n > 1 && s[0] == '0')) return -1;
  for (i = 0; i < n; i++) {
    unsigned d;
    if (s[i] < '0' || s[i] > '9') return -1;
    d = (unsigned)(s[i] - '0');
    if (v > (max - d) / 10) return -1;
    v = v * 10 + d;
  }
  *out = v;
  return 0;
}

typedef struct lines {
  const char *p, *end;
  const char *f[4];  size_t fl[4];  /* fields of the current line */
  int nf;
} lines;

/* next line split into at most 4 fields; -1 at the end or on a line
** that is not LF-terminated or has empty fields */
static int next_line (lines *ln) {
  const char *e, *q;
  if (ln->p >= ln->end) return -1;
  e = memchr(ln->p, '\n', (size_t)(ln->end - ln->p));
  if (e == NULL) return -1;
  ln->nf = 0;
  for (q = ln->p; q <= e; ) {
    const char *sp = q;
    while (sp < e && *sp != ' ') sp++;
    if (sp == q || ln->nf == 4) return -1;
    ln->f[ln->nf] = q; ln->fl[ln->nf] = (size_t)(sp - q); ln->nf++;
    q = sp + 1;
    if (sp == e) break;
  }
  ln->p = e + 1;
  return 0;
}

static int is (const lines *ln, int i, const char *word) {
  return ln->fl[i] == strlen(word) && memcmp(ln->f[i], word, ln->fl[i]) == 0;
}

static int parse (cp_shards *sh, const char *buf, size_t len,
                  const char *fname, cp_err *err) {
  lines ln;
  const char *last;
  uint64_t v, count, i, hash;
  size_t k;
#define BAD(what) cp_err_set(err, CP_ECORRUPT, "%s: %s", fname, what)
  if (len == 0 || buf[len - 1] != '\n') return BAD("truncated");
  /* the checksum line covers every byte before it */
  last = buf + len - 1;
  while (last > buf && last[-1] != '\n') last--;
  ln.p = last; ln.end = buf + len;
  if (next_line(&ln) != 0 || ln.nf != 2 || !is(&ln, 0, "checksum")
      || ln.fl[1] != 16)
    return BAD("no checksum line");
  hash = 0;
  for (k = 0; k < 16; k++) {
    char ch = ln.f[1][k];
    int d = (ch >= '0' && ch <= '9') ? ch - '0'
          : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10 : -1;
    if (d < 0) return BAD("bad checksum");
    hash = hash << 4 | (uint64_t)d;
  }
  if (XXH64(buf, (size_t)(last - buf), 0) != hash)
    return BAD("checksum mismatch (file damaged)");
  ln.p = buf; ln.end = last;
  if (next_line(&ln) != 0 || ln.nf != 2 || !is(&ln, 0, MAGIC))
    return BAD("not a SHARDS manifest");
  if (num(ln.f[1], ln.fl[1], UINT32_MAX, &v) != 0) return BAD("bad version");
  if (v != CP_SHARDS_VERSION)
    return cp_err_set(err, CP_EVERSION, "%s: format version %llu, this "
                      "library reads %d", fname, (unsigned long long)v,
                      CP_SHARDS_VERSION);
  if (next_line(&ln) != 0 || ln.nf != 2 || !is(&ln, 0, "language")
      || ln.fl[1] >= sizeof(sh->language))
    return BAD("bad language line");
  memcpy(sh->language, ln.f[1], ln.fl[1]);
  sh->language[ln.fl[1]] = '\0';
  if (next_line(&ln) != 0 || ln.nf != 2 || !is(&ln, 0, "mode")
      || num(ln.f[1], ln.fl[1], 1, &v) != 0)
    return BAD("bad mode line");
  sh->mode = (int)v;
  if (next_line(&ln) != 0 || ln.nf != 2 || !is(&ln, 0, "shards")
      || num(ln.f[1], ln.fl[1], CP_SHARDS_MAX, &count) != 0)
    return BAD("bad shards line");
  sh->sh = calloc((size_t)count + 1, sizeof(shent));
  if (sh->sh == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
  for (i = 0; i < count; i++) {
    shent *e = &sh->sh[i];
    size_t j;
    if (next_line(&ln) != 0 || ln.nf != 4 || !is(&ln, 0, "shard")
        || !cp_shards_valid_name(ln.f[1], ln.fl[1])
        || num(ln.f[2], ln.fl[2], UINT64_MAX, &e->gen) != 0
        || num(ln.f[3], ln.fl[3], UINT64_MAX, &e->docs) != 0)
      return BAD("bad shard line");
    memcpy(e->name, ln.f[1], ln.fl[1]);
    e->name[ln.fl[1]] = '\0';
    for (j = 0; j < i; j++)
      if (strcmp(sh->sh[j].name, e->name) == 0) return BAD("a shard is named twice");
    sh->n++;
  }
  if (ln.p != ln.end) return BAD("trailing lines");
  return CP_OK;
#undef BAD
}

static int read_all (const char *file, char **buf, size_t *len, cp_err *err) {
  struct stat st;
  size_t got = 0;
  int fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  *buf = NULL; *len = 0;
  if (fd < 0) {
    int en = errno;
    return cp_err_set(err, en == ENOENT ? CP_ENOENT : CP_EIO, "%s: %s", file,
                      en == ENOENT ? "not a sharded index (no SHARDS)"
                                   : strerror(en));
  }
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_FILE) {
    close(fd);
    return cp_err_set(err, CP_ECORRUPT, "%s: not a regular file of "
                      "plausible size", file);
  }
  *buf = malloc((size_t)st.st_size + 1);
  if (*buf == NULL) { close(fd); return cp_err_set(err, CP_ENOMEM, "out of memory"); }
  while (got < (size_t)st.st_size) {
    ssize_t k = read(fd, *buf + got, (size_t)st.st_size - got);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    got += (size_t)k;
  }
  close(fd);
  *len = got;
  return CP_OK;
}

static int write_shards (const char *path, const cp_shards *sh, cp_err *err) {
  size_t cap = 256 + sh->n * (NAMEMAX + 48), len = 0, i;
  char *text = malloc(cap), *tmp = join(path, SHARDS_TMP, NULL),
       *dst = join(path, SHARDS, NULL);
  int rc = CP_OK, fd = -1;
  if (text == NULL || tmp == NULL || dst == NULL) {
    rc = cp_err_set(err, CP_ENOMEM, "out of memory");
    goto done;
  }
  len += (size_t)snprintf(text + len, cap - len, "%s %d\nlanguage %s\nmode %d\n"
                          "shards %zu\n", MAGIC, CP_SHARDS_VERSION,
                          sh->language, sh->mode, sh->n);
  for (i = 0; i < sh->n; i++)
    len += (size_t)snprintf(text + len, cap - len, "shard %s %llu %llu\n",
                            sh->sh[i].name, (unsigned long long)sh->sh[i].gen,
                            (unsigned long long)sh->sh[i].docs);
  len += (size_t)snprintf(text + len, cap - len, "checksum %016llx\n",
                          (unsigned long long)XXH64(text, len, 0));
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) { rc = cp_err_set(err, CP_EIO, "%s: %s", tmp, strerror(errno)); goto done; }
  {
    size_t off = 0;
    while (off < len) {
      ssize_t k = write(fd, text + off, len - off);
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) { rc = cp_err_set(err, CP_EIO, "%s: %s", tmp, strerror(errno)); goto done; }
      off += (size_t)k;
    }
  }
  if (fsync(fd) != 0) { rc = cp_err_set(err, CP_EIO, "%s: fsync: %s", tmp, strerror(errno)); goto done; }
  close(fd); fd = -1;
  if (rename(tmp, dst) != 0) { rc = cp_err_set(err, CP_EIO, "%s: rename: %s", dst, strerror(errno)); goto done; }
  fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || fsync(fd) != 0)
    rc = cp_err_set(err, CP_EIO, "%s: fsync: %s", path, strerror(errno));
done:
  if (fd >= 0) close(fd);
  if (rc != CP_OK && tmp != NULL) unlink(tmp);
  free(text); free(tmp); free(dst);
  return rc;
}

/* }================================================================ */


/* {================================================================
** Opening
** ================================================================= */

void cp_shards_close (cp_shards *sh) {
  size_t i;
  if (sh == NULL) return;
  for (i = 0; i < sh->n; i++) cp_index_close(sh->sh[i].ix);
  free(sh->sh);
  free(sh->path);
  free(sh);
}

static cp_shards *shards_new (const char *path, cp_err *err) {
  cp_shards *sh = calloc(1, sizeof(*sh));
  size_t n = strlen(path);
  if (sh == NULL || (sh->path = malloc(n + 1)) == NULL) {
    free(sh);
    cp_err_set(err, CP_ENOMEM, "out of memory");
    return NULL;
  }
  memcpy(sh->path, path, n + 1);
  while (n > 1 && sh->path[n - 1] == '/') sh->path[--n] = '\0';
  return sh;
}

/* attach every shard of 'sh' to a new corpus; with 'check' run the
** full check on each first and take generations and sizes from disk */
static int open_all (cp_shards *sh, int check, cp_corpus **cp, cp_err *err) {
  cp_opts o;
  cp_corpus *c;
  size_t i;
  int rc = CP_OK;
  memset(&o, 0, sizeof(o));
  o.language = sh->language;
  o.mode = sh->mode;
  c = cp_corpus_new(&o, err);
  if (c == NULL) return err ? err->code : CP_ENOMEM;
  cp_corpus_set_automerge(c, 0);     /* segment ranges map to shards */
  for (i = 0; i < sh->n && rc == CP_OK; i++) {
    shent *e = &sh->sh[i];
    char *dir = join(sh->path, SHARDS_DIR, e->name);
    size_t before = cp_corpus_nsegs(c), k;
    uint64_t docs = 0;
    if (dir == NULL) { rc = cp_err_set(err, CP_ENOMEM, "out of memory"); break; }
    e->seg0 = before;
    rc = cp_index_open_into(dir, c, &e->ix, err);
    if (rc == CP_ENOENT)
      rc = cp_err_set(err, CP_ECORRUPT, "%s: shard '%s' named by %s/%s is "
                      "missing (%s)", sh->path, e->name, sh->path, SHARDS,
                      err ? err->msg : "");
    free(dir);
    if (rc != CP_OK) break;
    for (k = before; k < cp_corpus_nsegs(c); k++)
      docs += cp_seg_ndocs(cp_corpus_seg(c, k));
    if (check) {
      e->gen = cp_index_generation(e->ix);
      e->docs = docs;
    } else if (cp_index_generation(e->ix) != e->gen || docs != e->docs)
      rc = cp_err_set(err, CP_ECORRUPT, "%s: shard '%s' is at generation "
                      "%llu with %llu documents; %s published generation %llu "
                      "with %llu (publish the shards again)", sh->path,
                      e->name, (unsigned long long)cp_index_generation(e->ix),
                      (unsigned long long)docs, SHARDS,
                      (unsigned long long)e->gen, (unsigned long long)e->docs);
  }
  if (rc != CP_OK) { cp_corpus_free(c); return rc; }
  cp_corpus_set_readonly(c, 1);
  *cp = c;
  return CP_OK;
}

static void close_shard_indexes (cp_shards *sh) {
  size_t i;
  for (i = 0; i < sh->n; i++) { cp_index_close(sh->sh[i].ix); sh->sh[i].ix = NULL; }
}

int cp_shards_open (const char *path, cp_shards **shp, cp_corpus **cp,
                    cp_err *err) {
  cp_shards *sh;
  char *file, *buf;
  size_t len;
  int rc;
  if (path == NULL || shp == NULL || cp == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_shards_open: NULL argument");
  *shp = NULL; *cp = NULL;
  sh = shards_new(path, err);
  if (sh == NULL) return CP_ENOMEM;
  file = join(sh->path, SHARDS, NULL);
  if (file == NULL) { cp_shards_close(sh); return cp_err_set(err, CP_ENOMEM, "out of memory"); }
  rc = read_all(file, &buf, &len, err);
  if (rc == CP_OK) rc = parse(sh, buf, len, file, err);
  free(buf);
  free(file);
  if (rc == CP_OK) rc = open_all(sh, 0, cp, err);
  if (rc != CP_OK) { close_shard_indexes(sh); cp_shards_close(sh); return rc; }
  *shp = sh;
  return CP_OK;
}

size_t cp_shards_count (const cp_shards *sh) { return sh ? sh->n : 0; }
const char *cp_shards_path (const cp_shards *sh) { return sh ? sh->path : NULL; }

const char *cp_shards_name (const cp_shards *sh, size_t i) {
  return (sh != NULL && i < sh->n) ? sh->sh[i].name : NULL;
}

uint64_t cp_shards_generation (const cp_shards *sh, size_t i) {
  return (sh != NULL && i < sh->n) ? sh->sh[i].gen : 0;
}

uint64_t cp_shards_docs (const cp_shards *sh, size_t i) {
  return (sh != NULL && i < sh->n) ? sh->sh[i].docs : 0;
}

/* }================================================================ */


/* {================================================================
** Publishing
** ================================================================= */

/* the shard holding segment 'seg' of the opened corpus */
static size_t shard_of_seg (const cp_shards *sh, size_t seg) {
  size_t i = 0;
  while (i + 1 < sh->n && sh->sh[i + 1].seg0 <= seg) i++;
  return i;
}

/*
** Ids must be unique across shards, as they are within one index.  An
** open-addressing table of XXH64(id) -> (segment, local doc), strings
** compared on a hash match.
*/
static int check_ids (const cp_shards *sh, cp_corpus *c, cp_err *err) {
  typedef struct slot { uint64_t h; uint32_t seg, doc; int used; } slot;
  uint64_t total = 0;
  size_t ns = cp_corpus_nsegs(c), cap = 16, i, mask;
  slot *t;
  int rc = CP_OK;
  for (i = 0; i < ns; i++) total += cp_seg_ndocs(cp_corpus_seg(c, i));
  while (cap < total * 2) cap <<= 1;
  t = calloc(cap, sizeof(slot));
  if (t == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
  mask = cap - 1;
  for (i = 0; i < ns && rc == CP_OK; i++) {
    const cp_seg *s = cp_corpus_seg(c, i);
    uint32_t d;
    for (d = 0; d < cp_seg_ndocs(s) && rc == CP_OK; d++) {
      cp_docinfo di;
      uint64_t h;
      size_t k;
      if (cp_corpus_is_deleted(c, i, d)) continue;
      rc = cp_seg_doc_head(s, d, &di);
      if (rc != CP_OK) break;
      h = XXH64(di.id, di.idlen, 0);
      for (k = (size_t)h & mask; t[k].used; k = (k + 1) & mask) {
        cp_docinfo o;
        if (t[k].h != h) continue;
        rc = cp_seg_doc_head(cp_corpus_seg(c, t[k].seg), t[k].doc, &o);
        if (rc == CP_OK && o.idlen == di.idlen
            && memcmp(o.id, di.id, di.idlen) == 0)
          rc = cp_err_set(err, CP_EEXIST, "%s: id '%.*s' is in shard '%s' "
                          "and in shard '%s'", sh->path, (int)di.idlen, di.id,
                          sh->sh[shard_of_seg(sh, t[k].seg)].name,
                          sh->sh[shard_of_seg(sh, i)].name);
        if (rc != CP_OK) break;
      }
      if (rc == CP_OK) {
        t[k].used = 1; t[k].h = h; t[k].seg = (uint32_t)i; t[k].doc = d;
      }
    }
  }
  free(t);
  return rc;
}

int cp_shards_publish (const char *path, const char *const *names, size_t n,
                       unsigned flags, cp_err *err) {
  cp_shards *sh;
  cp_corpus *c = NULL;
  size_t i;
  int rc = CP_OK;
  if (path == NULL || (names == NULL && n > 0))
    return cp_err_set(err, CP_EINVAL, "cp_shards_publish: NULL argument");
  if (n == 0 || n > CP_SHARDS_MAX)
    return cp_err_set(err, CP_EINVAL, "cp_shards_publish: %zu shards (1 to %d)",
                      n, CP_SHARDS_MAX);
  sh = shards_new(path, err);
  if (sh == NULL) return CP_ENOMEM;
  sh->sh = calloc(n, sizeof(shent));
  if (sh->sh == NULL) rc = cp_err_set(err, CP_ENOMEM, "out of memory");
  for (i = 0; i < n && rc == CP_OK; i++) {
    size_t j, len = names[i] ? strlen(names[i]) : 0;
    if (!cp_shards_valid_name(names[i], len))
      rc = cp_err_set(err, CP_EINVAL, "cp_shards_publish: bad shard name '%s' "
                      "(letters, digits, '_', '.', '-'; at most %d)",
                      names[i] ? names[i] : "(null)", NAMEMAX);
    for (j = 0; j < i && rc == CP_OK; j++)
      if (strcmp(sh->sh[j].name, names[i]) == 0)
        rc = cp_err_set(err, CP_EINVAL, "cp_shards_publish: shard '%s' named "
                        "twice", names[i]);
    if (rc == CP_OK) { memcpy(sh->sh[i].name, names[i], len + 1); sh->n++; }
  }
  /* language and mode agree (and, on request, every shard checked) */
  for (i = 0; i < n && rc == CP_OK; i++) {
    char *dir = join(sh->path, SHARDS_DIR, sh->sh[i].name);
    cp_index *ix = NULL;
    cp_corpus *one = NULL;
    cp_check_report r;
    if (dir == NULL) { rc = cp_err_set(err, CP_ENOMEM, "out of memory"); break; }
    rc = cp_index_open(dir, 0, &ix, &one, err);
    if (rc == CP_OK && (flags & CP_SHARDS_CHECK))
      rc = cp_index_check(ix, one, &r, err);
    if (rc == CP_OK) {
      const char *lang = cp_corpus_language(one);
      if (i == 0) {
        snprintf(sh->language, sizeof(sh->language), "%s", lang);
        sh->mode = cp_corpus_mode(one);
      } else if (strcmp(lang, sh->language) != 0 || cp_corpus_mode(one) != sh->mode)
        rc = cp_err_set(err, CP_EINVAL, "%s: language '%s' mode %d, shard '%s' "
                        "has '%s' mode %d", dir, lang, cp_corpus_mode(one),
                        sh->sh[0].name, sh->language, sh->mode);
    }
    cp_corpus_free(one);
    cp_index_close(ix);
    free(dir);
  }
  if (rc == CP_OK) rc = open_all(sh, 1, &c, err);
  if (rc == CP_OK) rc = check_ids(sh, c, err);
  if (rc == CP_OK) rc = write_shards(sh->path, sh, err);
  cp_corpus_free(c);
  close_shard_indexes(sh);
  cp_shards_close(sh);
  return rc;
}

/* }================================================================ */


/* {================================================================
** Merging shards by linking their segment files
** ================================================================= */

/* link src to dst, or copy it (another file system) and fsync */
static int link_or_copy (const char *src, const char *dst, cp_err *err) {
  char buf[1 << 16];
  int in, out, rc = CP_OK;
  if (link(src, dst) == 0) return CP_OK;
  in = open(src, O_RDONLY | O_CLOEXEC);
  if (in < 0) return cp_err_set(err, CP_EIO, "%s: %s", src, strerror(errno));
  out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (out < 0) {
    close(in);
    return cp_err_set(err, CP_EIO, "%s: %s", dst, strerror(errno));
  }
  for (;;) {
    ssize_t k = read(in, buf, sizeof(buf)), off = 0;
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) { rc = cp_err_set(err, CP_EIO, "%s: %s", src, strerror(errno)); break; }
    if (k == 0) break;
    while (off < k) {
      ssize_t w = write(out, buf + off, (size_t)(k - off));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) { rc = cp_err_set(err, CP_EIO, "%s: %s", dst, strerror(errno)); break; }
      off += w;
    }
    if (rc != CP_OK) break;
  }
  if (rc == CP_OK && fsync(out) != 0)
    rc = cp_err_set(err, CP_EIO, "%s: fsync: %s", dst, strerror(errno));
  close(in);
  close(out);
  return rc;
}

static int write_synced (const char *file, const char *text, size_t len,
                         cp_err *err) {
  size_t off = 0;
  int rc = CP_OK, fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return cp_err_set(err, CP_EIO, "%s: %s", file, strerror(errno));
  while (off < len && rc == CP_OK) {
    ssize_t k = write(fd, text + off, len - off);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) rc = cp_err_set(err, CP_EIO, "%s: %s", file, strerror(errno));
    else off += (size_t)k;
  }
  if (rc == CP_OK && fsync(fd) != 0)
    rc = cp_err_set(err, CP_EIO, "%s: fsync: %s", file, strerror(errno));
  close(fd);
  return rc;
}

static int sync_path (const char *dir, cp_err *err) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = CP_OK;
  if (fd < 0 || fsync(fd) != 0)
    rc = cp_err_set(err, CP_EIO, "%s: fsync: %s", dir, strerror(errno));
  if (fd >= 0) close(fd);
  return rc;
}

/* remove a directory of plain files (a failed merge's temporary) */
static void remove_tree (const char *dir, const cp_man *m) {
  size_t i;
  char *f;
  for (i = 0; i < m->nsegs; i++) {
    f = join(dir, m->segs[i].name, NULL);
    if (f) { unlink(f); free(f); }
  }
  f = join(dir, "MANIFEST", NULL);
  if (f) { unlink(f); free(f); }
  f = join(dir, "LOCK", NULL);
  if (f) { unlink(f); free(f); }
  rmdir(dir);
}

int cp_shards_merge (const char *path, const char *const *names, size_t n,
                     const char *dst, cp_err *err) {
  cp_man out;
  char *sdir = NULL, *tmp = NULL, *final = NULL;
  size_t i, total = 0;
  int rc = CP_OK, made = 0;
  struct stat st;
  if (path == NULL || names == NULL || dst == NULL || n == 0)
    return cp_err_set(err, CP_EINVAL, "cp_shards_merge: NULL or empty argument");
  if (!cp_shards_valid_name(dst, strlen(dst)))
    return cp_err_set(err, CP_EINVAL, "cp_shards_merge: bad shard name '%s'", dst);
  memset(&out, 0, sizeof(out));
  sdir = join(path, SHARDS_DIR, NULL);
  final = join(path, SHARDS_DIR, dst);
  if (sdir == NULL || final == NULL) { rc = cp_err_set(err, CP_ENOMEM, "out of memory"); goto done; }
  {
    size_t len = strlen(final) + 16;
    tmp = malloc(len);
    if (tmp == NULL) { rc = cp_err_set(err, CP_ENOMEM, "out of memory"); goto done; }
    snprintf(tmp, len, "%s.tmp-merge", final);
  }
  if (stat(final, &st) == 0) { rc = cp_err_set(err, CP_EEXIST, "%s: exists", final); goto done; }
  /* the manifests of the sources, concatenated */
  for (i = 0; i < n && rc == CP_OK; i++) {
    cp_man m;
    char *dir, *file, *buf;
    size_t len, j;
    if (!cp_shards_valid_name(names[i], names[i] ? strlen(names[i]) : 0)) {
      rc = cp_err_set(err, CP_EINVAL, "cp_shards_merge: bad shard name '%s'",
                      names[i] ? names[i] : "(null)");
      break;
    }
    dir = join(sdir, names[i], NULL);
    file = dir ? join(dir, "MANIFEST", NULL) : NULL;
    if (file == NULL) { free(dir); rc = cp_err_set(err, CP_ENOMEM, "out of memory"); break; }
    rc = read_all(file, &buf, &len, err);
    if (rc == CP_ENOENT)
      rc = cp_err_set(err, CP_ENOENT, "%s: no such shard", dir);
    if (rc == CP_OK) rc = cp_man_parse(&m, buf, len, file, err);
    free(buf);
    if (rc == CP_OK) {
      if (i == 0) {
        memcpy(out.language, m.language, sizeof(out.language));
        out.mode = m.mode;
        out.analyse = m.analyse;
        memcpy(out.fields, m.fields, sizeof(out.fields));
      } else if (strcmp(out.language, m.language) != 0 || out.mode != m.mode
                 || strcmp(out.fields, m.fields) != 0)
        rc = cp_err_set(err, CP_EINVAL, "%s: language, tokenizer mode or "
                        "indexed fields differ from shard '%s'", dir, names[0]);
      if (rc == CP_OK) {
        cp_man_seg *ns = realloc(out.segs, (out.nsegs + m.nsegs + 1) * sizeof(*ns));
        if (ns == NULL) rc = cp_err_set(err, CP_ENOMEM, "out of memory");
        else {
          out.segs = ns;
          for (j = 0; j < m.nsegs; j++) {
            /* the entry moves, deletion list included; the file is
            ** linked under the merged index's next number */
            char *src = join(dir, m.segs[j].name, NULL);
            ns[out.nsegs] = m.segs[j];
            m.segs[j].del = NULL;
            cp_man_name(ns[out.nsegs].name, total);
            out.nsegs++;
            total++;
            if (src == NULL) { rc = cp_err_set(err, CP_ENOMEM, "out of memory"); break; }
            if (!made) {
              if (mkdir(tmp, 0755) != 0) {
                rc = cp_err_set(err, CP_EIO, "%s: %s", tmp, strerror(errno));
                free(src);
                break;
              }
              made = 1;
            }
            {
              char *to = join(tmp, ns[out.nsegs - 1].name, NULL);
              rc = to ? link_or_copy(src, to, err) : cp_err_set(err, CP_ENOMEM, "out of memory");
              free(to);
            }
            free(src);
            if (rc != CP_OK) break;
          }
        }
      }
      cp_man_clear(&m);
    }
    free(dir);
    free(file);
  }
  if (rc == CP_OK && !made) {
    if (mkdir(tmp, 0755) != 0) rc = cp_err_set(err, CP_EIO, "%s: %s", tmp, strerror(errno));
    else made = 1;
  }
  if (rc == CP_OK) {
    char *text = NULL, *mf = join(tmp, "MANIFEST", NULL);
    size_t len;
    out.gen = 1;
    out.next = total;
    rc = mf ? cp_man_format(&out, &text, &len, err)
            : cp_err_set(err, CP_ENOMEM, "out of memory");
    if (rc == CP_OK) rc = write_synced(mf, text, len, err);
    if (rc == CP_OK) rc = sync_path(tmp, err);
    free(text);
    free(mf);
  }
  if (rc == CP_OK) {   /* the whole check before it is visible */
    cp_index *ix = NULL;
    cp_corpus *c = NULL;
    cp_check_report r;
    rc = cp_index_open(tmp, 0, &ix, &c, err);
    if (rc == CP_OK) rc = cp_index_check(ix, c, &r, err);
    cp_corpus_free(c);
    cp_index_close(ix);
  }
  if (rc == CP_OK && rename(tmp, final) != 0)
    rc = cp_err_set(err, CP_EIO, "%s: rename: %s", final, strerror(errno));
  if (rc == CP_OK) rc = sync_path(sdir, err);
  else if (made) remove_tree(tmp, &out);
done:
  cp_man_clear(&out);
  free(sdir); free(tmp); free(final);
  return rc;
}

/* }================================================================ */
