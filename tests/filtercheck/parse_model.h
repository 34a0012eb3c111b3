/* SPDX-License-Identifier: MIT */
/*
 * The promise-string grammar, written from scopes.h and docs/promises.md rather
 * than from the library's parser: words separated by spaces, tabs or
 * newlines; every word a promise name; duplicates allowed; a string longer
 * than 4095 bytes refused. Shared by the parser fuzzer and the pledge sample
 * of the differential check.
 */
#ifndef SCOPES_FILTERCHECK_PARSE_MODEL_H
#define SCOPES_FILTERCHECK_PARSE_MODEL_H

#include <scopes/table.h>

#define PARSE_MODEL_MAX_LEN 4095

/*
 * Parse s. Returns 0 with the set in *set, -1 when the string must be refused
 * with EINVAL, or -2 when scopes_promise_index() and the list of names
 * (scopes_promise_name) disagree about a word (a library bug).
 */
int parse_model(const char *s, scopes_set_t *set);

#endif
