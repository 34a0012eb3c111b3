/* SPDX-License-Identifier: MIT */
/*
 * Command lines as a POSIX shell reads them back: what scopes-trace prints
 * must paste into a terminal and run the same program with the same
 * arguments. Pure (no kernel, no allocation but the result).
 */
#ifndef SCOPES_TRACE_QUOTE_H
#define SCOPES_TRACE_QUOTE_H

#include <stddef.h>

/* Longest argument printed whole where a line is only for reading (the
 * report's header); longer ones are abbreviated there and printed once,
 * whole, on the --verify line. */
#define QUOTE_ABBREV_OVER 200

/*
 * quote_arg - one argument, quoted for a POSIX shell: unchanged when every
 * byte is safe (letters, digits, and @%+=:,./-_), else in single quotes
 * with each ' written '\''; "" as ''. With abbrev_over > 0 and a longer
 * argument, its first bytes quoted and "…(N bytes)" after (not pasteable:
 * for reading only). Returns a malloc'd string, or NULL (out of memory).
 */
char *quote_arg(const char *arg, size_t abbrev_over);

/* quote_argv - the arguments quoted and joined with spaces (see quote_arg).
 * Returns a malloc'd string, or NULL. */
char *quote_argv(char *const *argv, size_t abbrev_over);

#endif
