// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * priv.c - dropping privileges once attached, with libcap-ng: see priv.h
 * for what the running daemon still needs.
 */
#include <cap-ng.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "priv.h"

int ofx_priv_lookup(const char *name, struct ofx_priv_user *u, char *err,
		    size_t len)
{
	struct passwd *pw;

	if (strlen(name) >= sizeof(u->name)) {
		snprintf(err, len, "no such user: %.64s...", name);
		return -ENOENT;
	}
	errno = 0;
	pw = getpwnam(name);
	if (!pw) {
		if (errno && errno != ENOENT && errno != ESRCH) {
			int rc = -errno;

			snprintf(err, len, "cannot look up user %s: %s", name,
				 strerror(-rc));
			return rc;
		}
		snprintf(err, len, "no such user: %s", name);
		return -ENOENT;
	}
	snprintf(u->name, sizeof(u->name), "%s", name);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 0;
}

int ofx_priv_drop(const struct ofx_priv_user *u, const int *keep, size_t nkeep,
		  char *err, size_t len)
{
	capng_select_t sel = CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT;
	bool setpcap;
	size_t i;
	int rc;

	if (capng_get_caps_process()) {
		snprintf(err, len, "cannot read the process's capabilities");
		return -EIO;
	}
	/* The bounding set only shrinks with CAP_SETPCAP (systemd units
	 * give no such thing): no_new_privs then keeps execve() from
	 * gaining anything anyway. */
	setpcap = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
	capng_clear(CAPNG_SELECT_ALL);
	for (i = 0; i < nkeep; i++)
		if (capng_update(CAPNG_ADD, CAPNG_PERMITTED,
				 (unsigned int)keep[i])) {
			snprintf(err, len, "unknown capability %d", keep[i]);
			return -EINVAL;
		}
	if (u) {
		rc = capng_change_id((int)u->uid, (int)u->gid,
				     CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_AMBIENT |
					     (setpcap ? CAPNG_CLEAR_BOUNDING
						      : CAPNG_NO_FLAG));
		if (rc) {
			snprintf(err, len,
				 "cannot become user %s (uid %u, gid %u): "
				 "libcap-ng error %d%s",
				 u->name, (unsigned int)u->uid,
				 (unsigned int)u->gid, rc,
				 geteuid() ? " (--user needs root)" : "");
			return -EPERM;
		}
	} else {
		if (setpcap)
			sel |= CAPNG_SELECT_BOUNDS;
		rc = capng_apply(sel);
		if (rc) {
			snprintf(err, len,
				 "cannot drop capabilities: libcap-ng error %d",
				 rc);
			return -EPERM;
		}
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		rc = -errno;
		snprintf(err, len, "cannot set no_new_privs: %s",
			 strerror(-rc));
		return rc;
	}
	return 0;
}

/* Apply @cap added to (@add) or removed from the sets @type. */
static int change(int cap, capng_type_t type, capng_act_t act)
{
	if (capng_get_caps_process() ||
	    capng_update(act, type, (unsigned int)cap) ||
	    capng_apply(CAPNG_SELECT_CAPS))
		return -EPERM;
	return 0;
}

int ofx_priv_raise(int cap)
{
	return change(cap, CAPNG_EFFECTIVE, CAPNG_ADD);
}

int ofx_priv_forget(int cap)
{
	return change(cap, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAPNG_DROP);
}

void ofx_priv_describe(char *buf, size_t len)
{
	char *caps = NULL;

	if (!capng_get_caps_process())
		caps = capng_print_caps_text(CAPNG_PRINT_BUFFER,
					     CAPNG_PERMITTED);
	snprintf(buf, len, "uid %u, gid %u, capabilities: %s",
		 (unsigned int)geteuid(), (unsigned int)getegid(),
		 caps && *caps ? caps : "none");
	free(caps);
}
