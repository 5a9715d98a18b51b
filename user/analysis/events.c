// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * events.c - the event log, its waiting readers and the --on-event hook
 * (see events.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis/events.h"
#include "log.h"

extern char **environ;

struct ofx_events {
	pthread_mutex_t lock;
	struct ofx_event ring[OFX_EVENTS_MAX];
	uint64_t last_id; /* ring[(id - 1) % MAX] holds id, for the last MAX */
	struct ofx_event_waiter *waiters; /* a list */
	bool closed;
	/* --on-event, under @hook_lock */
	pthread_mutex_t hook_lock;
	char **argv;
	int argc;
	pid_t pids[OFX_EVENT_HOOKS_MAX];
	uint64_t hooks_started, hooks_failed, hooks_dropped;
};

struct ofx_events *ofx_events_new(void)
{
	struct ofx_events *ev = calloc(1, sizeof(*ev));

	if (ev) {
		pthread_mutex_init(&ev->lock, NULL);
		pthread_mutex_init(&ev->hook_lock, NULL);
	}
	return ev;
}

void ofx_events_free(struct ofx_events *ev)
{
	if (!ev)
		return;
	ofx_events_reap(ev); /* the others are left to finish alone */
	for (int i = 0; i < ev->argc; i++)
		free(ev->argv[i]);
	free(ev->argv);
	pthread_mutex_destroy(&ev->hook_lock);
	pthread_mutex_destroy(&ev->lock);
	free(ev);
}

int ofx_events_set_hook(struct ofx_events *ev, char *const *argv)
{
	int n = 0;

	while (argv[n])
		n++;
	/* the event's JSON and the NULL */
	ev->argv = calloc((size_t)n + 2, sizeof(*ev->argv));
	if (!ev->argv)
		return -ENOMEM;
	for (ev->argc = 0; ev->argc < n; ev->argc++) {
		ev->argv[ev->argc] = strdup(argv[ev->argc]);
		if (!ev->argv[ev->argc])
			return -ENOMEM;
	}
	return 0;
}

json_t *ofx_event_json(const struct ofx_event *e)
{
	return json_pack("{s:I, s:f, s:s, s:s, s:s?, s:f, s:f, s:s}", "eventID",
			 (json_int_t)e->id, "timestamp", (double)e->ts_ns / 1e9,
			 "threshold", e->threshold, "metric", e->metric,
			 "switch", e->sw[0] ? e->sw : NULL, "value", e->value,
			 "limit", e->limit, "state",
			 e->raised ? "raised" : "cleared");
}

/* posix_spawnp @argv: stdin /dev/null, stdout to our stderr (not into an
 * NDJSON stdout or the full-screen console), the signals ofxdp ignores
 * or handles back to their defaults, nothing blocked. Return: 0 or an
 * errno. */
static int spawn(pid_t *pid, char **argv)
{
	static const int sigs[] = {SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU,
				   SIGINT,  SIGTERM, SIGHUP,  SIGCHLD};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t def, none;
	int rc;

	sigemptyset(&def);
	sigemptyset(&none);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&def, sigs[i]);
	if (posix_spawn_file_actions_init(&fa))
		return ENOMEM;
	if (posix_spawnattr_init(&at)) {
		posix_spawn_file_actions_destroy(&fa);
		return ENOMEM;
	}
	rc = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
					      O_RDONLY, 0);
	if (!rc)
		rc = posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO,
						      STDOUT_FILENO);
	if (!rc)
		rc = posix_spawnattr_setsigdefault(&at, &def);
	if (!rc)
		rc = posix_spawnattr_setsigmask(&at, &none);
	if (!rc)
		rc = posix_spawnattr_setflags(
			&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	if (!rc)
		rc = posix_spawnp(pid, argv[0], &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

/* Run the hook for @e (no shell: argv as given, the event last). */
static void run_hook(struct ofx_events *ev, const struct ofx_event *e)
{
	json_t *j;
	char *doc;
	int slot = -1, rc;

	for (int i = 0; i < OFX_EVENT_HOOKS_MAX && slot < 0; i++)
		if (ev->pids[i] <= 0)
			slot = i;
	if (slot < 0) {
		ev->hooks_dropped++;
		return;
	}
	j = ofx_event_json(e);
	doc = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER |
					JSON_REAL_PRECISION(15))
		: NULL;
	json_decref(j);
	if (!doc) {
		ev->hooks_failed++;
		return;
	}
	ev->argv[ev->argc] = doc;
	rc = spawn(&ev->pids[slot], ev->argv);
	ev->argv[ev->argc] = NULL;
	free(doc);
	if (rc) {
		ev->pids[slot] = 0;
		ev->hooks_failed++;
		ofx_warn("--on-event %s: %s\n", ev->argv[0], strerror(rc));
		return;
	}
	ev->hooks_started++;
}

void ofx_events_reap(struct ofx_events *ev)
{
	pthread_mutex_lock(&ev->hook_lock);
	for (int i = 0; i < OFX_EVENT_HOOKS_MAX; i++) {
		int status;

		if (ev->pids[i] <= 0 ||
		    waitpid(ev->pids[i], &status, WNOHANG) != ev->pids[i])
			continue;
		ev->pids[i] = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			ev->hooks_failed++;
	}
	pthread_mutex_unlock(&ev->hook_lock);
}

/* Call and unlink the registered wake-ups (under the lock). */
static void wake_locked(struct ofx_events *ev)
{
	struct ofx_event_waiter *w = ev->waiters, *next;

	ev->waiters = NULL;
	for (; w; w = next) {
		next = w->next;
		w->linked = false;
		w->prev = w->next = NULL;
		w->fn(w->ctx);
	}
}

void ofx_events_add(struct ofx_events *ev, struct ofx_event *e)
{
	pthread_mutex_lock(&ev->lock);
	e->id = ++ev->last_id;
	ev->ring[(e->id - 1) % OFX_EVENTS_MAX] = *e;
	wake_locked(ev);
	pthread_mutex_unlock(&ev->lock);
	ofx_log(e->raised ? OFX_LOG_WARN : OFX_LOG_INFO,
		"event %llu: threshold %s %s%s%s: %s %.6g %s %.6g\n",
		(unsigned long long)e->id, e->threshold,
		e->raised ? "raised" : "cleared", e->sw[0] ? " on switch " : "",
		e->sw, e->metric, e->value, e->raised ? ">" : "<=", e->limit);
	if (ev->argv) {
		pthread_mutex_lock(&ev->hook_lock);
		run_hook(ev, e);
		pthread_mutex_unlock(&ev->hook_lock);
	}
}

uint64_t ofx_events_last_id(struct ofx_events *ev)
{
	uint64_t id;

	pthread_mutex_lock(&ev->lock);
	id = ev->last_id;
	pthread_mutex_unlock(&ev->lock);
	return id;
}

/* The oldest id still kept. */
static uint64_t first_kept(const struct ofx_events *ev)
{
	return ev->last_id > OFX_EVENTS_MAX ? ev->last_id - OFX_EVENTS_MAX + 1
					    : 1;
}

json_t *ofx_events_json(struct ofx_events *ev, uint64_t after, size_t max)
{
	json_t *list = json_array(), *doc;
	uint64_t id, lo;

	if (!list)
		return NULL;
	pthread_mutex_lock(&ev->lock);
	lo = first_kept(ev);
	if (after + 1 > lo)
		lo = after + 1;
	for (id = ev->last_id;
	     id >= lo && id > 0 && json_array_size(list) < max; id--)
		json_array_append_new(
			list,
			ofx_event_json(&ev->ring[(id - 1) % OFX_EVENTS_MAX]));
	id = ev->last_id;
	pthread_mutex_unlock(&ev->lock);
	doc = json_pack("{s:o, s:I}", "events", list, "lastEventID",
			(json_int_t)id);
	return doc;
}

size_t ofx_events_copy(struct ofx_events *ev, uint64_t after,
		       struct ofx_event *out, size_t max)
{
	size_t n = 0;
	uint64_t id;

	pthread_mutex_lock(&ev->lock);
	id = first_kept(ev);
	if (after + 1 > id)
		id = after + 1;
	for (; id <= ev->last_id && n < max; id++)
		out[n++] = ev->ring[(id - 1) % OFX_EVENTS_MAX];
	pthread_mutex_unlock(&ev->lock);
	return n;
}

int ofx_events_wait(struct ofx_events *ev, uint64_t after,
		    struct ofx_event_waiter *w)
{
	int rc = 0;

	pthread_mutex_lock(&ev->lock);
	if (ev->closed || ev->last_id > after) {
		rc = 1;
	} else if (!w->linked) {
		w->prev = NULL;
		w->next = ev->waiters;
		if (ev->waiters)
			ev->waiters->prev = w;
		ev->waiters = w;
		w->linked = true;
	}
	pthread_mutex_unlock(&ev->lock);
	return rc;
}

void ofx_events_unwait(struct ofx_events *ev, struct ofx_event_waiter *w)
{
	pthread_mutex_lock(&ev->lock);
	if (w->linked) {
		if (w->prev)
			w->prev->next = w->next;
		else
			ev->waiters = w->next;
		if (w->next)
			w->next->prev = w->prev;
		w->linked = false;
		w->prev = w->next = NULL;
	}
	pthread_mutex_unlock(&ev->lock);
}

void ofx_events_wake_all(struct ofx_events *ev)
{
	pthread_mutex_lock(&ev->lock);
	wake_locked(ev);
	pthread_mutex_unlock(&ev->lock);
}

void ofx_events_close(struct ofx_events *ev)
{
	pthread_mutex_lock(&ev->lock);
	ev->closed = true;
	wake_locked(ev);
	pthread_mutex_unlock(&ev->lock);
}

bool ofx_events_closed(struct ofx_events *ev)
{
	bool c;

	pthread_mutex_lock(&ev->lock);
	c = ev->closed;
	pthread_mutex_unlock(&ev->lock);
	return c;
}

void ofx_events_counts(struct ofx_events *ev, struct ofx_events_counts *c)
{
	pthread_mutex_lock(&ev->lock);
	c->events = ev->last_id;
	pthread_mutex_unlock(&ev->lock);
	pthread_mutex_lock(&ev->hook_lock);
	c->hooks_started = ev->hooks_started;
	c->hooks_failed = ev->hooks_failed;
	c->hooks_dropped = ev->hooks_dropped;
	pthread_mutex_unlock(&ev->hook_lock);
}
