/*
** pipe.h -- tokenize ahead: a worker thread runs cp_segw_prepare
** (UTF-8 repair + tokenizer) on the next documents of a batch while the
** caller adds the current one to the builder (lexicon work), so the two
** halves of an add use both cores.
*/
#ifndef CP_PIPE_H
#define CP_PIPE_H

#include <stddef.h>

#include "corpus.h"
#include "seg.h"

typedef struct cp_pipe cp_pipe;

/*
** Start preparing docs[0..n) in tokenizer mode 'mode'.  'docs' and their
** texts are borrowed until cp_pipe_stop.  If no thread can be started
** the pipe still works, preparing each document when it is asked for.
** NULL only when out of memory.
*/
cp_pipe *cp_pipe_start (const cp_docin *docs, size_t n, int mode,
                        cp_err *err);

/*
** The prepared document i, where i counts the calls (0, 1, ...; at most
** n).  It stays valid until the next call or cp_pipe_stop; its own
** outcome is in ->rc / ->err.
*/
const cp_segprep *cp_pipe_next (cp_pipe *p);

/* cancel what is left, join the worker and free everything (NULL ok) */
void cp_pipe_stop (cp_pipe *p);

#endif
