// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * console_stderr.c - stderr kept off the full-screen console (see
 * console_stderr.h).
 */
#define _GNU_SOURCE /* memrchr, pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "output/console_stderr.h"

int ofx_stderr_divert(struct ofx_stderr *e)
{
	int p[2];

	memset(e, 0, sizeof(*e));
	e->saved = e->rd = -1;
	if (!isatty(STDERR_FILENO))
		return 0;
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	fflush(stderr);
	e->saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (e->saved < 0 || dup2(p[1], STDERR_FILENO) < 0) {
		int err = -errno;

		if (e->saved >= 0)
			close(e->saved);
		e->saved = -1;
		close(p[0]);
		close(p[1]);
		return err;
	}
	close(p[1]);
	e->rd = p[0];
	return 0;
}

const char *ofx_stderr_drain(struct ofx_stderr *e)
{
	static char last[256];
	char chunk[4096];
	ssize_t n;

	last[0] = '\0';
	if (e->rd < 0)
		return last;
	while ((n = read(e->rd, chunk, sizeof(chunk))) > 0) {
		size_t room = sizeof(e->buf) - e->len, take = (size_t)n;
		char *end, *start;

		if (take > room) {
			e->lost += take - room;
			take = room;
		}
		memcpy(e->buf + e->len, chunk, take);
		e->len += take;
		/* the last complete line of this chunk */
		end = memrchr(chunk, '\n', (size_t)n);
		if (!end)
			continue;
		*end = '\0';
		start = memrchr(chunk, '\n', (size_t)(end - chunk));
		snprintf(last, sizeof(last), "%s", start ? start + 1 : chunk);
	}
	return last;
}

void ofx_stderr_restore(struct ofx_stderr *e)
{
	if (e->saved < 0)
		return;
	fflush(stderr);
	/* fd 2 back first: what other threads write from now on goes to
	 * it; then what the pipe still holds (its write end is closed: it
	 * drains to the end) */
	dup2(e->saved, STDERR_FILENO);
	ofx_stderr_drain(e);
	close(e->saved);
	close(e->rd);
	e->saved = e->rd = -1;
	if (e->len)
		fwrite(e->buf, 1, e->len, stderr);
	if (e->lost)
		fprintf(stderr, "ofxdp: %zu more bytes of messages lost\n",
			e->lost);
}
