/* SPDX-License-Identifier: MIT */
/*
 * The facts of one violation and their two renderings (text lines, JSON).
 * Formatting only: no system call, no allocation, async-signal-safe.
 * The formats are specified in <scopes/sigsys.h>.
 */
#ifndef SIGSYS_REPORT_H
#define SIGSYS_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include <scopes/table.h>

#include "out.h"

#define REPORT_FRAMES_MAX 64
#define REPORT_CALL_MAX 1024
#define REPORT_PATH_MAX 4096

enum report_action { REPORT_CORE, REPORT_EXIT, REPORT_CONTINUE };

struct report_frame {
	uintptr_t ip;
	const char *module;  /* NULL: no module loaded at install covers ip */
	uint64_t offset;     /* ip as an ELF virtual address of module */
	const char *symbol;  /* NULL: no symbol covers it */
	uint64_t symbol_offset;
};

struct violation {
	uint32_t arch;
	long nr;
	uint64_t args[6];
	char call[REPORT_CALL_MAX];  /* decode_syscall() output */
	char path[REPORT_PATH_MAX];  /* decode_path() output, "" if unknown */
	struct scopes_verdict verdict;
	int pledged;                 /* 0: no pledge yet, held is meaningless */
	scopes_set_t held;
	enum report_action action;
	int nframes;
	struct report_frame frames[REPORT_FRAMES_MAX];
};

/*
 * Name the frame at ip: its module and symbol from the tables read at
 * install. return_address: ip is a return address (every frame but the
 * innermost and those interrupted by a signal): the symbol is the one of
 * ip - 1, the call instruction, while the offsets stay relative to ip.
 */
void report_resolve_frame(struct report_frame *f, uintptr_t ip, int return_address);

/* Line 1, "scopes: violation: ...", without the newline. */
void report_line1(struct obuf *ob, const struct violation *v);
/* Line 2, "scopes: promises held: ...", without the newline. */
void report_held(struct obuf *ob, const struct violation *v);
/* A frame line, "#n 0x... in sym+0x.. (module+0x..)", without the newline. */
void report_frame_line(struct obuf *ob, const struct report_frame *f, int index);
/* The JSON object, on one line, without the newline. */
void report_json(struct obuf *ob, const struct violation *v);

#endif
