/*
** align.c -- gapped extension of a seed: Gotoh's affine-gap recurrence
** over word hashes, banded around the best cell of the previous row and
** stopped by an X-drop (as BLAST's gapped extension, Zhang et al. 2000).
**
** Written here because no Debian library aligns sequences of arbitrary
** 64-bit symbols with an X-drop: the bioinformatics aligners work on
** small alphabets.  Cells carry their path's column and equal-word
** counts, so no traceback matrix is kept: a row is O(band) memory.
**
** Cell (i, j) is the best alignment of the first i words of a with the
** first j words of b that starts just after the seed:
**   H(i,j) = max(H(i-1,j-1) + s(a_i, b_j), E(i,j), F(i,j))
**   E(i,j) = max(H(i-1,j) - gap, E(i-1,j) - gap_extend)   word of a only
**   F(i,j) = max(H(i,j-1) - gap, F(i,j-1) - gap_extend)   word of b only
** with s = 1 for equal words and -mismatch otherwise.  The extension's
** end is the cell of best H (a match, since nothing else raises it).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reuse.h"

#define NEG (-HUGE_VAL)

typedef struct cell {
  double h, e, f;
  uint32_t hc, hs, ec, es, fc, fs;   /* columns / equal words of each path */
} cell;

/* word k of x read in direction dir (x points at the first word after
** the seed for dir > 0, at the seed's first word for dir < 0) */
static uint64_t word_at (const uint64_t *x, int dir, uint32_t k) {
  return dir > 0 ? x[k] : *(x - 1 - (size_t)k);
}

static void cell_clear (cell *c) {
  c->h = c->e = c->f = NEG;
  c->hc = c->hs = c->ec = c->es = c->fc = c->fs = 0;
}

int cp_align_extend (const uint64_t *a, uint32_t na, const uint64_t *b,
                     uint32_t nb, int dir, const cp_align_cost *k,
                     cp_ext *out, uint64_t *work, cp_err *err) {
  uint32_t band = k->band ? k->band : 1, width = 2 * band + 1;
  cell *prev, *cur, *tmp;
  uint32_t plo, phi, lo, hi, i, j, center = 0;
  double best = 0, floor_;
  memset(out, 0, sizeof(*out));
  if (a == NULL || b == NULL || na == 0 || nb == 0) return CP_OK;
  prev = (cell *)malloc(2 * (size_t)(width + 1) * sizeof(cell));
  if (prev == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
  cur = prev + width + 1;
  /* row 0: only gaps in a (words of b alone) */
  plo = 0;
  phi = nb < band ? nb : band;
  for (j = plo; j <= phi; j++) {
    cell *c = &prev[j - plo];
    cell_clear(c);
    if (j == 0) { c->h = 0; continue; }
    c->f = -(k->gap + (double)(j - 1) * k->gap_extend);
    c->fc = j;
    if (c->f >= -k->xdrop) { c->h = c->f; c->hc = j; }
  }
  *work += phi - plo + 1;
  for (i = 1; i <= na; i++) {
    uint64_t ai = word_at(a, dir, i - 1);
    double rowbest = NEG;
    int alive = 0;
    lo = center > band ? center - band : 0;
    hi = center + band < nb ? center + band : nb;
    floor_ = best - k->xdrop;
    for (j = lo; j <= hi; j++) {
      cell *c = &cur[j - lo];
      const cell *up = (j >= plo && j <= phi) ? &prev[j - plo] : NULL;
      const cell *dg = (j >= 1 && j - 1 >= plo && j - 1 <= phi)
                     ? &prev[j - 1 - plo] : NULL;
      const cell *lf = j > lo ? &cur[j - 1 - lo] : NULL;
      cell_clear(c);
      if (up != NULL) {                       /* E: a word of a alone */
        double o = up->h - k->gap, x = up->e - k->gap_extend;
        if (o >= x && up->h > NEG) { c->e = o; c->ec = up->hc + 1; c->es = up->hs; }
        else if (up->e > NEG) { c->e = x; c->ec = up->ec + 1; c->es = up->es; }
      }
      if (lf != NULL) {                       /* F: a word of b alone */
        double o = lf->h - k->gap, x = lf->f - k->gap_extend;
        if (o >= x && lf->h > NEG) { c->f = o; c->fc = lf->hc + 1; c->fs = lf->hs; }
        else if (lf->f > NEG) { c->f = x; c->fc = lf->fc + 1; c->fs = lf->fs; }
      }
      if (dg != NULL && dg->h > NEG && j >= 1) {
        int eq = word_at(b, dir, j - 1) == ai;
        c->h = dg->h + (eq ? 1.0 : -k->mismatch);
        c->hc = dg->hc + 1;
        c->hs = dg->hs + (uint32_t)eq;
      }
      if (c->e > c->h) { c->h = c->e; c->hc = c->ec; c->hs = c->es; }
      if (c->f > c->h) { c->h = c->f; c->hc = c->fc; c->hs = c->fs; }
      if (c->h < floor_) c->h = NEG;
      if (c->e < floor_) c->e = NEG;
      if (c->f < floor_) c->f = NEG;
      if (c->h > NEG || c->e > NEG) alive = 1;
      if (c->h > rowbest) { rowbest = c->h; center = j; }
      if (c->h > best) {
        best = c->h;
        out->score = best; out->la = i; out->lb = j;
        out->cols = c->hc; out->same = c->hs;
      }
    }
    *work += hi - lo + 1;
    if (!alive) break;
    tmp = prev; prev = cur; cur = tmp;
    plo = lo; phi = hi;
  }
  free(prev < cur ? prev : cur);
  return CP_OK;
}
