/*
** index.h -- on-disk indexes: a directory of immutable segment files,
** a manifest naming the committed set, and a writer lock.
**
** An index is used through a corpus (corpus.h): cp_index_open and
** cp_index_create return both a cp_index (the directory, lock and
** manifest) and the cp_corpus it keeps in step with the disk.  The
** corpus owns the segment maps; the index owns the lock and the
** directory handle.  Release in that order: cp_corpus_free(c), then
** cp_index_close(ix).
**
** Readers see the snapshot of one commit (cp_index_refresh moves to the
** newest); one writer at a time holds the lock.  docs/FORMAT.md
** ("Index directory and manifest") and the comment at the top of
** index.c specify the files and the commit protocol.
*/
#ifndef CP_INDEX_H
#define CP_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "corpus.h"

typedef struct cp_index cp_index;

/* flags of cp_index_open */
#define CP_IX_WRITE   1u   /* take the writer lock; commits allowed */
#define CP_IX_VERIFY  2u   /* verify every segment checksum at open */

/*
** Create a new index at 'path': the directory must not exist, or be
** empty.  Takes the writer lock and commits an empty manifest
** (generation 1), so the index opens at once.  CP_EEXIST if there is
** an index (or anything else) at 'path'.
*/
int cp_index_create (const char *path, const cp_opts *opts,
                     cp_index **ix, cp_corpus **c, cp_err *err);

/*
** Open the last commit of the index at 'path'.  Reads the manifest
** and maps the segment files (reading their headers and tables only,
** unless CP_IX_VERIFY).  Errors: CP_ENOENT (no index), CP_ECORRUPT
** (a damaged or missing file, named in the message), CP_EVERSION,
** CP_ELOCKED (CP_IX_WRITE while another writer holds the lock).
** Without CP_IX_WRITE the corpus is read-only.
*/
int cp_index_open (const char *path, unsigned flags,
                   cp_index **ix, cp_corpus **c, cp_err *err);

/*
** Open the last commit of the index at 'path' read-only and append its
** segments (with their deletions) to 'c', which must have no pending
** documents and the same language and tokenizer mode (CP_EINVAL
** otherwise).  Used to read several indexes as one corpus (shard.c).
** *ix holds the shared locks on the mapped files: close it after
** freeing 'c'.  On error 'c' is as it was.
*/
int cp_index_open_into (const char *path, cp_corpus *c, cp_index **ix,
                        cp_err *err);

/* release the lock and the directory; the corpus must be freed first */
void cp_index_close (cp_index *ix);

const char *cp_index_path (const cp_index *ix);
int cp_index_writable (const cp_index *ix);
uint64_t cp_index_generation (const cp_index *ix);

/*
** Make every change since the last commit durable and visible:
** seal pending documents, write and fsync the new segment files, write
** the manifest to a temporary file, fsync it, rename it into place,
** fsync the directory; then apply the merge policy (which may commit
** once more) and delete files no reader maps.  Writers only.
*/
int cp_index_commit (cp_index *ix, cp_corpus *c, cp_err *err);

/* discard every change since the last commit (writers only) */
int cp_index_rollback (cp_index *ix, cp_corpus *c, cp_err *err);

/* commit, then merge every segment into one (writers only) */
int cp_index_optimize (cp_index *ix, cp_corpus *c, cp_err *err);

/*
** Move a reader to the newest commit (segments both snapshots share
** stay mapped).  *changed says whether the generation moved.  A writer
** already sees the newest commit: refresh is a no-op for it.
*/
int cp_index_refresh (cp_index *ix, cp_corpus *c, int *changed,
                      cp_err *err);

typedef struct cp_check_report {
  uint64_t generation;
  uint64_t segments;     /* segment files verified */
  uint64_t bytes;        /* bytes checksummed (manifest + segments) */
  uint64_t docs;         /* documents in the segments (deleted included) */
  uint64_t deleted;      /* deleted documents */
  uint64_t uncommitted;  /* segments or pending documents not on disk */
} cp_check_report;

/*
** Verify everything: the manifest against the directory, each segment
** file's size and XXH64 against the manifest, the mapped bytes against
** the file, every segment's internal invariants (cp_seg_check) and the
** deletion lists.  CP_ECORRUPT names the file and the problem.  With
** ix == NULL (an in-memory corpus) only the segments are checked.
*/
int cp_index_check (cp_index *ix, cp_corpus *c, cp_check_report *r,
                    cp_err *err);

/*
** Merge policy (see docs/FORMAT.md): segments are grouped into tiers by
** size (tier t holds segments of CP_IX_MERGE_MIN * F^t .. F^(t+1)
** bytes, F = CP_IX_MERGE_FACTOR); a run of F adjacent segments of one
** tier is merged into one.  A segment with more than half its
** documents deleted is rewritten alone.
*/
#define CP_IX_MERGE_FACTOR 8
#define CP_IX_MERGE_MIN    ((size_t)1 << 16)

#endif
