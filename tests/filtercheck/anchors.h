/* SPDX-License-Identifier: MIT */
/* Calls whose answer the spec fixes, checked by hand-written expectation. */
#ifndef SCOPES_FILTERCHECK_ANCHORS_H
#define SCOPES_FILTERCHECK_ANCHORS_H

#include <stdint.h>
#include <stdio.h>

/* Check every anchor; adds them to *count, returns how many failed. */
uint64_t anchors_check(FILE *out, uint64_t *count);

#endif
