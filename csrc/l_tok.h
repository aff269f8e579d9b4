/*
** l_tok.h -- Lua binding of the tokenizer (tok.h): wordbreaks,
** sentbreaks, tokenize, utf8_repair in the corpus.core module table.
*/
#ifndef CP_L_TOK_H
#define CP_L_TOK_H

#include <lua.h>

/* add the tokenizer functions to the module table at -2; the method
** table at -1 is left alone; the stack is left balanced */
int cpL_open_tok (lua_State *L);

#endif
