/*
** pipe.c -- tokenize ahead on a second thread (contract in pipe.h).
**
** A ring of NSLOT prepared documents between one producer (the worker,
** preparing documents in order) and one consumer (the caller, taking
** them in order).  Document i lives in slot i % NSLOT; the worker may
** run ahead of the caller by NSLOT documents or by about AHEAD bytes of
** text, whichever comes first, so memory stays bounded whatever the
** batch (a slot keeps its token vector, reused by later documents).
** One mutex guards the counters; each side signals the other only when
** it knows the other is waiting, and a blocked side waits for several
** documents' worth of progress (WANT, or half the ring), so a batch of
** small documents costs two uncontended lock/unlock pairs per document
** and an occasional wake-up, not one per document.  The two halves take
** about the same time on running text (UN speeches), so the ring also
** absorbs their drift: early in a segment the lexicon side is slower
** (every word is new), later the tokenizer is.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "pipe.h"

#define NSLOT 32   /* documents prepared ahead, at most */
#define AHEAD ((size_t)4 << 20)   /* text bytes prepared ahead, about */
#define WANT 8     /* a blocked caller waits for this many */

struct cp_pipe {
  const cp_docin *docs;
  size_t n;
  int mode;
  int threaded;           /* a worker was started (and must be joined) */
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t ready;   /* worker -> caller: a document is prepared */
  pthread_cond_t room;    /* caller -> worker: a slot is free */
  /* guarded by mu */
  size_t done;            /* documents prepared */
  size_t freed;           /* documents released by the caller */
  size_t bytes;           /* text bytes of documents in [freed, done) */
  int stop;               /* the caller wants no more */
  int wwait, cwait;       /* worker / caller is blocked on its cond */
  size_t want;            /* the blocked caller waits for done >= want */
  /* the caller's own */
  size_t next;            /* documents handed out */
  cp_segprep slot[NSLOT];
};

/* the worker may not start document i: its slot is still in use or the
** documents ahead already hold enough text (one is always allowed) */
static int full (const cp_pipe *p, size_t i) {
  return i - p->freed >= NSLOT || (i > p->freed && p->bytes >= AHEAD);
}

/* once blocked, the worker waits for this much room, so that it is not
** woken for every document the caller releases */
static int roomy (const cp_pipe *p, size_t i) {
  return i == p->freed || (i - p->freed <= NSLOT / 2 && p->bytes < AHEAD / 2);
}

static void *worker (void *arg) {
  cp_pipe *p = (cp_pipe *)arg;
  size_t i;
  for (i = 0; i < p->n; i++) {
    const cp_docin *d = &p->docs[i];
    pthread_mutex_lock(&p->mu);
    if (!p->stop && full(p, i)) {
      p->wwait = 1;
      /* a caller waiting for more than we may prepare must not wait on */
      if (p->cwait) pthread_cond_signal(&p->ready);
      while (!p->stop && !roomy(p, i))
        pthread_cond_wait(&p->room, &p->mu);
      p->wwait = 0;
    }
    if (p->stop) { pthread_mutex_unlock(&p->mu);  break; }
    pthread_mutex_unlock(&p->mu);
    /* the slot is ours: the caller is done with document i - NSLOT */
    cp_segw_prepare(p->mode, d->text, d->textlen, &p->slot[i % NSLOT]);
    pthread_mutex_lock(&p->mu);
    p->done = i + 1;
    p->bytes += d->textlen;
    if (p->cwait && p->done >= p->want) pthread_cond_signal(&p->ready);
    pthread_mutex_unlock(&p->mu);
  }
  return NULL;
}

cp_pipe *cp_pipe_start (const cp_docin *docs, size_t n, int mode,
                        cp_err *err) {
  cp_pipe *p;
  if (docs == NULL && n > 0) {
    cp_err_set(err, CP_EINVAL, "cp_pipe_start: NULL documents");
    return NULL;
  }
  p = (cp_pipe *)calloc(1, sizeof(*p));
  if (p == NULL) {
    cp_err_set(err, CP_ENOMEM, "out of memory starting the tokenizer thread");
    return NULL;
  }
  p->docs = docs;
  p->n = n;
  p->mode = mode;
  if (n < 2) return p;   /* nothing to overlap */
  if (pthread_mutex_init(&p->mu, NULL) != 0) return p;
  if (pthread_cond_init(&p->ready, NULL) != 0) {
    pthread_mutex_destroy(&p->mu);
    return p;
  }
  if (pthread_cond_init(&p->room, NULL) != 0) {
    pthread_cond_destroy(&p->ready);
    pthread_mutex_destroy(&p->mu);
    return p;
  }
  if (pthread_create(&p->th, NULL, worker, p) != 0) {
    /* no thread (resource limits): work inline, same results */
    pthread_cond_destroy(&p->room);
    pthread_cond_destroy(&p->ready);
    pthread_mutex_destroy(&p->mu);
    return p;
  }
  p->threaded = 1;
  return p;
}

const cp_segprep *cp_pipe_next (cp_pipe *p) {
  size_t i;
  if (p == NULL || p->next >= p->n) return NULL;
  i = p->next++;
  if (!p->threaded) {
    cp_segprep *s = &p->slot[0];
    cp_segw_prepare(p->mode, p->docs[i].text, p->docs[i].textlen, s);
    return s;
  }
  pthread_mutex_lock(&p->mu);
  if (i > 0) {   /* release document i - 1 */
    p->freed = i;
    p->bytes -= p->docs[i - 1].textlen;
    if (p->wwait && roomy(p, p->done)) pthread_cond_signal(&p->room);
  }
  if (p->done <= i) {
    /* wait for a few documents, not one: fewer wake-ups of either side */
    p->want = i + WANT < p->n ? i + WANT : p->n;
    p->cwait = 1;
    while (p->done < p->want && !(p->done > i && p->wwait))
      pthread_cond_wait(&p->ready, &p->mu);
    p->cwait = 0;
  }
  pthread_mutex_unlock(&p->mu);
  return &p->slot[i % NSLOT];
}

void cp_pipe_stop (cp_pipe *p) {
  int k;
  if (p == NULL) return;
  if (p->threaded) {
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_signal(&p->room);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->th, NULL);
    pthread_cond_destroy(&p->room);
    pthread_cond_destroy(&p->ready);
    pthread_mutex_destroy(&p->mu);
  }
  for (k = 0; k < NSLOT; k++) cp_segprep_free(&p->slot[k]);
  free(p);
}
