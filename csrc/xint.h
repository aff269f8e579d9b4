/*
** xint.h -- internals shared by the executor files (exec.c evaluates
** plans per segment; rank.c ranks; snippet.c marks text).  Not part of
** the C API.
*/
#ifndef CP_XINT_H
#define CP_XINT_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "corpus.h"
#include "plan.h"
#include "exec.h"

/* a span of local token positions [s, e) */
typedef struct cp_span { uint32_t s, e; } cp_span;
typedef struct cp_spans { cp_span *v; size_t n, cap; } cp_spans;
typedef struct cp_u32s { uint32_t *v; size_t n, cap; } cp_u32s;

/* what a node yields in one segment: spans sorted by (s, e) without
** duplicates, and the sorted local documents it matches (a superset
** of the documents of its spans) */
typedef struct cp_res { cp_spans sp; cp_u32s docs; } cp_res;

void cp_res_free (cp_res *r);

/* append to growable vectors; CP_ENOMEM on failure */
int cp_spans_push (cp_spans *v, uint32_t s, uint32_t e);
int cp_u32s_push (cp_u32s *v, uint32_t x);

/*
** Evaluate the plan over local documents [doc_lo, doc_hi) of segment
** 'segi'.  If 'leaves' is given, the result of each node leaves[i] is
** copied into leafres[i] (which must be zeroed) as it is computed.
*/
int cp_eval_seg (cp_corpus *c, size_t segi, const cp_plan *p,
                 const cp_limits *lim, uint32_t doc_lo, uint32_t doc_hi,
                 const cp_pnode *const *leaves, size_t nleaves,
                 cp_res *leafres, cp_res *out, cp_err *err);

/*
** The scoring parts of a plan: maximal positional subtrees outside NOT.
** Writes at most 'max' of them; returns how many there are.
*/
size_t cp_plan_leaves (const cp_pnode *root, const cp_pnode **out,
                       size_t max);

/*
** Turn a segment result into global matches appended to 'out': the
** spans of each live document of r->docs, or one match covering the
** whole document when it has none.
*/
int cp_emit (cp_corpus *c, size_t segi, const cp_res *r,
             uint64_t max_matches, cp_matches *out, cp_err *err);

#endif
