/*
** tok_test.c -- tokenizer tests: UAX #29 conformance over the Unicode
** test files (strict mode), UTF-8 repair, corpus tailoring.
**   build/ctest/tok_test [UCD auxiliary dir]
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "tok.h"

#define AUXDIR "/usr/share/unicode/auxiliary"

static size_t put_utf8 (char *o, unsigned long c) {
  if (c < 0x80) { o[0] = (char)c; return 1; }
  if (c < 0x800) {
    o[0] = (char)(0xC0 | (c >> 6)); o[1] = (char)(0x80 | (c & 0x3F));
    return 2;
  }
  if (c < 0x10000) {
    o[0] = (char)(0xE0 | (c >> 12)); o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    o[2] = (char)(0x80 | (c & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | (c >> 18)); o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((c >> 6) & 0x3F)); o[3] = (char)(0x80 | (c & 0x3F));
  return 4;
}

/*
** Run every case of a *BreakTest.txt file through 'fn' in strict mode;
** prints one TAP line "N of N cases pass" and each failure as a
** diagnostic.  Skips when the file is missing.
*/
static void conformance (const char *dir, const char *file,
    int (*fn)(const char *, size_t, int, size_t **, size_t *, cp_err *)) {
  char path[1024], line[4096];
  FILE *f;
  int cases = 0, pass = 0;
  snprintf(path, sizeof(path), "%s/%s", dir, file);
  f = fopen(path, "r");
  if (f == NULL) {
    tap_n++;
    printf("ok %d # skip %s not found (install unicode-data)\n", tap_n, path);
    return;
  }
  while (fgets(line, sizeof(line), f) != NULL) {
    char text[1024];
    size_t want[256], nwant = 0, tn = 0, *got = NULL, ngot = 0;
    char *p = line, *hash = strchr(line, '#');
    cp_err err;
    int ok;
    if (hash) *hash = '\0';
    while (*p) {
      if ((unsigned char)p[0] == 0xC3 && (unsigned char)p[1] == 0xB7) { /* ÷ */
        want[nwant++] = tn; p += 2;
      }
      else if ((unsigned char)p[0] == 0xC3 && (unsigned char)p[1] == 0x97) {
        p += 2;                                                      /* × */
      }
      else if (strchr("0123456789ABCDEFabcdef", *p)) {
        char *end;
        unsigned long c = strtoul(p, &end, 16);
        tn += put_utf8(text + tn, c);
        p = end;
      }
      else p++;
    }
    if (tn == 0) continue;
    cases++;
    ok = fn(text, tn, CP_TOK_STRICT, &got, &ngot, &err) == CP_OK
         && ngot == nwant && memcmp(got, want, nwant * sizeof(size_t)) == 0;
    if (ok) pass++;
    else {
      size_t i;
      printf("# FAIL %s:", file);
      for (i = 0; i < tn; i++) printf(" %02x", (unsigned char)text[i]);
      printf("\n#   want");
      for (i = 0; i < nwant; i++) printf(" %zu", want[i]);
      printf("\n#   got ");
      for (i = 0; i < ngot; i++) printf(" %zu", got[i]);
      printf("\n");
    }
    free(got);
  }
  fclose(f);
  TAP_OK(cases > 0 && pass == cases, "%s: %d of %d cases pass", file, pass,
         cases);
}

/* repair 's' and compare with 'want' and the count */
static void repair_case (const char *what, const char *s, size_t n,
                         const char *want, size_t wantn, size_t wantbad) {
  char *out = NULL;
  size_t outlen = 0, bad = 0;
  cp_err err;
  int rc = cp_utf8_repair(s, n, &out, &outlen, &bad, &err);
  if (want == NULL)
    TAP_OK(rc == CP_OK && out == NULL && bad == 0, "repair: %s stays", what);
  else
    TAP_OK(rc == CP_OK && out != NULL && outlen == wantn
           && memcmp(out, want, wantn) == 0 && out[outlen] == '\0'
           && bad == wantbad, "repair: %s (%zu replaced)", what, bad);
  free(out);
}

static void repair_tests (void) {
  repair_case("ASCII", "hello", 5, NULL, 0, 0);
  repair_case("NUL bytes are valid", "a\0b", 3, NULL, 0, 0);
  repair_case("valid 2/3/4-byte", "\xC3\xA9\xE2\x80\x99\xF0\x9F\x98\x80", 9,
              NULL, 0, 0);
  repair_case("lone continuation", "a\x80z", 3, "a\xEF\xBF\xBDz", 5, 1);
  repair_case("truncated 3-byte is one U+FFFD", "a\xE2\x80z", 4,
              "a\xEF\xBF\xBDz", 5, 1);
  repair_case("truncated at end", "a\xF0\x9F\x98", 4, "a\xEF\xBF\xBD", 4, 1);
  repair_case("overlong C0 80 is two", "\xC0\x80", 2,
              "\xEF\xBF\xBD\xEF\xBF\xBD", 6, 2);
  repair_case("overlong E0 80 80 is three", "\xE0\x80\x80", 3,
              "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 9, 3);
  repair_case("surrogate ED A0 80 is three", "\xED\xA0\x80", 3,
              "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 9, 3);
  repair_case("above U+10FFFF F4 90 80 80 is four", "\xF4\x90\x80\x80", 4,
              "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 12, 4);
  repair_case("F5 and FF bytes", "\xF5\xFF", 2,
              "\xEF\xBF\xBD\xEF\xBF\xBD", 6, 2);
  repair_case("NUL kept next to bad byte", "\0\xFF\0", 3,
              "\0\xEF\xBF\xBD\0", 5, 1);
  {
    /* Unicode ch. 3 example: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 */
    const char in[] = "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64";
    const char want[] = "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "b"
                        "\xEF\xBF\xBD" "c\xEF\xBF\xBD\xEF\xBF\xBD" "d";
    repair_case("Unicode ch. 3 example", in, sizeof(in) - 1, want,
                sizeof(want) - 1, 6);
  }
  {
    char *out = (char *)1;
    size_t ol = 1, bad = 1;
    cp_err err;
    TAP_OK(cp_utf8_repair(NULL, 3, &out, &ol, &bad, &err) == CP_EINVAL,
           "repair: NULL text with n > 0 is EINVAL (%s)", err.msg);
    TAP_OK(cp_utf8_repair("", 0, &out, &ol, &bad, &err) == CP_OK && out == NULL,
           "repair: empty text is valid");
  }
}

/* tokenize in corpus mode and compare "tok|tok|..." (punct not marked) */
static void tok_case (const char *what, const char *s, const char *want) {
  cp_tokvec tv = {NULL, 0, 0};
  cp_err err;
  char got[2048];
  size_t i, o = 0;
  int rc = cp_tok_run(s, strlen(s), CP_TOK_CORPUS, &tv, &err);
  got[0] = '\0';
  for (i = 0; rc == CP_OK && i < tv.n; i++) {
    size_t l = tv.v[i].stop - tv.v[i].start;
    if (o + l + 2 >= sizeof(got)) break;
    if (i > 0) got[o++] = '|';
    memcpy(got + o, s + tv.v[i].start, l);
    o += l;
    got[o] = '\0';
  }
  TAP_OK(rc == CP_OK && strcmp(got, want) == 0, "corpus: %s", what);
  if (strcmp(got, want) != 0) printf("#   got  %s\n#   want %s\n", got, want);
  cp_tokvec_free(&tv);
}

/* sentence starts as "1" / "0" per token, paragraph starts likewise */
static void flag_case (const char *what, const char *s, unsigned flag,
                       const char *want) {
  cp_tokvec tv = {NULL, 0, 0};
  cp_err err;
  char got[512];
  size_t i;
  int rc = cp_tok_run(s, strlen(s), CP_TOK_CORPUS, &tv, &err);
  for (i = 0; rc == CP_OK && i < tv.n && i + 1 < sizeof(got); i++)
    got[i] = (tv.v[i].flags & flag) ? '1' : '0';
  got[i] = '\0';
  TAP_OK(rc == CP_OK && strcmp(got, want) == 0, "flags: %s", what);
  if (strcmp(got, want) != 0) printf("#   got  %s\n#   want %s\n", got, want);
  cp_tokvec_free(&tv);
}

static void tailoring_tests (void) {
  tok_case("intra-word hyphens", "Al-Hol so-called Coalition-led 2019-2020",
           "Al-Hol|so-called|Coalition-led|2019-2020");
  tok_case("U+2010 and U+2011 hyphens", "a\xE2\x80\x90" "b c\xE2\x80\x91" "d",
           "a\xE2\x80\x90" "b|c\xE2\x80\x91" "d");
  tok_case("spaced, double hyphen and em dash split",
           "war - peace war--peace war\xE2\x80\x94peace",
           "war|-|peace|war|--|peace|war|\xE2\x80\x94|peace");
  tok_case("abbreviations keep their period",
           "U.S. U.K. e.g. Mr. Dr. etc. Jan. 5",
           "U.S.|U.K.|e.g.|Mr.|Dr.|etc.|Jan.|5");
  tok_case("abbreviation list is case-sensitive", "MR. mr.", "MR|.|mr|.");
  tok_case("No. only before a number", "No. 5 No. I", "No.|5|No|.|I");
  tok_case("hyphen after an abbreviation", "U.S.-led U.S.- x",
           "U.S.-led|U.S.|-|x");
  tok_case("initials", "Antony J. Blinken", "Antony|J.|Blinken");
  tok_case("apostrophes", "ISIS\xE2\x80\x99s ISIS's countries\xE2\x80\x99 x",
           "ISIS\xE2\x80\x99s|ISIS's|countries|\xE2\x80\x99|x");
  tok_case("numbers with separators", "10,000 2.5 1,234.56",
           "10,000|2.5|1,234.56");
  tok_case("slash splits", "Daesh/ISIS", "Daesh|/|ISIS");
  tok_case("ellipsis run", "wait... what", "wait|...|what");
  tok_case("curly quotes", "\xE2\x80\x9CHi,\xE2\x80\x9D he said.",
           "\xE2\x80\x9C|Hi|,|\xE2\x80\x9D|he|said|.");
  tok_case("empty", "", "");
  tok_case("whitespace and controls dropped", " \t\r\n\x01 ", "");
  flag_case("sentences", "U.S. Acting Special Envoy said so. Mr. Smith left! Yes.",
            CP_TF_SSTART, "1000000100010");
  flag_case("paragraphs at blank lines", "a b\nc\n \nd", CP_TF_PSTART, "1001");
  flag_case("lines are paragraphs without blank lines", "a b\nc\nd",
            CP_TF_PSTART, "1011");
  flag_case("wrapped text: indented lines start paragraphs",
            "a b\nc d.\n    e f\ng\n  h", CP_TF_PSTART, "100001001");
  flag_case("wrapped text: no sentence break at line ends",
            "a b\nc d.\n    e f\ng\n  h", CP_TF_SSTART, "100001001");
  flag_case("paragraph start is sentence start", "a b\nc\nd", CP_TF_SSTART,
            "1011");
  flag_case("punct flag", "a , 1 \xE2\x80\x9C", CP_TF_PUNCT, "0101");
}

/*
** Random strings built from troublesome pieces (invalid bytes, marks,
** ZWJ, flags, quotes, abbreviations, line breaks): spans must be sane
** in both modes, every corpus token must be a corpus word segment, and
** the boundary lists must be strictly increasing from 0 to n.
*/
static void fuzz_tests (void) {
  static const char *const pieces[] = {
    "a", "Z", "1", ".", ",", "'", "\xE2\x80\x99", "-", "\xE2\x80\x90", " ",
    "\n", "\r", "\t", "\0", "\xFF", "\xE2\x80", "\xC3\xA9", "\xCC\x81",
    "\xE2\x80\x8D", "\xF0\x9F\x98\x80", "\xF0\x9F\x87\xBA", "!", "?",
    "\xE2\x80\x9D", "(", ")", "Mr", "U", "S", "No", "5", "..", "\xE2\x80\xA9",
    "\xC2\xA0", "_", "\xD7\xA9", "\"", "\xE3\x82\xAB", "e", "g", "  "
  };
  const size_t np = sizeof(pieces) / sizeof(pieces[0]);
  unsigned long seed = 12345;
  int round, bad = 0, rounds = 3000;
  for (round = 0; round < rounds && !bad; round++) {
    char text[512];
    size_t n = 0, k, len = (size_t)(round % 40) + 1, i, j;
    int mode;
    for (k = 0; k < len; k++) {
      const char *p;
      size_t pl;
      seed = seed * 6364136223846793005UL + 1442695040888963407UL;
      p = pieces[(seed >> 33) % np];
      pl = (p[0] == '\0' && p == pieces[13]) ? 1 : strlen(p);
      memcpy(text + n, p, pl);
      n += pl;
    }
    for (mode = 0; mode < 2 && !bad; mode++) {
      cp_tokvec tv = {NULL, 0, 0};
      size_t *wb = NULL, nwb = 0, *sb = NULL, nsb = 0;
      cp_err err;
      if (cp_tok_run(text, n, mode, &tv, &err) != CP_OK
          || cp_tok_wordbreaks(text, n, mode, &wb, &nwb, &err) != CP_OK
          || cp_tok_sentbreaks(text, n, mode, &sb, &nsb, &err) != CP_OK)
        bad = 1;
      for (i = 1; !bad && i < nwb; i++) if (wb[i] <= wb[i - 1]) bad = 2;
      for (i = 1; !bad && i < nsb; i++) if (sb[i] <= sb[i - 1]) bad = 3;
      if (!bad && (nwb < 2 || wb[0] != 0 || wb[nwb - 1] != n)) bad = 4;
      if (!bad && (nsb < 2 || sb[0] != 0 || sb[nsb - 1] != n)) bad = 5;
      for (i = 0, j = 0; !bad && i < tv.n; i++) {
        const cp_tok *t = &tv.v[i];
        if (t->start >= t->stop || t->stop > n
            || (i > 0 && t->start < tv.v[i - 1].stop)) bad = 6;
        while (j < nwb && wb[j] < t->start) j++;
        if (!bad && (j + 1 >= nwb || wb[j] != t->start || wb[j + 1] != t->stop))
          bad = 7;
        if (!bad && i == 0 && (t->flags & (CP_TF_SSTART | CP_TF_PSTART))
            != (CP_TF_SSTART | CP_TF_PSTART)) bad = 8;
        if (!bad && (t->flags & CP_TF_PSTART) && !(t->flags & CP_TF_SSTART))
          bad = 9;
      }
      if (bad) {
        printf("# fuzz round %d mode %d failed (%d):", round, mode, bad);
        for (i = 0; i < n; i++) printf(" %02x", (unsigned char)text[i]);
        printf("\n");
      }
      cp_tokvec_free(&tv);
      free(wb);
      free(sb);
    }
  }
  TAP_OK(!bad, "fuzz: %d random texts give sane spans and boundaries", round);
}

int main (int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : AUXDIR;
  conformance(dir, "WordBreakTest.txt", cp_tok_wordbreaks);
  conformance(dir, "SentenceBreakTest.txt", cp_tok_sentbreaks);
  repair_tests();
  tailoring_tests();
  fuzz_tests();
  return tap_done();
}
