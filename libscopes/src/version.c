/* SPDX-License-Identifier: MIT */
/* The version of the library a program runs with (not the one it was built
 * against, which is SCOPES_VERSION_STRING in <scopes.h>). */
#include "scopes.h"
#include "table_internal.h"

SCOPES_EXPORT const char *scopes_version(void)
{
	return SCOPES_VERSION_STRING;
}
