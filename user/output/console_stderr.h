/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * console_stderr.h - while the full-screen console owns the terminal,
 * what ofxdp writes to stderr (warnings, errors, libbpf) goes into a pipe
 * instead of over the screen: the console shows its last line and, when
 * it gives the terminal back, everything is written to the real stderr.
 * The pipe's write end does not block: a writer never waits for the
 * console (past 64 KiB not yet read, messages are lost).
 */
#ifndef OFX_CONSOLE_STDERR_H
#define OFX_CONSOLE_STDERR_H

#include <stddef.h>

#define OFX_STDERR_KEEP 16384 /* bytes kept for the replay */

/** struct ofx_stderr - the diverted stderr. */
struct ofx_stderr {
	int saved; /* the real stderr (-1: not diverted) */
	int rd; /* the pipe's read end */
	char buf[OFX_STDERR_KEEP];
	size_t len;
	size_t lost; /* bytes that did not fit @buf */
};

/**
 * ofx_stderr_divert() - send fd 2 into a pipe if it is a terminal.
 * Return: 0 (diverted or nothing to do: @e->saved == -1) or -errno.
 */
int ofx_stderr_divert(struct ofx_stderr *e);

/**
 * ofx_stderr_drain() - read what is in the pipe. Return: the last
 * complete line read this time ("" if none); valid until the next call.
 */
const char *ofx_stderr_drain(struct ofx_stderr *e);

/** ofx_stderr_restore() - fd 2 back, and what was written to it. */
void ofx_stderr_restore(struct ofx_stderr *e);

#endif
