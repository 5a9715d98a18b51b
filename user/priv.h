/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * priv.h - dropping privileges once the capture is attached (libcap-ng).
 *
 * The running daemon then reads a ring buffer it has mapped (or a packet
 * socket libpcap has open), BPF maps through file descriptors it holds
 * and a REST socket already bound: none of it needs a capability (bpf(2)
 * on a map fd needs CAP_BPF only on kernels before 6.5 with unprivileged
 * BPF disabled; ofxdp then keeps it, see ofx_priv_raise()). Detaching at
 * exit needs nothing for tcx and XDP links (closing their fds detaches
 * them); clsact filters (kernels without tcx) need CAP_NET_ADMIN, and
 * removing --pin's pins as another user CAP_DAC_OVERRIDE: such
 * capabilities stay in the permitted set only, made effective at exit.
 */
#ifndef OFX_PRIV_H
#define OFX_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/**
 * struct ofx_priv_user - the user to become (--user NAME).
 * @name: as given; @uid, @gid: its passwd entry (the primary group)
 */
struct ofx_priv_user {
	char name[64];
	uid_t uid;
	gid_t gid;
};

/**
 * ofx_priv_lookup() - look @name up in the user database (getpwnam).
 * Return: 0, or -ENOENT (no such user) / -errno, with @err (@len bytes).
 */
int ofx_priv_lookup(const char *name, struct ofx_priv_user *u, char *err,
		    size_t len);

/**
 * ofx_priv_drop() - give up every capability but @keep (@nkeep CAP_*
 * numbers, kept in the permitted set only, not effective) and, with @u,
 * become @u: setgroups to none, setgid, setuid. Clears the bounding set
 * (when CAP_SETPCAP allows) and the ambient set, and sets no_new_privs.
 * Return: 0 or a negative error, with @err (@len bytes) saying which step
 * failed.
 */
int ofx_priv_drop(const struct ofx_priv_user *u, const int *keep, size_t nkeep,
		  char *err, size_t len);

/**
 * ofx_priv_raise() - make the permitted capability @cap effective.
 * Return: 0 or -EPERM (not permitted).
 */
int ofx_priv_raise(int cap);

/**
 * ofx_priv_forget() - remove @cap from the effective and permitted sets
 * for good. Return: 0 or -EPERM.
 */
int ofx_priv_forget(int cap);

/**
 * ofx_priv_describe() - "uid 65534, gid 65534, capabilities: none" (or
 * the permitted ones by name) into @buf (@len bytes), for the log.
 */
void ofx_priv_describe(char *buf, size_t len);

#endif
