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
** with s = 1 for equal words and -mismatch otherwise, and no gap longer
** than maxgap words (with cheap gap extension the X-drop alone would let
** gaps of dozens of words live, and the rows grow wide).  The extension's
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
  uint32_t el, fl;                   /* length of the gap E / F ends */
} cell;

/* word k of x read in direction dir (x points at the first word after
** the seed for dir > 0, at the seed's first word for dir < 0) */
static uint64_t word_at (const uint64_t *x, int dir, uint32_t k) {
  return dir > 0 ? x[k] : *(x - 1 - (size_t)k);
}

static void cell_clear (cell *c) {
  c->h = c->e = c->f = NEG;
  c->hc = c->hs = c->ec = c->es = c->fc = c->fs = c->el = c->fl = 0;
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
  if (phi > k->maxgap) phi = k->maxgap;
  for (j = plo; j <= phi; j++) {
    cell *c = &prev[j - plo];
    cell_clear(c);
    if (j == 0) { c->h = 0; continue; }
    c->f = -(k->gap + (double)(j - 1) * k->gap_extend);
    c->fc = j;
    c->fl = j;
    if (c->f >= -k->xdrop) { c->h = c->f; c->hc = j; }
  }
  *work += phi - plo + 1;
  for (i = 1; i <= na; i++) {
    uint64_t ai = word_at(a, dir, i - 1);
    double rowbest = NEG;
    uint32_t top, alo = UINT32_MAX, ahi = 0;
    /* the live cells of a row lie between the previous row's first live
    ** cell and one past its last, plus a run of horizontal gaps */
    lo = center > band ? center - band : 0;
    if (lo < plo) lo = plo;
    top = center + band < nb ? center + band : nb;
    hi = top;
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
        if (o >= x && up->h > NEG) {
          c->e = o; c->ec = up->hc + 1; c->es = up->hs; c->el = 1;
        } else if (up->e > NEG && up->el < k->maxgap) {
          c->e = x; c->ec = up->ec + 1; c->es = up->es; c->el = up->el + 1;
        }
      }
      if (lf != NULL) {                       /* F: a word of b alone */
        double o = lf->h - k->gap, x = lf->f - k->gap_extend;
        if (o >= x && lf->h > NEG) {
          c->f = o; c->fc = lf->hc + 1; c->fs = lf->hs; c->fl = 1;
        } else if (lf->f > NEG && lf->fl < k->maxgap) {
          c->f = x; c->fc = lf->fc + 1; c->fs = lf->fs; c->fl = lf->fl + 1;
        }
      }
      if (dg != NULL && dg->h > NEG) {
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
      if (c->h > NEG || c->e > NEG) {
        if (alo == UINT32_MAX) alo = j;
        ahi = j;
      }
      if (c->h > rowbest) { rowbest = c->h; center = j; }
      if (c->h > best) {
        best = c->h;
        out->score = best; out->la = i; out->lb = j;
        out->cols = c->hc; out->same = c->hs;
      }
      /* past the previous row's cells only a horizontal gap goes on */
      if (j > phi && c->h == NEG && c->f == NEG) { hi = j; break; }
    }
    *work += hi - lo + 1;
    if (alo == UINT32_MAX) break;
    /* the next row reads this one through [plo, phi]: trim it to the
    ** live cells, which keeps the row short */
    if (alo > lo) {
      memmove(cur, cur + (alo - lo), (ahi - alo + 1) * sizeof(cell));
    }
    tmp = prev; prev = cur; cur = tmp;
    plo = alo; phi = ahi;
  }
  free(prev < cur ? prev : cur);
  return CP_OK;
}
