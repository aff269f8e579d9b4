/*
** index.c -- on-disk indexes: directory, writer lock, commits, mapped
** segments, refresh, merges and the integrity check.
**
** Files in an index directory (docs/FORMAT.md, "Index directory and
** manifest"):
**
**   MANIFEST        the committed state (format: manifest.c)
**   MANIFEST.tmp    a manifest being written (ignored by readers)
**   LOCK            empty; the writer holds flock(LOCK_EX) on it
**   seg-N.cps       immutable segment files (format: seg.c), N = 16 hex
**                   digits, never reused within an index
**
** Commit protocol: new segment files are written and fsync'd, then the
** directory; the new manifest goes to MANIFEST.tmp, is fsync'd and
** renamed over MANIFEST, and the directory is fsync'd again.  A crash
** at any point leaves either the old or the new MANIFEST, and both name
** only complete, fsync'd files.  Files not named by MANIFEST are
** leftovers of a crash or of a merge and are deleted by the writer.
**
** Readers and deletion.  A reader opens every segment file its
** manifest names, takes flock(LOCK_SH) on it and maps it; the fd stays
** open for the life of the map.  The writer deletes a file only after
** taking flock(LOCK_EX|LOCK_NB) on it, so a file some reader maps is
** never deleted under it (it stays until a later commit finds it
** free).  A reader that read manifest generation G and finds a file
** missing before it could lock it re-reads MANIFEST: the file can only
** be gone because a newer commit dropped it, so it retries on the newer
** generation.
**
** The corpus holds the segments; the first m.nsegs of them are the
** committed ones, in manifest order.  Later ones (and pending docs) are
** uncommitted additions; deletions are marks in the corpus, compared
** with the manifest's lists at commit.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <xxhash.h>

#include "index.h"
#include "manifest.h"
#include "merge.h"
#include "segfmt.h"

#define MANIFEST      "MANIFEST"
#define MANIFEST_TMP  "MANIFEST.tmp"
#define LOCKFILE      "LOCK"
#define OPEN_RETRIES  100
#define MAX_MANIFEST  ((off_t)1 << 30)

struct cp_index {
  char *path;
  int dirfd;
  int lockfd;         /* -1 for readers */
  int broken;         /* a failed refresh left the corpus inconsistent */
  cp_man m;           /* the commit the corpus reflects */
  cp_err warn;        /* what went wrong after the last commit was
                         durable (a merge, a directory sync); code 0
                         when nothing did */
};

/* a mapped segment file, before it is handed to the corpus */
typedef struct fmap {
  void *img;
  size_t size;
  int fd;
} fmap;


/* {================================================================
** Files
** ================================================================= */

static int ioerr (cp_err *err, const cp_index *ix, const char *file,
                  const char *what, int en) {
  return cp_err_set(err, en == ENOENT ? CP_ENOENT : CP_EIO, "%s/%s: %s: %s",
                    ix->path, file, what, strerror(en));
}

/* write all of [data, data+n) to a new file and fsync it */
static int write_file (const cp_index *ix, const char *name, const void *data,
                       size_t n, cp_err *err) {
  const char *p = data;
  int fd = openat(ix->dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ioerr(err, ix, name, "create", errno);
  while (n > 0) {
    ssize_t k = write(fd, p, n > ((size_t)1 << 30) ? ((size_t)1 << 30) : n);
    if (k < 0) {
      int en = errno;
      if (en == EINTR) continue;
      close(fd);
      return ioerr(err, ix, name, "write", en);
    }
    p += k; n -= (size_t)k;
  }
  if (fsync(fd) != 0) {
    int en = errno;
    close(fd);
    return ioerr(err, ix, name, "fsync", en);
  }
  if (close(fd) != 0) return ioerr(err, ix, name, "close", errno);
  return CP_OK;
}

/*
** Open an index file for reading, refusing anything but a regular file:
** O_NONBLOCK so that a FIFO planted under the name cannot block the
** open, then fstat.  -1 with errno set (EINVAL for a non-regular file).
*/
static int open_regular (const cp_index *ix, const char *name) {
  struct stat st;
  int fd = openat(ix->dirfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC), fl;
  if (fd < 0) return -1;
  if (fstat(fd, &st) != 0) {
    int en = errno;
    close(fd);
    errno = en;
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    errno = EINVAL;
    return -1;
  }
  fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  return fd;
}

static int sync_dir (const cp_index *ix, cp_err *err) {
  if (fsync(ix->dirfd) != 0) return ioerr(err, ix, ".", "fsync", errno);
  return CP_OK;
}

static void unmap_seg (void *img, size_t size, void *ud) {
  munmap(img, size);
  close((int)(intptr_t)ud - 1);
}

static void fmap_release (fmap *f) {
  if (f->img != NULL) munmap(f->img, f->size);
  if (f->fd >= 0) close(f->fd);
  f->img = NULL; f->fd = -1;
}

/*
** Open, share-lock and map a segment file whose manifest entry is 'sg'.
** CP_ENOENT when the file is missing (the caller decides whether that
** is a newer commit or damage); CP_ECORRUPT when its size differs.
*/
static int map_seg (const cp_index *ix, const cp_man_seg *sg, fmap *f,
                    cp_err *err) {
  struct stat st;
  f->img = NULL; f->size = 0;
  f->fd = open_regular(ix, sg->name);
  if (f->fd < 0) {
    if (errno == EINVAL)
      return cp_err_set(err, CP_ECORRUPT, "%s/%s: not a regular file",
                        ix->path, sg->name);
    return ioerr(err, ix, sg->name, "open", errno);
  }
  while (flock(f->fd, LOCK_SH) != 0) {
    if (errno != EINTR) {
      int en = errno;
      fmap_release(f);
      return ioerr(err, ix, sg->name, "flock", en);
    }
  }
  if (fstat(f->fd, &st) != 0) {
    int en = errno;
    fmap_release(f);
    return ioerr(err, ix, sg->name, "fstat", en);
  }
  if ((uint64_t)st.st_size != sg->size || sg->size == 0) {
    fmap_release(f);
    return cp_err_set(err, CP_ECORRUPT,
                      "%s/%s: file is %llu bytes, manifest says %llu "
                      "(truncated or replaced)", ix->path, sg->name,
                      (unsigned long long)st.st_size,
                      (unsigned long long)sg->size);
  }
  f->img = mmap(NULL, (size_t)sg->size, PROT_READ, MAP_SHARED, f->fd, 0);
  if (f->img == MAP_FAILED) {
    int en = errno;
    f->img = NULL;
    fmap_release(f);
    return ioerr(err, ix, sg->name, "mmap", en);
  }
  f->size = (size_t)sg->size;
  return CP_OK;
}

/* read and parse MANIFEST */
static int read_manifest (const cp_index *ix, cp_man *m, cp_err *err) {
  struct stat st;
  char *buf;
  char fname[4096];
  size_t got = 0;
  int rc, fd = open_regular(ix, MANIFEST);
  memset(m, 0, sizeof(*m));
  if (fd < 0) {
    int en = errno;
    if (en == EINVAL)
      return cp_err_set(err, CP_ECORRUPT, "%s/%s: not a regular file",
                        ix->path, MANIFEST);
    if (en == ENOENT)
      return cp_err_set(err, CP_ENOENT, "%s: not a corpus index (no %s)",
                        ix->path, MANIFEST);
    return ioerr(err, ix, MANIFEST, "open", en);
  }
  if (fstat(fd, &st) != 0) {
    int en = errno;
    close(fd);
    return ioerr(err, ix, MANIFEST, "fstat", en);
  }
  if (st.st_size > MAX_MANIFEST) {
    close(fd);
    return cp_err_set(err, CP_ECORRUPT, "%s/%s: implausible size", ix->path, MANIFEST);
  }
  buf = malloc((size_t)st.st_size + 1);
  if (buf == NULL) { close(fd); return cp_err_set(err, CP_ENOMEM, "out of memory"); }
  while (got < (size_t)st.st_size) {
    ssize_t k = read(fd, buf + got, (size_t)st.st_size - got);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    got += (size_t)k;
  }
  close(fd);
  snprintf(fname, sizeof(fname), "%s/%s", ix->path, MANIFEST);
  rc = cp_man_parse(m, buf, got, fname, err);
  free(buf);
  return rc;
}

/* write 'm' as the new MANIFEST: temp file, fsync, rename, fsync dir */
/*
** Write and rename the manifest into place.  *renamed is set once the
** rename is done: from then on readers see the new commit, whatever
** the directory sync that follows says.
*/
static int write_manifest (const cp_index *ix, const cp_man *m,
                           int *renamed, cp_err *err) {
  char *text;
  size_t len;
  int rc = cp_man_format(m, &text, &len, err);
  *renamed = 0;
  if (rc != CP_OK) return rc;
  rc = write_file(ix, MANIFEST_TMP, text, len, err);
  free(text);
  if (rc != CP_OK) return rc;
  if (renameat(ix->dirfd, MANIFEST_TMP, ix->dirfd, MANIFEST) != 0)
    return ioerr(err, ix, MANIFEST, "rename", errno);
  *renamed = 1;
  return sync_dir(ix, err);
}

/* delete a file if no reader holds it; 0 if deleted */
static int try_unlink (const cp_index *ix, const char *name) {
  int fd = open_regular(ix, name), rc = -1;
  if (fd < 0) return -1;
  if (flock(fd, LOCK_EX | LOCK_NB) == 0)
    rc = unlinkat(ix->dirfd, name, 0);
  close(fd);   /* releases the lock */
  return rc;
}

/*
** Delete segment files the current manifest does not name (left by a
** merge or a crash), unless a reader still maps them.  Writers only.
*/
static void collect_garbage (const cp_index *ix) {
  int fd = openat(ix->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d;
  struct dirent *ent;
  if (fd < 0) return;
  d = fdopendir(fd);
  if (d == NULL) { close(fd); return; }
  while ((ent = readdir(d)) != NULL) {
    size_t i, n = strlen(ent->d_name);
    int named = 0;
    if (strcmp(ent->d_name, MANIFEST_TMP) == 0) {
      unlinkat(ix->dirfd, MANIFEST_TMP, 0);
      continue;
    }
    if (!cp_man_valid_name(ent->d_name, n)) continue;
    for (i = 0; i < ix->m.nsegs && !named; i++)
      named = strcmp(ix->m.segs[i].name, ent->d_name) == 0;
    if (!named) try_unlink(ix, ent->d_name);
  }
  closedir(d);
}

/* }================================================================ */


/* {================================================================
** Opening
** ================================================================= */

static cp_index *ix_new (const char *path, cp_err *err) {
  cp_index *ix = calloc(1, sizeof(*ix));
  size_t n = strlen(path);
  if (ix == NULL || (ix->path = malloc(n + 1)) == NULL) {
    free(ix);
    cp_err_set(err, CP_ENOMEM, "out of memory");
    return NULL;
  }
  memcpy(ix->path, path, n + 1);
  while (n > 1 && ix->path[n - 1] == '/') ix->path[--n] = '\0';
  ix->dirfd = ix->lockfd = -1;
  return ix;
}

void cp_index_close (cp_index *ix) {
  if (ix == NULL) return;
  if (ix->lockfd >= 0) close(ix->lockfd);   /* releases the lock */
  if (ix->dirfd >= 0) close(ix->dirfd);
  cp_man_clear(&ix->m);
  free(ix->path);
  free(ix);
}

static int take_lock (cp_index *ix, cp_err *err) {
  ix->lockfd = openat(ix->dirfd, LOCKFILE, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (ix->lockfd < 0) return ioerr(err, ix, LOCKFILE, "open", errno);
  while (flock(ix->lockfd, LOCK_EX | LOCK_NB) != 0) {
    int en = errno;
    if (en == EINTR) continue;
    close(ix->lockfd);
    ix->lockfd = -1;
    if (en == EWOULDBLOCK)
      return cp_err_set(err, CP_ELOCKED,
                        "index '%s' is locked by another writer", ix->path);
    return ioerr(err, ix, LOCKFILE, "flock", en);
  }
  return CP_OK;
}

/* apply the manifest's deletion lists of segments [from, nsegs) */
static int apply_deletions (const cp_man *m, size_t from, cp_corpus *c,
                            cp_err *err) {
  size_t i;
  uint32_t j;
  for (i = from; i < m->nsegs; i++) {
    uint64_t base = cp_corpus_doc_base(c, i);
    for (j = 0; j < m->segs[i].ndel; j++) {
      int rc = cp_corpus_delete(c, base + m->segs[i].del[j], err);
      if (rc != CP_OK) return rc;
    }
  }
  return CP_OK;
}

static int verify_hash (const cp_index *ix, const cp_man_seg *sg,
                        const void *img, size_t size, cp_err *err) {
  if (size != sg->size)
    return cp_err_set(err, CP_ECORRUPT, "%s/%s: mapped %zu bytes, manifest "
                      "says %llu", ix->path, sg->name, size,
                      (unsigned long long)sg->size);
  if (XXH64(img, size, 0) != sg->hash)
    return cp_err_set(err, CP_ECORRUPT, "%s/%s: checksum mismatch (file "
                      "damaged)", ix->path, sg->name);
  return CP_OK;
}

/*
** Map segments [from, m->nsegs) of 'm' and check them (structure, doc
** count; with 'verify' also the checksum).  On success maps[] holds
** them; on error nothing stays mapped.  CP_ENOENT means a file is
** missing.
*/
static int map_all (const cp_index *ix, const cp_man *m, size_t from,
                    int verify, fmap *maps, cp_err *err) {
  size_t i, j;
  int rc = CP_OK;
  for (i = from; i < m->nsegs && rc == CP_OK; i++) {
    const cp_man_seg *sg = &m->segs[i];
    cp_seg *s;
    fmap *f = &maps[i - from];
    rc = map_seg(ix, sg, f, err);
    if (rc != CP_OK) break;
    if (verify) rc = verify_hash(ix, sg, f->img, f->size, err);
    if (rc == CP_OK) {
      cp_err e2;
      rc = cp_seg_open(&s, f->img, f->size, &e2);
      if (rc != CP_OK)
        rc = cp_err_set(err, (rc == CP_ENOMEM || rc == CP_EVERSION) ? rc
                        : CP_ECORRUPT, "%s/%s: %s", ix->path, sg->name, e2.msg);
      else {
        if (cp_seg_ndocs(s) != sg->ndocs)
          rc = cp_err_set(err, CP_ECORRUPT, "%s/%s: %lu documents, manifest "
                          "says %lu", ix->path, sg->name,
                          (unsigned long)cp_seg_ndocs(s),
                          (unsigned long)sg->ndocs);
        cp_seg_close(s);
      }
    }
    if (rc != CP_OK) { fmap_release(f); break; }
  }
  if (rc != CP_OK)
    for (j = from; j < i; j++) fmap_release(&maps[j - from]);
  return rc;
}

/*
** Hand mapped segments [from, from+n) of manifest 'm' to the corpus
** (appended in order), each with the checksum the manifest records: the
** corpus verifies it on the first read (lazy verification, corpus.h), so
** open maps files but reads only their tables.
*/
static int attach_all (const cp_index *ix, const cp_man *m, size_t from,
                       cp_corpus *c, fmap *maps, size_t n, cp_err *err) {
  size_t i;
  int rc = CP_OK;
  for (i = 0; i < n; i++) {
    if (rc == CP_OK) {
      rc = cp_corpus_attach(c, maps[i].img, maps[i].size, unmap_seg,
                            (void *)(intptr_t)(maps[i].fd + 1), err);
      if (rc == CP_OK) {
        const cp_man_seg *sg = &m->segs[from + i];
        size_t len = strlen(ix->path) + strlen(sg->name) + 2;
        char *name = malloc(len);
        maps[i].img = NULL; maps[i].fd = -1;
        if (name == NULL) rc = cp_err_set(err, CP_ENOMEM, "out of memory");
        else {
          snprintf(name, len, "%s/%s", ix->path, sg->name);
          rc = cp_corpus_expect(c, cp_corpus_nsegs(c) - 1, sg->hash, name, err);
          free(name);
        }
      }
    }
    fmap_release(&maps[i]);   /* on error: the rest */
  }
  return rc;
}

/*
** Read the manifest and map every segment it names, retrying when a
** file vanished because a newer commit dropped it.  On success *m is
** the manifest and *maps (malloc'd, m->nsegs - from entries) the maps
** of segments [from, nsegs); 'keep' (may be NULL) is the manifest whose
** first 'from' segments the caller keeps: 'from' is recomputed as the
** length of the common prefix.
*/
static int load (const cp_index *ix, const cp_man *keep, int verify,
                 cp_man *m, size_t *from, fmap **maps, cp_err *err) {
  int attempt, rc = CP_OK;
  for (attempt = 0; attempt < OPEN_RETRIES; attempt++) {
    cp_man again;
    size_t k = 0;
    memset(&again, 0, sizeof(again));
    rc = read_manifest(ix, m, err);
    if (rc != CP_OK) return rc;
    if (keep != NULL)
      while (k < keep->nsegs && k < m->nsegs
             && strcmp(keep->segs[k].name, m->segs[k].name) == 0)
        k++;
    *maps = calloc(m->nsegs - k + 1, sizeof(fmap));
    if (*maps == NULL) {
      cp_man_clear(m);
      return cp_err_set(err, CP_ENOMEM, "out of memory");
    }
    rc = map_all(ix, m, k, verify, *maps, err);
    if (rc == CP_OK) { *from = k; return CP_OK; }
    free(*maps); *maps = NULL;
    if (rc != CP_ENOENT) { cp_man_clear(m); return rc; }
    /* a file is missing: damage, unless a newer commit replaced it */
    if (read_manifest(ix, &again, NULL) == CP_OK && again.gen != m->gen) {
      cp_man_clear(&again);
      cp_man_clear(m);
      continue;
    }
    cp_man_clear(&again);
    cp_man_clear(m);
    if (err != NULL) {
      char msg[CP_ERRMSG];
      memcpy(msg, err->msg, sizeof(msg));
      cp_err_set(err, CP_ECORRUPT, "%s (the manifest names a missing "
                 "segment file)", msg);
    }
    return CP_ECORRUPT;
  }
  return cp_err_set(err, CP_EIO, "%s: the index changed %d times while "
                    "opening it", ix->path, OPEN_RETRIES);
}

static int open_dir (cp_index *ix, cp_err *err) {
  ix->dirfd = open(ix->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (ix->dirfd < 0) {
    int en = errno;
    if (en == ENOENT)
      return cp_err_set(err, CP_ENOENT, "%s: no such index", ix->path);
    return cp_err_set(err, CP_EIO, "%s: %s", ix->path, strerror(en));
  }
  return CP_OK;
}

int cp_index_open (const char *path, unsigned flags, cp_index **ixp,
                   cp_corpus **cp, cp_err *err) {
  cp_index *ix;
  cp_corpus *c = NULL;
  cp_opts o;
  fmap *maps = NULL;
  size_t from = 0;
  int rc;
  if (path == NULL || ixp == NULL || cp == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_index_open: NULL argument");
  *ixp = NULL; *cp = NULL;
  ix = ix_new(path, err);
  if (ix == NULL) return CP_ENOMEM;
  rc = open_dir(ix, err);
  if (rc == CP_OK && (flags & CP_IX_WRITE)) rc = take_lock(ix, err);
  if (rc == CP_OK)
    rc = load(ix, NULL, (flags & CP_IX_VERIFY) != 0, &ix->m, &from, &maps, err);
  if (rc != CP_OK) { cp_index_close(ix); return rc; }
  memset(&o, 0, sizeof(o));
  o.language = ix->m.language;
  o.mode = ix->m.mode;
  o.analyse = ix->m.analyse;
  o.fields = ix->m.fields;
  c = cp_corpus_new(&o, err);
  if (c != NULL) cp_corpus_set_automerge(c, 0);   /* merges are commits */
  if (c == NULL) {
    size_t i;
    for (i = 0; i < ix->m.nsegs; i++) fmap_release(&maps[i]);
    free(maps);
    cp_index_close(ix);
    return err ? err->code : CP_ENOMEM;
  }
  rc = attach_all(ix, &ix->m, 0, c, maps, ix->m.nsegs, err);
  free(maps);
  if (rc == CP_OK) rc = apply_deletions(&ix->m, 0, c, err);
  if (rc != CP_OK) {
    cp_corpus_free(c);
    cp_index_close(ix);
    return rc;
  }
  if (flags & CP_IX_WRITE) collect_garbage(ix);
  else cp_corpus_set_readonly(c, 1);
  *ixp = ix; *cp = c;
  return CP_OK;
}

int cp_index_open_into (const char *path, cp_corpus *c, cp_index **ixp,
                        cp_err *err) {
  cp_index *ix;
  fmap *maps = NULL;
  size_t from = 0, base, i;
  int rc;
  if (path == NULL || c == NULL || ixp == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_index_open_into: NULL argument");
  *ixp = NULL;
  if (cp_corpus_npending(c) != 0)
    return cp_err_set(err, CP_EINVAL, "cp_index_open_into: the corpus has "
                      "pending documents");
  ix = ix_new(path, err);
  if (ix == NULL) return CP_ENOMEM;
  rc = open_dir(ix, err);
  if (rc == CP_OK) rc = load(ix, NULL, 0, &ix->m, &from, &maps, err);
  if (rc != CP_OK) { cp_index_close(ix); return rc; }
  if (strcmp(ix->m.language, cp_corpus_language(c)) != 0
      || ix->m.mode != cp_corpus_mode(c))
    rc = cp_err_set(err, CP_EINVAL, "%s: built with language '%s' and "
                    "tokenizer mode %d, the corpus has '%s' and %d", ix->path,
                    ix->m.language, ix->m.mode, cp_corpus_language(c),
                    cp_corpus_mode(c));
  base = cp_corpus_nsegs(c);
  if (rc != CP_OK) {
    for (i = 0; i < ix->m.nsegs; i++) fmap_release(&maps[i]);
    free(maps);
    cp_index_close(ix);
    return rc;
  }
  rc = attach_all(ix, &ix->m, 0, c, maps, ix->m.nsegs, err);
  free(maps);
  for (i = 0; rc == CP_OK && i < ix->m.nsegs; i++) {
    uint64_t b = cp_corpus_doc_base(c, base + i);
    uint32_t j;
    for (j = 0; rc == CP_OK && j < ix->m.segs[i].ndel; j++)
      rc = cp_corpus_delete(c, b + ix->m.segs[i].del[j], err);
  }
  if (rc == CP_OK) {   /* the analysers' sets every index has */
    unsigned cur = cp_corpus_analyse(c);
    unsigned nb = base == 0 ? ix->m.analyse : (cur & ix->m.analyse);
    if (nb != cur) rc = cp_corpus_set_analyse(c, nb, err);
  }
  if (rc == CP_OK) {   /* the fields every index indexes (shards agree) */
    char cur[CP_FIELDS_TEXTMAX];
    cp_corpus_fields(c, cur);
    if (base == 0 ? strcmp(cur, ix->m.fields) != 0
                  : cur[0] != '\0' && strcmp(cur, ix->m.fields) != 0)
      rc = cp_corpus_set_fields(c, base == 0 ? ix->m.fields : NULL, err);
  }
  if (rc != CP_OK) {
    /* a later read of 'c' must not see half of this index */
    cp_corpus_truncate(c, base, 0);
    cp_index_close(ix);
    return rc;
  }
  *ixp = ix;
  return CP_OK;
}

int cp_index_create (const char *path, const cp_opts *opts, cp_index **ixp,
                     cp_corpus **cp, cp_err *err) {
  cp_index *ix;
  cp_corpus *c;
  int rc, made = 0;
  if (path == NULL || ixp == NULL || cp == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_index_create: NULL argument");
  *ixp = NULL; *cp = NULL;
  c = cp_corpus_new(opts, err);     /* checks the options first */
  if (c != NULL) cp_corpus_set_automerge(c, 0);   /* merges are commits */
  if (c == NULL) return err ? err->code : CP_ENOMEM;
  ix = ix_new(path, err);
  if (ix == NULL) { cp_corpus_free(c); return CP_ENOMEM; }
  if (mkdir(ix->path, 0777) == 0) made = 1;
  else if (errno != EEXIST) {
    rc = cp_err_set(err, errno == ENOENT ? CP_ENOENT : CP_EIO,
                    "%s: cannot create: %s", ix->path, strerror(errno));
    goto fail;
  }
  rc = open_dir(ix, err);
  if (rc == CP_OK && !made) {   /* an existing directory must be empty */
    int fd = dup(ix->dirfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *ent;
    int any = 0;
    if (d == NULL) {
      if (fd >= 0) close(fd);
      rc = cp_err_set(err, CP_EIO, "%s: cannot list: %s", ix->path, strerror(errno));
    }
    else {
      while ((ent = readdir(d)) != NULL)
        if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0)
          any = 1;
      closedir(d);
      if (any)
        rc = cp_err_set(err, CP_EEXIST, "%s: %s", ix->path,
                        faccessat(ix->dirfd, MANIFEST, F_OK, 0) == 0
                        ? "an index already exists there"
                        : "exists and is not an empty directory");
    }
  }
  if (rc == CP_OK) rc = take_lock(ix, err);
  if (rc == CP_OK && faccessat(ix->dirfd, MANIFEST, F_OK, 0) == 0)
    rc = cp_err_set(err, CP_EEXIST, "%s: an index already exists there", ix->path);
  if (rc != CP_OK) goto fail;
  ix->m.gen = 1;
  ix->m.next = 1;
  ix->m.mode = cp_corpus_mode(c);
  ix->m.analyse = cp_corpus_analyse(c);
  cp_corpus_fields(c, ix->m.fields);
  snprintf(ix->m.language, sizeof(ix->m.language), "%s", cp_corpus_language(c));
  {
    int renamed;
    rc = write_manifest(ix, &ix->m, &renamed, err);
  }
  if (rc != CP_OK) goto fail;
  if (made) {   /* make the new directory entry itself durable */
    char *parent = malloc(strlen(ix->path) + 3), *slash;
    if (parent != NULL) {
      strcpy(parent, ix->path);
      slash = strrchr(parent, '/');
      if (slash == NULL) strcpy(parent, ".");
      else if (slash == parent) parent[1] = '\0';
      else *slash = '\0';
      {
        int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (pfd >= 0) { fsync(pfd); close(pfd); }
      }
      free(parent);
    }
  }
  *ixp = ix; *cp = c;
  return CP_OK;
fail:
  if (made && ix->dirfd >= 0) {
    unlinkat(ix->dirfd, MANIFEST_TMP, 0);
    unlinkat(ix->dirfd, MANIFEST, 0);
    unlinkat(ix->dirfd, LOCKFILE, 0);
    rmdir(ix->path);
  }
  cp_index_close(ix);
  cp_corpus_free(c);
  return rc;
}

const char *cp_index_path (const cp_index *ix) {
  return ix != NULL ? ix->path : NULL;
}

int cp_index_writable (const cp_index *ix) {
  return ix != NULL && ix->lockfd >= 0;
}

uint64_t cp_index_generation (const cp_index *ix) {
  return ix != NULL ? ix->m.gen : 0;
}

/* }================================================================ */


/* {================================================================
** Commits
** ================================================================= */

static int check_writer (const cp_index *ix, const cp_corpus *c,
                         const char *what, cp_err *err) {
  if (ix == NULL || c == NULL)
    return cp_err_set(err, CP_EINVAL, "%s: NULL argument", what);
  if (ix->lockfd < 0)
    return cp_err_set(err, CP_EINVAL, "%s: index '%s' is open read-only "
                      "(open it with write = true)", what, ix->path);
  if (ix->broken)
    return cp_err_set(err, CP_EIO, "%s: index '%s' is in an inconsistent "
                      "state after an earlier failure; reopen it", what,
                      ix->path);
  return CP_OK;
}

/* the corpus's deletion marks of segment i as a sorted list */
static int deletion_list (const cp_corpus *c, size_t i, cp_man_seg *sg,
                          cp_err *err) {
  uint32_t n = cp_seg_ndocs(cp_corpus_seg(c, i)), d, k = 0;
  sg->ndocs = n;
  sg->ndel = 0;
  sg->del = NULL;
  for (d = 0; d < n; d++) sg->ndel += cp_corpus_is_deleted(c, i, d) ? 1 : 0;
  if (sg->ndel == 0) return CP_OK;
  sg->del = malloc(sizeof(uint32_t) * sg->ndel);
  if (sg->del == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
  for (d = 0; d < n; d++)
    if (cp_corpus_is_deleted(c, i, d)) sg->del[k++] = d;
  return CP_OK;
}

/* write a segment image as the next segment file; fills sg (not del) */
static int write_seg (cp_index *ix, uint64_t *next, const void *img,
                      size_t size, cp_man_seg *sg, cp_err *err) {
  cp_man_name(sg->name, (*next)++);
  sg->size = size;
  sg->hash = XXH64(img, size, 0);
  return write_file(ix, sg->name, img, size, err);
}

/* swap the in-memory image of committed segment i for the map of its
** file, so a writer's memory does not grow with the index */
static void remap (cp_index *ix, cp_corpus *c, size_t i) {
  fmap f;
  if (map_seg(ix, &ix->m.segs[i], &f, NULL) != CP_OK) return;
  if (cp_corpus_replace_segs(c, i, i + 1, f.img, f.size, unmap_seg,
                             (void *)(intptr_t)(f.fd + 1), 1, NULL) != CP_OK)
    fmap_release(&f);
}

/*
** Write manifest 'nm' (generation ix->m.gen + 1) and make it current.
** On failure the files named only by 'nm' (numbers >= ix->m.next) are
** removed and ix->m stays.
*/
static int publish (cp_index *ix, cp_man *nm, cp_err *err) {
  int rc, renamed = 0;
  nm->gen = ix->m.gen + 1;
  if (nm->gen > CP_MAN_MAX_NUMBER || nm->next > CP_MAN_MAX_NUMBER)
    return cp_err_set(err, CP_ELIMIT, "%s: generation or segment counter "
                      "exhausted (at most %llu)", ix->path,
                      (unsigned long long)CP_MAN_MAX_NUMBER);
  rc = sync_dir(ix, err);            /* the new segment entries first */
  if (rc == CP_OK) rc = write_manifest(ix, nm, &renamed, err);
  if (rc != CP_OK && renamed) {
    /* the new manifest is in place and readers see it: the commit
    ** happened, only its durability is in doubt.  Keep its files (they
    ** are what the manifest names) and say so as a warning. */
    cp_err_set(&ix->warn, rc, "commit %llu is visible but the directory "
               "sync after it failed (it may not survive a crash): %s",
               (unsigned long long)nm->gen, err ? err->msg : "");
    rc = CP_OK;
  }
  if (rc != CP_OK) {
    size_t i;
    for (i = 0; i < nm->nsegs; i++)
      if (strtoull(nm->segs[i].name + 4, NULL, 16) >= ix->m.next)
        unlinkat(ix->dirfd, nm->segs[i].name, 0);
    cp_man_clear(nm);
    return rc;
  }
  cp_man_clear(&ix->m);
  ix->m = *nm;
  memset(nm, 0, sizeof(*nm));
  return CP_OK;
}

/* start a manifest like ix->m with room for n segments */
static int man_begin (const cp_index *ix, cp_man *nm, size_t n, cp_err *err) {
  memset(nm, 0, sizeof(*nm));
  nm->next = ix->m.next;
  nm->mode = ix->m.mode;
  nm->analyse = ix->m.analyse;
  memcpy(nm->fields, ix->m.fields, sizeof(nm->fields));
  memcpy(nm->language, ix->m.language, sizeof(nm->language));
  nm->segs = calloc(n + 1, sizeof(cp_man_seg));
  if (nm->segs == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
  return CP_OK;
}

/* commit without the merge step; *did says whether anything changed */
static int commit_changes (cp_index *ix, cp_corpus *c, int *did, cp_err *err) {
  cp_man nm;
  size_t i, n, old, rewritten = 0;
  uint64_t olddel = 0, newdel = 0;
  int rc;
  *did = 0;
  rc = cp_corpus_flush(c, err);
  if (rc != CP_OK) return rc;
  n = cp_corpus_nsegs(c);
  old = ix->m.nsegs;
  for (i = 0; i < old; i++) olddel += ix->m.segs[i].ndel;
  for (i = 0; i < old; i++) {
    const cp_seg *s = cp_corpus_seg(c, i);
    uint32_t d, nd = cp_seg_ndocs(s);
    for (d = 0; d < nd; d++) newdel += cp_corpus_is_deleted(c, i, d) ? 1 : 0;
  }
  for (i = 0; i < old; i++) rewritten += cp_corpus_seg_rewritten(c, i);
  /* deletions only grow between commits, so equal counts mean equal */
  if (n == old && newdel == olddel && rewritten == 0) return CP_OK;
  rc = man_begin(ix, &nm, n, err);
  if (rc != CP_OK) return rc;
  for (i = 0; i < n && rc == CP_OK; i++) {
    cp_man_seg *sg = &nm.segs[i];
    nm.nsegs = i + 1;
    if (i < old && !cp_corpus_seg_rewritten(c, i)) {
      memcpy(sg->name, ix->m.segs[i].name, sizeof(sg->name));
      sg->size = ix->m.segs[i].size;
      sg->hash = ix->m.segs[i].hash;
    }
    else {                           /* new, or rewritten (a span set added) */
      size_t size;
      const void *img = cp_corpus_seg_image(c, i, &size);
      rc = write_seg(ix, &nm.next, img, size, sg, err);
      if (rc != CP_OK) break;
    }
    rc = deletion_list(c, i, sg, err);
  }
  if (rc != CP_OK) {
    for (i = 0; i < nm.nsegs; i++)
      if (i >= old || cp_corpus_seg_rewritten(c, i))
        unlinkat(ix->dirfd, nm.segs[i].name, 0);
    cp_man_clear(&nm);
    return rc;
  }
  rc = publish(ix, &nm, err);
  if (rc != CP_OK) return rc;
  for (i = 0; i < n; i++)            /* (remap clears the rewritten mark) */
    if (i >= old || cp_corpus_seg_rewritten(c, i)) remap(ix, c, i);
  *did = 1;
  return CP_OK;
}

/* merge committed segments [lo, hi) into one file and commit that */
static int merge_range (cp_index *ix, cp_corpus *c, size_t lo, size_t hi,
                        cp_err *err) {
  cp_man nm;
  void *img;
  size_t size, i, j, n = ix->m.nsegs;
  int rc = cp_merge_image(c, lo, hi, &img, &size, err);
  if (rc != CP_OK) return rc;
  rc = man_begin(ix, &nm, n, err);
  for (i = 0, j = 0; i < n && rc == CP_OK; i++) {
    cp_man_seg *sg;
    if (i > lo && i < hi) continue;
    if (i == lo && img == NULL) continue;
    sg = &nm.segs[j];
    nm.nsegs = ++j;
    if (i == lo) {
      rc = write_seg(ix, &nm.next, img, size, sg, err);
      if (rc == CP_OK) {   /* a merge drops deleted docs */
        cp_seg *s;
        rc = cp_seg_open(&s, img, size, err);
        if (rc == CP_OK) { sg->ndocs = cp_seg_ndocs(s); cp_seg_close(s); }
      }
    }
    else {
      const cp_man_seg *os = &ix->m.segs[i];
      memcpy(sg->name, os->name, sizeof(sg->name));
      sg->size = os->size; sg->hash = os->hash; sg->ndocs = os->ndocs;
      sg->ndel = os->ndel;
      if (os->ndel > 0) {
        sg->del = malloc(sizeof(uint32_t) * os->ndel);
        if (sg->del == NULL) rc = cp_err_set(err, CP_ENOMEM, "out of memory");
        else memcpy(sg->del, os->del, sizeof(uint32_t) * os->ndel);
      }
    }
  }
  if (rc == CP_OK) rc = publish(ix, &nm, err);
  else {
    if (img != NULL && nm.segs != NULL && nm.nsegs > lo)
      unlinkat(ix->dirfd, nm.segs[lo].name, 0);
    cp_man_clear(&nm);
  }
  if (rc != CP_OK) { free(img); return rc; }
  /* the disk has the merge; now the corpus: prefer the map of the file */
  if (img != NULL) {
    fmap f;
    if (map_seg(ix, &ix->m.segs[lo], &f, NULL) == CP_OK) {
      rc = cp_corpus_replace_segs(c, lo, hi, f.img, f.size, unmap_seg,
                                  (void *)(intptr_t)(f.fd + 1), 0, err);
      if (rc == CP_OK) { free(img); return CP_OK; }
      fmap_release(&f);
    }
    rc = cp_corpus_replace_segs(c, lo, hi, img, size, NULL, NULL, 0, err);
    if (rc != CP_OK) { free(img); ix->broken = 1; }
    return rc;
  }
  rc = cp_corpus_replace_segs(c, lo, hi, NULL, 0, NULL, NULL, 0, err);
  if (rc != CP_OK) ix->broken = 1;
  return rc;
}

static int tier_of (uint64_t size) {
  int t = 0;
  uint64_t lim = (uint64_t)CP_IX_MERGE_MIN * CP_IX_MERGE_FACTOR;
  while (size >= lim && t < 30) { t++; lim *= CP_IX_MERGE_FACTOR; }
  return t;
}

/*
** The merge policy: the range to merge next, or 0.  First a segment
** with more than half of its documents deleted (rewritten alone), then
** the lowest tier with a run of CP_IX_MERGE_FACTOR adjacent segments.
*/
static int plan_merge (const cp_man *m, size_t *lo, size_t *hi) {
  size_t i, best_lo = 0;
  int best_t = 99;
  for (i = 0; i < m->nsegs; i++)
    if (m->segs[i].ndel > 0 && (uint64_t)m->segs[i].ndel * 2 > m->segs[i].ndocs) {
      *lo = i; *hi = i + 1;
      return 1;
    }
  for (i = 0; i < m->nsegs; ) {
    size_t j = i + 1;
    int t = tier_of(m->segs[i].size);
    while (j < m->nsegs && tier_of(m->segs[j].size) == t) j++;
    if (j - i >= CP_IX_MERGE_FACTOR && t < best_t) {
      best_t = t; best_lo = i;
    }
    i = j;
  }
  if (best_t == 99) return 0;
  *lo = best_lo; *hi = best_lo + CP_IX_MERGE_FACTOR;
  return 1;
}

/*
** A merge that fails after the commit is durable does not make the
** commit fail: the index stays at the commit (merge_range publishes
** nothing it has not finished), the failure is kept as the warning and
** the next commit tries the merge again.
*/
static void merge_failed (cp_index *ix, const cp_err *e) {
  cp_err_set(&ix->warn, e->code, "commit %llu is durable; the merge after "
             "it failed and will be retried by the next commit: %s",
             (unsigned long long)ix->m.gen, e->msg);
}

int cp_index_commit (cp_index *ix, cp_corpus *c, cp_err *err) {
  int rc = check_writer(ix, c, "commit", err), did, guard;
  size_t lo, hi;
  cp_err me;
  if (rc != CP_OK) return rc;
  memset(&ix->warn, 0, sizeof(ix->warn));
  rc = commit_changes(ix, c, &did, err);
  if (rc != CP_OK) return rc;
  /* each merge removes at least one segment (or a deleted doc) */
  for (guard = 0; guard < 1000 && plan_merge(&ix->m, &lo, &hi); guard++) {
    if (merge_range(ix, c, lo, hi, &me) != CP_OK) {
      merge_failed(ix, &me);
      if (ix->broken) return cp_err_set(err, me.code, "%s", ix->warn.msg);
      break;
    }
    did = 1;
  }
  if (did) collect_garbage(ix);
  return CP_OK;
}

int cp_index_optimize (cp_index *ix, cp_corpus *c, cp_err *err) {
  int rc = check_writer(ix, c, "optimize", err), did;
  cp_err me;
  if (rc != CP_OK) return rc;
  memset(&ix->warn, 0, sizeof(ix->warn));
  rc = commit_changes(ix, c, &did, err);
  if (rc != CP_OK) return rc;
  if (ix->m.nsegs > 1 || (ix->m.nsegs == 1 && ix->m.segs[0].ndel > 0)) {
    if (merge_range(ix, c, 0, ix->m.nsegs, &me) != CP_OK) {
      merge_failed(ix, &me);
      if (ix->broken) return cp_err_set(err, me.code, "%s", ix->warn.msg);
    }
  }
  collect_garbage(ix);
  return CP_OK;
}

const char *cp_index_warning (const cp_index *ix, int *code) {
  if (ix == NULL || ix->warn.code == CP_OK) return NULL;
  if (code != NULL) *code = ix->warn.code;
  return ix->warn.msg;
}

/* committed segments rewritten since the commit (a span set added)
** get their committed files back */
static int restore_rewritten (cp_index *ix, cp_corpus *c, cp_err *err) {
  size_t i;
  for (i = 0; i < ix->m.nsegs; i++) {
    fmap f;
    int rc;
    if (!cp_corpus_seg_rewritten(c, i)) continue;
    rc = map_seg(ix, &ix->m.segs[i], &f, err);
    if (rc == CP_OK) {
      rc = cp_corpus_replace_segs(c, i, i + 1, f.img, f.size, unmap_seg,
                                  (void *)(intptr_t)(f.fd + 1), 1, err);
      if (rc != CP_OK) fmap_release(&f);
    }
    if (rc != CP_OK) return rc;
  }
  return CP_OK;
}

int cp_index_rollback (cp_index *ix, cp_corpus *c, cp_err *err) {
  int rc = check_writer(ix, c, "rollback", err);
  if (rc != CP_OK) return rc;
  cp_corpus_truncate(c, ix->m.nsegs, 1);
  rc = restore_rewritten(ix, c, err);
  if (rc == CP_OK) rc = apply_deletions(&ix->m, 0, c, err);
  if (rc != CP_OK) ix->broken = 1;
  return rc;
}

/* }================================================================ */


/* {================================================================
** Refresh and check
** ================================================================= */

int cp_index_refresh (cp_index *ix, cp_corpus *c, int *changed, cp_err *err) {
  cp_man nm;
  fmap *maps;
  size_t from, i;
  int rc;
  if (changed) *changed = 0;
  if (ix == NULL || c == NULL)
    return cp_err_set(err, CP_EINVAL, "refresh: NULL argument");
  if (ix->lockfd >= 0) return CP_OK;    /* a writer is always current */
  if (ix->broken)
    return cp_err_set(err, CP_EIO, "refresh: index '%s' is in an "
                      "inconsistent state after an earlier failure; reopen it",
                      ix->path);
  rc = load(ix, &ix->m, 0, &nm, &from, &maps, err);
  if (rc != CP_OK) return rc;
  if (nm.gen == ix->m.gen) {
    for (i = from; i < nm.nsegs; i++) fmap_release(&maps[i - from]);
    free(maps);
    cp_man_clear(&nm);
    return CP_OK;
  }
  if (strcmp(nm.language, ix->m.language) != 0 || nm.mode != ix->m.mode
      || nm.analyse != ix->m.analyse
      || strcmp(nm.fields, ix->m.fields) != 0) {
    for (i = from; i < nm.nsegs; i++) fmap_release(&maps[i - from]);
    free(maps);
    cp_man_clear(&nm);
    return cp_err_set(err, CP_ECORRUPT, "%s: language, mode, analysers or "
                      "indexed fields changed between commits", ix->path);
  }
  /* everything is mapped and checked: only memory can fail from here */
  cp_corpus_set_readonly(c, 0);
  cp_corpus_truncate(c, from, 1);
  rc = attach_all(ix, &nm, from, c, maps, nm.nsegs - from, err);
  free(maps);
  if (rc == CP_OK) rc = apply_deletions(&nm, 0, c, err);
  cp_corpus_set_readonly(c, 1);
  cp_man_clear(&ix->m);
  ix->m = nm;
  if (rc != CP_OK) { ix->broken = 1; return rc; }
  if (changed) *changed = 1;
  return CP_OK;
}

int cp_index_check (cp_index *ix, cp_corpus *c, cp_check_report *r,
                    cp_err *err) {
  cp_check_report rep;
  size_t i, n;
  int rc;
  if (c == NULL) return cp_err_set(err, CP_EINVAL, "check: NULL corpus");
  memset(&rep, 0, sizeof(rep));
  if (ix != NULL && ix->broken)
    return cp_err_set(err, CP_EIO, "check: index '%s' is in an "
                      "inconsistent state after an earlier failure", ix->path);
  n = cp_corpus_nsegs(c);
  if (ix != NULL) {
    cp_man disk;
    /* the manifest on disk parses (checksum included) */
    rc = read_manifest(ix, &disk, err);
    if (rc != CP_OK) return rc;
    if (disk.gen == ix->m.gen) {
      for (i = 0; i < disk.nsegs && rc == CP_OK; i++)
        if (i >= ix->m.nsegs || strcmp(disk.segs[i].name, ix->m.segs[i].name) != 0)
          rc = cp_err_set(err, CP_ECORRUPT, "%s/%s: differs from the "
                          "manifest of the same generation", ix->path, MANIFEST);
      if (rc == CP_OK && disk.nsegs != ix->m.nsegs)
        rc = cp_err_set(err, CP_ECORRUPT, "%s/%s: differs from the manifest "
                        "of the same generation", ix->path, MANIFEST);
    }
    /* every file it names is there with its size */
    for (i = 0; i < disk.nsegs && rc == CP_OK; i++) {
      struct stat st;
      if (fstatat(ix->dirfd, disk.segs[i].name, &st, 0) != 0)
        rc = cp_err_set(err, CP_ECORRUPT, "%s/%s: missing (named by %s)",
                        ix->path, disk.segs[i].name, MANIFEST);
      else if ((uint64_t)st.st_size != disk.segs[i].size)
        rc = cp_err_set(err, CP_ECORRUPT, "%s/%s: file is %llu bytes, "
                        "manifest says %llu", ix->path, disk.segs[i].name,
                        (unsigned long long)st.st_size,
                        (unsigned long long)disk.segs[i].size);
    }
    cp_man_clear(&disk);
    if (rc != CP_OK) return rc;
    if (ix->m.nsegs > n)
      return cp_err_set(err, CP_ECORRUPT, "%s: corpus has fewer segments "
                        "than its manifest", ix->path);
    rep.generation = ix->m.gen;
    /* the committed segments: checksum, document count, deletions */
    for (i = 0; i < ix->m.nsegs; i++) {
      const cp_man_seg *sg = &ix->m.segs[i];
      size_t size;
      const void *img = cp_corpus_seg_image(c, i, &size);
      uint32_t d, nd, k = 0;
      rc = verify_hash(ix, sg, img, size, err);
      if (rc != CP_OK) return rc;
      nd = cp_seg_ndocs(cp_corpus_seg(c, i));
      if (nd != sg->ndocs)
        return cp_err_set(err, CP_ECORRUPT, "%s/%s: document count differs "
                          "from the manifest", ix->path, sg->name);
      for (d = 0; d < nd; d++) {
        int isdel = cp_corpus_is_deleted(c, i, d);
        int listed = k < sg->ndel && sg->del[k] == d;
        if (listed) k++;
        if (listed && !isdel)
          return cp_err_set(err, CP_ECORRUPT, "%s/%s: document %lu is "
                            "deleted in the manifest but live in memory",
                            ix->path, sg->name, (unsigned long)d);
        if (isdel && !listed && ix->lockfd < 0)
          return cp_err_set(err, CP_ECORRUPT, "%s/%s: document %lu is "
                            "deleted in memory only", ix->path, sg->name,
                            (unsigned long)d);
      }
      rep.bytes += size;
    }
    rep.uncommitted = (n - ix->m.nsegs) + cp_corpus_npending(c);
  }
  else rep.uncommitted = cp_corpus_npending(c);
  /* every segment's own invariants */
  for (i = 0; i < n; i++) {
    const cp_seg *s = cp_corpus_seg(c, i);
    cp_err e2;
    uint32_t d, nd = cp_seg_ndocs(s);
    rc = cp_seg_check(s, &e2);
    if (rc != CP_OK) {
      if (ix != NULL && i < ix->m.nsegs)
        return cp_err_set(err, CP_ECORRUPT, "%s/%s: %s", ix->path,
                          ix->m.segs[i].name, e2.msg);
      return cp_err_set(err, CP_ECORRUPT, "segment %zu: %s", i + 1, e2.msg);
    }
    rep.segments++;
    rep.docs += nd;
    for (d = 0; d < nd; d++) rep.deleted += cp_corpus_is_deleted(c, i, d) ? 1 : 0;
  }
  if (r != NULL) *r = rep;
  return CP_OK;
}

/* }================================================================ */
