/* SPDX-License-Identifier: MIT */
/*
 * <scopes/pledge.h> — OpenBSD's pledge(2) and unveil(2) names on Linux.
 *
 * Portable OpenBSD code builds unchanged with
 *     cc -include scopes/pledge.h prog.c -lscopes
 * Both functions are scopes_pledge() and scopes_unveil(); see <scopes.h> for
 * the errno values and scopes_pledge(3) for the differences from OpenBSD.
 */
#ifndef SCOPES_PLEDGE_H
#define SCOPES_PLEDGE_H

#ifdef __cplusplus
extern "C" {
#endif

int pledge(const char *promises, const char *execpromises);
int unveil(const char *path, const char *permissions);

#ifdef __cplusplus
}
#endif

#endif /* SCOPES_PLEDGE_H */
