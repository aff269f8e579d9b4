/*
** pipe.h -- tokenize ahead: worker threads run cp_segw_prepare (UTF-8
** repair + tokenizer) on the next documents of a batch while the caller
** adds the current one to the builder (lexicon work), so the halves of
** an add use every core.  A source callback may do more per document
** before tokenizing (jsonl.c parses the JSON line there).
*/
#ifndef CP_PIPE_H
#define CP_PIPE_H

#include <stddef.h>

#include "corpus.h"
#include "seg.h"

typedef struct cp_pipe cp_pipe;

/*
** Prepare document i into 'p' (a reused slot: prepare it again, do not
** free it).  '*aux' is the slot's own pointer, kept for the caller of
** cp_pipe_next_aux: on entry the value the slot held for an earlier
** document (NULL the first time), which the callback reuses or releases.
** Runs on a worker thread, several at once for different i: it may only
** touch what belongs to document i.  Returns the number of input bytes
** the document holds (it bounds how far the workers run ahead).
*/
typedef size_t (*cp_pipe_fn) (void *ud, size_t i, cp_segprep *p, void **aux);

/* release a slot's aux pointer at cp_pipe_stop (NULL never passed) */
typedef void (*cp_pipe_drop) (void *ud, void *aux);

/*
** Start preparing docs[0..n) in tokenizer mode 'mode'.  'docs' and their
** texts are borrowed until cp_pipe_stop.  If no thread can be started
** the pipe still works, preparing each document when it is asked for.
** NULL only when out of memory.
*/
cp_pipe *cp_pipe_start (const cp_docin *docs, size_t n, int mode,
                        cp_err *err);

/*
** The general form: documents 0..n-1 prepared by fn on 'nworkers'
** threads (at least 1; document i on worker i % nworkers), results
** handed out in order.  'drop' (may be NULL) releases aux pointers.
*/
cp_pipe *cp_pipe_start_fn (size_t n, int nworkers, cp_pipe_fn fn,
                           cp_pipe_drop drop, void *ud, cp_err *err);

/*
** The prepared document i, where i counts the calls (0, 1, ...; at most
** n).  It stays valid until the next call or cp_pipe_stop; its own
** outcome is in ->rc / ->err.
*/
const cp_segprep *cp_pipe_next (cp_pipe *p);

/* the same, with the slot's aux pointer in *aux (still owned by the pipe) */
const cp_segprep *cp_pipe_next_aux (cp_pipe *p, void **aux);

/* the number of worker threads to use on this machine: its online
** processors, at most 'max', at least 1 */
int cp_pipe_workers (int max);

/* cancel what is left, join the workers and free everything (NULL ok) */
void cp_pipe_stop (cp_pipe *p);

#endif
