/*
** extract_test.c -- the extractors from C: the generated tables are
** consistent (sorted, every word found through the hash), and one
** quote, name, date and number come out of a short text.
*/
#include <string.h>

#include "tap.h"
#include "extract.h"
#include "place.h"

int main (void) {
  size_t i;
  int sorted = 1, found = 1;
  const char *text = "Acting Special Envoy John Godfrey said on January 21 that "
                     "30 pct of 10,000 fighters are in Syria. \xE2\x80\x9CWe urge action,\xE2\x80\x9D he said.";
  cp_tokvec tv = {NULL, 0, 0};
  cp_extract x;
  cp_anchor an = {2021, 4, 5};
  cp_err err;
  for (i = 1; i < cp_lx_size; i++)
    if (strcmp(cp_lx_table[i - 1].word, cp_lx_table[i].word) >= 0) sorted = 0;
  TAP_OK(sorted, "lexicon table sorted (%zu words)", cp_lx_size);
  for (i = 0; i < cp_lx_size; i++)
    if (cp_lx_find(cp_lx_table[i].word, strlen(cp_lx_table[i].word)) != &cp_lx_table[i]) found = 0;
  TAP_OK(found, "every lexicon word found through the hash");
  sorted = 1;
  for (i = 1; i < cp_place_size; i++)
    if (strcmp(cp_place_table[i - 1].name, cp_place_table[i].name) >= 0) sorted = 0;
  TAP_OK(sorted, "place table sorted (%zu names)", cp_place_size);
  TAP_OK(cp_place_kind("SYRIA", 5) == 'c', "Syria is a country, any case");
  TAP_OK(cp_lx_find("said", 4) && (cp_lx_find("said", 4)->flags & CP_LX_CUE), "said is a cue");
  TAP_OK(cp_lx_find("xyzzy", 5) == NULL, "unknown word not found");

  memset(&x, 0, sizeof x);
  TAP_OK(cp_tok_run(text, strlen(text), CP_TOK_CORPUS, &tv, &err) == CP_OK, "tokenize");
  TAP_OK(cp_extract_run(text, strlen(text), &tv, &an, CP_X_ALL, &x, &err) == CP_OK, "extract");
  TAP_OK(x.quotes.n >= 1 && x.quotes.v[x.quotes.n - 1].kind == CP_Q_DIRECT
         && x.quotes.v[x.quotes.n - 1].speaker >= 0, "a direct quote with a speaker");
  if (x.quotes.n >= 1 && x.quotes.v[x.quotes.n - 1].speaker >= 0) {
    const cp_entity *e = &x.ents.v[x.quotes.v[x.quotes.n - 1].speaker];
    TAP_OK(e->stop - e->start == 12 && memcmp(text + e->start, "John Godfrey", 12) == 0,
           "the speaker is John Godfrey");
  }
  TAP_OK(x.dates.n == 1 && strcmp(x.dates.v[0].value, "2021-01-21") == 0, "January 21 -> 2021-01-21");
  TAP_OK(x.nums.n == 2 && x.nums.v[0].value == 30 && x.nums.v[0].unit
         && strcmp(x.nums.v[0].unit, "percent") == 0 && x.nums.v[1].value == 10000,
         "30 pct and 10,000");
  TAP_OK(cp_extract_run(NULL, 5, &tv, NULL, CP_X_ALL, &x, &err) == CP_EINVAL, "NULL text rejected");
  {
    double v;
    TAP_OK(cp_number_parse("1,00,000", 8, &v) && v == 100000, "1,00,000 = 100000");
    TAP_OK(cp_number_parse("10.000.000", 10, &v) && v == 10000000, "10.000.000 = 10000000");
    TAP_OK(!cp_number_parse("1.2.3", 5, &v), "1.2.3 is not a number");
  }
  {
    cp_anchor a;
    TAP_OK(cp_anchor_parse("2021-02-29", 10, &a) == 0, "2021-02-29 is not an anchor");
    TAP_OK(cp_anchor_parse("2020-02-29", 10, &a) == 1 && a.day == 29, "2020-02-29 is");
  }
  cp_tokvec_free(&tv);
  cp_extract_free(&x);
  return tap_done();
}
