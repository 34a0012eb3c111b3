/* SPDX-License-Identifier: MIT */
/*
 * report — scopes-trace's findings, for people (the suggested call first,
 * then why) and for programs (one JSON object; see scopes-trace --help).
 */
#ifndef SCOPES_TRACE_REPORT_H
#define SCOPES_TRACE_REPORT_H

#include <stdio.h>

#include "trace.h"

/* Write the human report; colour: use ANSI colours. */
void report_human(const struct trace_run *run, FILE *out, int colour);

/* Write the JSON report. Returns 0, or -1 if the document could not be
 * built (out of memory). */
int report_json(const struct trace_run *run, FILE *out);

#endif
