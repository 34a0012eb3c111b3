/* SPDX-License-Identifier: MIT */
/* Promise indices: the order of the table in promise_table.c and of the spec. */
#ifndef SCOPES_PROMISES_H
#define SCOPES_PROMISES_H

enum scopes_promise_id {
	SCOPES_P_STDIO,
	SCOPES_P_RPATH,
	SCOPES_P_WPATH,
	SCOPES_P_CPATH,
	SCOPES_P_DPATH,
	SCOPES_P_TMPPATH,
	SCOPES_P_FATTR,
	SCOPES_P_CHOWN,
	SCOPES_P_FLOCK,
	SCOPES_P_INET,
	SCOPES_P_MCAST,
	SCOPES_P_UNIX,
	SCOPES_P_SENDFD,
	SCOPES_P_RECVFD,
	SCOPES_P_DNS,
	SCOPES_P_GETPW,
	SCOPES_P_TTY,
	SCOPES_P_PROC,
	SCOPES_P_EXEC,
	SCOPES_P_PROT_EXEC,
	SCOPES_P_SETTIME,
	SCOPES_P_ID,
	SCOPES_P_PS,
	SCOPES_P_VMINFO,
	SCOPES_P_ROUTE,
	SCOPES_P_UNVEIL,
	SCOPES_P_ERROR,
	SCOPES_P_AUDIO,
	SCOPES_P_VIDEO,
	SCOPES_P_DRM,
	SCOPES_P_BPF,
	SCOPES_P_PF,
	SCOPES_P_TAPE,
	SCOPES_P_DISKLABEL,
	SCOPES_P_VMM,
	SCOPES_P_WROUTE,
	SCOPES_P_COUNT
};

#define SCOPES_P(x) (1ULL << SCOPES_P_##x)

/* Internal, never parsed from a string: exec's loader grants (its
 * incidental rows and Landlock side paths) without execve itself. scopes-run
 * holds it with one pinned execve, so that the target's code that runs before
 * the shim (IFUNC resolvers) gets no exec (Revision 2). */
#define SCOPES_LOADER_ONLY (1ULL << 62)
/* Internal, never parsed: exec without its loader's reads (the incidental
 * rows but the executable file mapping). A pledge whose exec'd images the
 * exec supervisor lets run (supervise.h) is built with it: the supervisor
 * answers the new image's loader, and the image that pledged opens no file
 * through exec. It keeps mapping an open library executable: glibc loads
 * NSS modules into it (inetd's child: initgroups() maps libnss_systemd). */
#define SCOPES_NO_INCIDENTAL (1ULL << 61)

#endif
