// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * console.c - the live console's thread (see console.h).
 */
#define _GNU_SOURCE /* pthread_timedjoin_np */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "output/console.h"
#include "output/console_lines.h"
#include "output/console_stderr.h"
#include "output/console_tui.h"

#define KEY_POLL_MS 100 /* the UI looks at its stop request this often */
#define STOP_WAIT_S 2 /* at the end, wait this long for blocked output */

struct ofx_console {
	struct ofx_console_opts o;
	enum ofx_console_kind kind;
	struct ofx_tui *tui;
	struct ofx_stderr err; /* stderr while the full-screen UI runs */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop; /* under @lock (and read atomically by the UI loop) */
	int io_err;
	struct ofx_stats *cur, *prev;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One plain line or NDJSON snapshot of what is published now. */
static void print_frame(struct ofx_console *c)
{
	struct ofx_views *v;
	int rc;

	ofx_stats_read(c->o.pub, c->cur, c->prev);
	errno = 0;
	if (c->kind == OFX_CONSOLE_JSON) {
		v = ofx_stats_views(c->o.pub);
		rc = ofx_console_ndjson(stdout, c->cur, c->prev, v, c->o.info);
		ofx_views_put(v);
	} else {
		rc = ofx_console_line(stdout, c->cur, c->prev, c->o.info);
	}
	if (!rc)
		return;
	if (errno == EPIPE && !c->io_err) {
		/* the reader is gone (`| head`): end as SIGPIPE would */
		ofx_warn("stdout closed: stopping\n");
		*c->o.stop_flag = 1;
		rc = -EPIPE;
	}
	if (!c->io_err)
		c->io_err = rc;
	clearerr(stdout);
}

static void run_lines(struct ofx_console *c, uint64_t step)
{
	uint64_t next = mono_ns() + step;

	pthread_mutex_lock(&c->lock);
	while (!c->stop) {
		struct timespec ts = {.tv_sec = (time_t)(next / 1000000000ull),
				      .tv_nsec = (long)(next % 1000000000ull)};

		if (pthread_cond_timedwait(&c->cond, &c->lock, &ts) !=
			    ETIMEDOUT ||
		    c->stop)
			continue;
		pthread_mutex_unlock(&c->lock);
		print_frame(c);
		next += step;
		if (next < mono_ns())
			next = mono_ns() + step;
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	print_frame(c); /* the final snapshot */
}

static void run_tui(struct ofx_console *c, uint64_t step)
{
	uint64_t next = 0;

	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		uint64_t now = mono_ns();
		const char *msg = ofx_stderr_drain(&c->err);
		int wait;

		if (*msg)
			ofx_tui_message(c->tui, msg);

		if (now >= next) {
			ofx_stats_read(c->o.pub, c->cur, c->prev);
			ofx_tui_update(c->tui, c->cur, c->prev,
				       ofx_stats_views(c->o.pub));
			next = now + step;
		}
		/* (clamped before the cast: an interval of days fits no int) */
		wait = (next - now) / 1000000ull > KEY_POLL_MS
			       ? KEY_POLL_MS
			       : (int)((next - now) / 1000000ull);
		switch (ofx_tui_keys(c->tui, wait > 0 ? wait : 1)) {
		case 1:
			*c->o.stop_flag = 1; /* q: as SIGINT */
			break;
		case 2:
			next = 0;
			break;
		}
	}
}

static void *console_thread(void *arg)
{
	struct ofx_console *c = arg;
	uint64_t step = (uint64_t)(c->o.interval_s * 1e9);
	sigset_t winch;

	if (c->kind == OFX_CONSOLE_TUI) {
		/* terminal resizes come to this thread (ncurses' handler) */
		sigemptyset(&winch);
		sigaddset(&winch, SIGWINCH);
		pthread_sigmask(SIG_UNBLOCK, &winch, NULL);
		run_tui(c, step);
	} else {
		run_lines(c, step);
	}
	return NULL;
}

int ofx_console_start(const struct ofx_console_opts *o,
		      struct ofx_console **out)
{
	struct ofx_console *c = calloc(1, sizeof(*c));
	pthread_condattr_t ca;
	sigset_t winch, old;
	int rc;

	*out = NULL;
	if (!c)
		return -ENOMEM;
	c->o = *o;
	c->err.saved = c->err.rd = -1;
	c->cur = malloc(sizeof(*c->cur));
	c->prev = malloc(sizeof(*c->prev));
	if (!c->cur || !c->prev) {
		rc = -ENOMEM;
		goto fail;
	}
	c->kind = o->json ? OFX_CONSOLE_JSON : OFX_CONSOLE_LINES;
	if (!o->json && ofx_tui_usable()) {
		rc = ofx_tui_open(o->info, &c->tui);
		if (!rc && o->events)
			ofx_tui_set_events(c->tui, o->events);
		if (!rc) {
			c->kind = OFX_CONSOLE_TUI;
			ofx_stderr_divert(&c->err); /* failed: as it was */
		} else {
			ofx_debug("no full-screen console (%s): plain lines\n",
				  rc == -ENOTTY ? "terminal unusable"
						: "out of memory");
		}
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cond, &ca);
	pthread_condattr_destroy(&ca);
	/* SIGWINCH only to the console thread, not the capture's polls */
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	pthread_sigmask(SIG_BLOCK, &winch, &old);
	rc = -pthread_create(&c->thread, NULL, console_thread, c);
	if (rc) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		pthread_cond_destroy(&c->cond);
		pthread_mutex_destroy(&c->lock);
		ofx_tui_close(c->tui);
		ofx_stderr_restore(&c->err);
		goto fail;
	}
	*out = c;
	return 0;
fail:
	free(c->cur);
	free(c->prev);
	free(c);
	return rc;
}

enum ofx_console_kind ofx_console_kind(const struct ofx_console *c)
{
	return c->kind;
}

/*
 * Join the console's thread; if it is still stuck writing STOP_WAIT_S
 * seconds later (a pipe nobody reads, a terminal stopped with ^S), cancel
 * it there (write(2) is a cancellation point), drop what stdio still holds
 * for stdout (exit would block flushing it) and give a terminal back.
 * Return: 0, or -ETIMEDOUT when it had to be cancelled.
 */
static int join_or_cancel(struct ofx_console *c)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += STOP_WAIT_S;
	if (!pthread_timedjoin_np(c->thread, NULL, &ts))
		return 0;
	ofx_warn("console output blocked for %d s: given up\n", STOP_WAIT_S);
	pthread_cancel(c->thread);
	pthread_join(c->thread, NULL);
	__fpurge(stdout);
	if (c->tui) {
		/* restart output stopped by ^S: TCOON alone only undoes a
		 * TCOOFF */
		tcflush(STDOUT_FILENO, TCOFLUSH);
		tcflow(STDOUT_FILENO, TCOOFF);
		tcflow(STDOUT_FILENO, TCOON);
		ofx_tui_close(c->tui);
		ofx_stderr_restore(&c->err);
	}
	c->io_err = -ETIMEDOUT;
	return -ETIMEDOUT;
}

int ofx_console_stop(struct ofx_console *c)
{
	int rc;

	if (!c)
		return 0;
	pthread_mutex_lock(&c->lock);
	__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
	if (!join_or_cancel(c) && c->tui) {
		ofx_tui_close(c->tui);
		ofx_stderr_restore(&c->err); /* and what was written to it */
		c->kind = OFX_CONSOLE_LINES;
		print_frame(c); /* the final totals, on the normal screen */
	}
	rc = c->io_err;
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	free(c->cur);
	free(c->prev);
	free(c);
	return rc;
}
