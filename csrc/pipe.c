/*
** pipe.c -- tokenize ahead on worker threads (contract in pipe.h).
**
** A ring of NSLOT prepared documents between the workers (producers,
** worker k preparing documents k, k + W, k + 2W, ... in order) and one
** consumer (the caller, taking them in order).  Document i lives in
** slot i % NSLOT; a worker may run ahead of the caller by NSLOT
** documents or by about AHEAD bytes of input, whichever comes first, so
** memory stays bounded whatever the batch (a slot keeps its token
** vector, reused by later documents).  The document the caller waits
** for is never held back by either bound, so the ring cannot deadlock.
** One mutex guards the counters; each side signals the other only when
** it knows the other is waiting.  The halves take about the same time
** on running text (UN speeches), so one worker suits a batch of texts;
** a source that also parses (JSON Lines) uses two.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipe.h"

#define NSLOT 32   /* documents prepared ahead, at most */
#define AHEAD ((size_t)4 << 20)   /* input bytes prepared ahead, about */
#define MAXW 8     /* worker threads, at most */

struct cp_pipe {
  size_t n;
  int nw;                 /* workers; 0 when preparing inline */
  cp_pipe_fn fn;
  cp_pipe_drop drop;
  void *ud;
  const cp_docin *docs;   /* cp_pipe_start's batch */
  int mode;
  pthread_t th[MAXW];
  pthread_mutex_t mu;
  pthread_cond_t ready;   /* worker -> caller: the awaited document is ready */
  pthread_cond_t room;    /* caller -> workers: a slot was released */
  /* guarded by mu */
  size_t have[NSLOT];     /* 1 + the document prepared in the slot, or 0 */
  size_t freed;           /* documents released by the caller */
  size_t bytes;           /* input bytes of prepared, unreleased documents */
  int stop;               /* the caller wants no more */
  int wwait;              /* workers blocked on 'room' */
  int cwait;              /* the caller is blocked on 'ready' ... */
  size_t want;            /* ... for this document */
  /* the caller's own */
  size_t next;            /* documents handed out */
  size_t size[NSLOT];     /* input bytes of the slot's document */
  cp_segprep slot[NSLOT];
  void *aux[NSLOT];
};

typedef struct worker_arg { cp_pipe *p; size_t first; } worker_arg;

/* the worker may not start document i: its slot is still in use or the
** documents ahead already hold enough input (the next one is always
** allowed) */
static int full (const cp_pipe *p, size_t i) {
  return i - p->freed >= NSLOT || (i > p->freed && p->bytes >= AHEAD);
}

static size_t prep_doc (void *ud, size_t i, cp_segprep *s, void **aux) {
  const cp_pipe *p = (const cp_pipe *)ud;
  const cp_docin *d = &p->docs[i];
  (void)aux;
  cp_segw_prepare(p->mode, d->text, d->textlen, s);
  return d->textlen;
}

static void work (cp_pipe *p, size_t first) {
  size_t i;
  for (i = first; i < p->n; i += (size_t)p->nw) {
    size_t k = i % NSLOT, sz;
    pthread_mutex_lock(&p->mu);
    while (!p->stop && full(p, i)) {
      p->wwait++;
      pthread_cond_wait(&p->room, &p->mu);
      p->wwait--;
    }
    if (p->stop) { pthread_mutex_unlock(&p->mu);  return; }
    pthread_mutex_unlock(&p->mu);
    /* the slot is ours: the caller released document i - NSLOT */
    sz = p->fn(p->ud, i, &p->slot[k], &p->aux[k]);
    pthread_mutex_lock(&p->mu);
    p->have[k] = i + 1;
    p->size[k] = sz;
    p->bytes += sz;
    if (p->cwait && p->want == i) pthread_cond_signal(&p->ready);
    pthread_mutex_unlock(&p->mu);
  }
}

static void *worker (void *arg) {
  worker_arg *a = (worker_arg *)arg;
  cp_pipe *p = a->p;
  size_t first = a->first;
  free(a);
  work(p, first);
  return NULL;
}

int cp_pipe_workers (int max) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  if (max > MAXW) max = MAXW;
  if (n < 1) n = 1;
  return (int)(n < max ? n : (max < 1 ? 1 : max));
}

/* stop and join the first k workers (start failed half-way, or the end) */
static void join (cp_pipe *p, int k) {
  int j;
  pthread_mutex_lock(&p->mu);
  p->stop = 1;
  pthread_cond_broadcast(&p->room);
  pthread_mutex_unlock(&p->mu);
  for (j = 0; j < k; j++) pthread_join(p->th[j], NULL);
}

static cp_pipe *pipe_new (size_t n, cp_pipe_fn fn, cp_pipe_drop drop,
                          void *ud, cp_err *err) {
  cp_pipe *p = (cp_pipe *)calloc(1, sizeof(*p));
  if (p == NULL) {
    cp_err_set(err, CP_ENOMEM, "out of memory starting the tokenizer thread");
    return NULL;
  }
  p->n = n;
  p->fn = fn;
  p->drop = drop;
  p->ud = ud;
  return p;
}

/* start the workers; on any failure the pipe prepares inline */
static void pipe_run (cp_pipe *p, int nworkers) {
  int k;
  if (nworkers < 1) nworkers = 1;
  if (nworkers > MAXW) nworkers = MAXW;
  if ((size_t)nworkers > p->n / 2) nworkers = (int)(p->n / 2);   /* n < 2: inline */
  if (nworkers == 0) return;
  if (pthread_mutex_init(&p->mu, NULL) != 0) return;
  if (pthread_cond_init(&p->ready, NULL) != 0) {
    pthread_mutex_destroy(&p->mu);
    return;
  }
  if (pthread_cond_init(&p->room, NULL) != 0) {
    pthread_cond_destroy(&p->ready);
    pthread_mutex_destroy(&p->mu);
    return;
  }
  p->nw = nworkers;   /* the stride, fixed before any worker runs */
  for (k = 0; k < nworkers; k++) {
    worker_arg *a = (worker_arg *)malloc(sizeof(*a));
    if (a != NULL) { a->p = p;  a->first = (size_t)k; }
    if (a == NULL || pthread_create(&p->th[k], NULL, worker, a) != 0) {
      /* fewer threads than planned (resource limits): work inline */
      free(a);
      join(p, k);
      pthread_cond_destroy(&p->room);
      pthread_cond_destroy(&p->ready);
      pthread_mutex_destroy(&p->mu);
      p->nw = 0;
      p->stop = 0;
      memset(p->have, 0, sizeof(p->have));
      memset(p->size, 0, sizeof(p->size));
      p->bytes = 0;
      /* a worker may have prepared documents; they are prepared again */
      return;
    }
  }
}

cp_pipe *cp_pipe_start_fn (size_t n, int nworkers, cp_pipe_fn fn,
                           cp_pipe_drop drop, void *ud, cp_err *err) {
  cp_pipe *p;
  if (fn == NULL) {
    cp_err_set(err, CP_EINVAL, "cp_pipe_start_fn: NULL callback");
    return NULL;
  }
  if ((p = pipe_new(n, fn, drop, ud, err)) != NULL) pipe_run(p, nworkers);
  return p;
}

cp_pipe *cp_pipe_start (const cp_docin *docs, size_t n, int mode,
                        cp_err *err) {
  cp_pipe *p;
  if (docs == NULL && n > 0) {
    cp_err_set(err, CP_EINVAL, "cp_pipe_start: NULL documents");
    return NULL;
  }
  if ((p = pipe_new(n, prep_doc, NULL, NULL, err)) == NULL) return NULL;
  p->ud = p;   /* set before the worker starts (pthread_create orders it) */
  p->docs = docs;
  p->mode = mode;
  pipe_run(p, 1);
  return p;
}

const cp_segprep *cp_pipe_next_aux (cp_pipe *p, void **aux) {
  size_t i, k;
  if (aux != NULL) *aux = NULL;
  if (p == NULL || p->next >= p->n) return NULL;
  i = p->next++;
  k = i % NSLOT;
  if (p->nw == 0) {
    p->fn(p->ud, i, &p->slot[k], &p->aux[k]);
    if (aux != NULL) *aux = p->aux[k];
    return &p->slot[k];
  }
  pthread_mutex_lock(&p->mu);
  if (i > 0) {   /* release document i - 1 */
    p->freed = i;
    p->bytes -= p->size[(i - 1) % NSLOT];
    if (p->wwait > 0) pthread_cond_broadcast(&p->room);
  }
  while (p->have[k] != i + 1) {
    p->cwait = 1;
    p->want = i;
    pthread_cond_wait(&p->ready, &p->mu);
  }
  p->cwait = 0;
  pthread_mutex_unlock(&p->mu);
  if (aux != NULL) *aux = p->aux[k];
  return &p->slot[k];
}

const cp_segprep *cp_pipe_next (cp_pipe *p) {
  return cp_pipe_next_aux(p, NULL);
}

void cp_pipe_stop (cp_pipe *p) {
  int k;
  if (p == NULL) return;
  if (p->nw > 0) {
    join(p, p->nw);
    pthread_cond_destroy(&p->room);
    pthread_cond_destroy(&p->ready);
    pthread_mutex_destroy(&p->mu);
  }
  for (k = 0; k < NSLOT; k++) {
    cp_segprep_free(&p->slot[k]);
    if (p->aux[k] != NULL && p->drop != NULL) p->drop(p->ud, p->aux[k]);
  }
  free(p);
}
