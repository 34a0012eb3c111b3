/* SPDX-License-Identifier: MIT */
/* Shared between the installer (install.c) and the handler (handler.c). */
#ifndef SIGSYS_INTERNAL_H
#define SIGSYS_INTERNAL_H

#include <signal.h>

#include "report.h"

struct sigsys_config {
	enum report_action action;
	int exit_status;
	int report_fd;     /* -1: no text */
	int json_fd;       /* -1: no JSON */
	int read_strings;  /* string arguments through memprobe */
	int backtrace;     /* unwind with libunwind */
};

/* Written once by scopes_sigsys_install before the handler is installed. */
extern struct sigsys_config sigsys_cfg;

/* The SIGSYS handler (sa_sigaction). */
void sigsys_handler(int sig, siginfo_t *si, void *ucontext);

/* A fork while another thread was reporting leaves the child's copy of the
 * handler's lock held: the pthread_atfork child hook releases it. */
void sigsys_handler_atfork_child(void);

#endif
