/*
** shard.h -- a sharded index: a directory of ordinary indexes (the
** shards) and a top-level manifest, SHARDS, that names the published
** set.  Opened, it is one read-only corpus whose segments are the
** shards' segments in order, so document numbers, ids, metadata and
** every statistic (document frequencies, sizes, marginals) are those
** of one index holding the same documents in the same order: nothing
** is approximated per shard.
**
** Layout (docs/FORMAT.md, "Sharded indexes"; the format is specified
** at the top of shard.c):
**
**   OUT.corpus/SHARDS           the published set of shards
**   OUT.corpus/shards/NAME/     one ordinary index per shard
**   OUT.corpus/jobs/            build plans, job scripts and logs
**
** A shard is built as an ordinary index (by a local process or a
** Slurm array task), checked, and only then named by a new SHARDS,
** written to SHARDS.tmp, fsync'd and renamed: a reader sees the old
** set or the new one, never a half-built shard.
*/
#ifndef CP_SHARD_H
#define CP_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "corpus.h"

#define CP_SHARDS_VERSION 1
#define CP_SHARDS_MAX     65536   /* shards per index */

typedef struct cp_shards cp_shards;

/* 1 if 'path' holds a SHARDS manifest, else 0 */
int cp_shards_is (const char *path);

/*
** Open every shard SHARDS names into one new read-only corpus.  Each
** shard's commit must be the generation SHARDS recorded (a shard
** changed after publishing is CP_ECORRUPT: republish it).  Errors:
** CP_ENOENT (no SHARDS), CP_ECORRUPT, CP_EVERSION, and the errors of
** cp_index_open.  Free *c first, then cp_shards_close(*sh).
*/
int cp_shards_open (const char *path, cp_shards **sh, cp_corpus **c,
                    cp_err *err);
void cp_shards_close (cp_shards *sh);

size_t cp_shards_count (const cp_shards *sh);
/* name of shard i (its directory under shards/), its generation and
** the number of documents (deleted included) it holds */
const char *cp_shards_name (const cp_shards *sh, size_t i);
uint64_t cp_shards_generation (const cp_shards *sh, size_t i);
uint64_t cp_shards_docs (const cp_shards *sh, size_t i);
const char *cp_shards_path (const cp_shards *sh);

/*
** Publish 'names' (directories under path/shards/, in order) as the
** sharded index at 'path'.  Opens each shard (with CP_SHARDS_CHECK
** also runs cp_index_check on it: the builders check each shard in its
** own task before renaming it into place, so they skip this), requires
** one language and tokenizer mode and ids unique across all shards
** (CP_EEXIST names the id and both shards), then writes SHARDS
** atomically.  On error the previous SHARDS (if any) stays.
*/
#define CP_SHARDS_CHECK 1u
int cp_shards_publish (const char *path, const char *const *names,
                       size_t n, unsigned flags, cp_err *err);

/*
** Make the new shard 'dst' (a directory under path/shards/) from the
** shards names[0..n), in order: their segment files are hard-linked
** (copied where a link fails) under new names and listed, with their
** deletions, in a new manifest -- no document is read or re-tokenized.
** The result is checked (cp_index_check) before it is renamed into
** place.  It is not published: cp_shards_publish with 'dst' in place
** of the merged names does that.  CP_EEXIST if 'dst' exists.
*/
int cp_shards_merge (const char *path, const char *const *names, size_t n,
                     const char *dst, cp_err *err);

/* a shard name is [A-Za-z0-9_.-]{1,64}, not "." or ".." */
int cp_shards_valid_name (const char *s, size_t n);

#endif
