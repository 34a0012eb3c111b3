/* SPDX-License-Identifier: MIT */
/* Capabilities a pledge keeps (see caps.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>

#include "caps.h"
#include "system.h"

uint64_t caps_needed(scopes_set_t set)
{
	uint64_t caps = 0;
	for (int i = 0; i < SCOPES_P_COUNT; i++)
		if (set & (1ULL << i))
			caps |= scopes_promise_table[i].caps;
	return caps;
}

void caps_prepare(scopes_set_t set, enum scopes_penalty pen, scopes_set_t held,
		  struct caps_plan *plan)
{
	plan->drop = pen != SCOPES_PENALTY_LOG;
	plan->query = (held & SCOPES_P(STDIO)) != 0;
	plan->keep = caps_needed(set);
}

int caps_apply_thread(const struct caps_plan *plan, const struct caps_sets *now)
{
	uint64_t eff, perm, inh, keep = plan->keep;
	int rc;

	if (!plan->drop)
		return 0;
	if (!plan->query) {
		/* after a set without stdio only "" can follow: drop what is
		 * left with the calls every filter allows (capget is stdio's) */
		if (keep)
			return 0;
		rc = sys_cap_ambient_clear();
		return rc == 0 ? sys_capset(0, 0, 0) : rc;
	}
	if (now) {
		eff = now->eff;
		perm = now->perm;
		inh = now->inh;
	} else {
		rc = sys_capget(&eff, &perm, &inh);
		if (rc < 0)
			return rc;
	}
	/* The bounding set first: dropping from it needs CAP_SETPCAP, which
	 * the capset below takes away. Without CAP_SETPCAP no_new_privs is
	 * what keeps an exec from gaining capabilities back. */
	if (eff & (1ULL << CAP_SETPCAP)) {
		for (int cap = 0; cap < 64; cap++) {
			if (keep & (1ULL << cap))
				continue;
			rc = sys_capbset_drop(cap);
			if (rc == -EINVAL)
				break; /* past the kernel's last capability */
			if (rc < 0)
				return rc;
		}
	}
	/* Ambient capabilities survive execve: none but the kept ones. */
	uint64_t ambient = perm & inh & ~keep;
	if (ambient) {
		if (!keep) {
			rc = sys_cap_ambient_clear();
			if (rc < 0)
				return rc;
		}
		for (int cap = 0; keep && cap < 64; cap++) {
			if (!(ambient & (1ULL << cap)))
				continue;
			rc = sys_cap_ambient_lower(cap);
			if (rc < 0)
				return rc;
		}
	}
	if ((eff | perm | inh) & ~keep)
		return sys_capset(eff & keep, perm & keep, inh & keep);
	return 0;
}
