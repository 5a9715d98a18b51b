// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ofgen connection buffers: a framing reader (messages split across reads)
 * and a tx queue that counts a message as sent only once its last byte was
 * accepted by the socket (partial writes handled). Both take the
 * CLOCK_MONOTONIC times the latency figures use (ofgen_lat.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ofgen.h"

#define RX_CAP (256 * 1024) /* >= 2 maximum-size messages */
#define TX_CAP0 (256 * 1024)
#define RECS0 4096

int ofg_conn_init(struct ofg_conn *c, int fd, int idx)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->idx = idx;
	c->rx_cap = RX_CAP;
	c->rx = malloc(c->rx_cap);
	c->tx_cap = TX_CAP0;
	c->tx = malloc(c->tx_cap);
	c->rec_mask = RECS0 - 1;
	c->recs = malloc(RECS0 * sizeof(*c->recs));
	if (!c->rx || !c->tx || !c->recs) {
		ofg_conn_free(c);
		return -ENOMEM;
	}
	return 0;
}

void ofg_conn_free(struct ofg_conn *c)
{
	int k;

	free(c->rx);
	free(c->tx);
	free(c->recs);
	free(c->dq);
	free(c->dm);
	for (k = 0; k < OFG_LK_MAX; k++)
		free(c->pend[k].e);
	memset(c->pend, 0, sizeof(c->pend));
	c->rx = c->tx = c->dq = NULL;
	c->recs = NULL;
	c->dm = NULL;
	c->dm_cap = 0;
	c->dm_head = c->dm_tail = 0;
}

uint8_t *ofg_tx_reserve(struct ofg_conn *c, size_t len)
{
	if (c->tx_tail + len <= c->tx_cap)
		return c->tx + c->tx_tail;
	if (c->tx_head) {
		size_t n = c->tx_tail - c->tx_head;

		memmove(c->tx, c->tx + c->tx_head, n);
		c->tx_head = 0;
		c->tx_tail = n;
	}
	if (c->tx_tail + len > c->tx_cap) {
		size_t cap = c->tx_cap * 2;
		uint8_t *p;

		while (cap < c->tx_tail + len)
			cap *= 2;
		p = realloc(c->tx, cap);
		if (!p)
			return NULL;
		c->tx = p;
		c->tx_cap = cap;
	}
	return c->tx + c->tx_tail;
}

static int rec_grow(struct ofg_conn *c)
{
	size_t n = c->rec_mask + 1, i;
	struct ofg_txrec *r = malloc(2 * n * sizeof(*r));

	if (!r)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		r[i] = c->recs[(c->rec_head + i) & c->rec_mask];
	free(c->recs);
	c->recs = r;
	c->rec_tail = n;
	c->rec_head = 0;
	c->rec_mask = 2 * n - 1;
	return 0;
}

int ofg_tx_commit(struct ofg_conn *c, size_t len)
{
	const uint8_t *m = c->tx + c->tx_tail;
	struct ofg_txrec *r;

	if (c->rec_tail - c->rec_head > c->rec_mask && rec_grow(c))
		return -ENOMEM;
	c->tx_tail += len;
	c->tx_enq += len;
	r = &c->recs[c->rec_tail++ & c->rec_mask];
	r->end = c->tx_enq;
	r->len = (uint16_t)len;
	r->ver = m[0];
	r->type = m[1];
	r->lat = 0;
	return 0;
}

int ofg_tx_queue(struct ofg_conn *c, const uint8_t *m, size_t len)
{
	uint8_t *p = ofg_tx_reserve(c, len);

	if (!p)
		return -ENOMEM;
	memcpy(p, m, len);
	return ofg_tx_commit(c, len);
}

/*
 * Count every message whose last byte has been written; latency-tagged
 * ones take the time right after the write() (one clock read per write).
 */
static void tx_account(struct ofg_conn *c)
{
	uint64_t now = 0;

	while (c->rec_head != c->rec_tail) {
		struct ofg_txrec *r = &c->recs[c->rec_head & c->rec_mask];

		if (r->end > c->tx_done)
			break;
		ofg_count(OFG_SENT, r->ver, r->type, r->len);
		if (r->lat) {
			if (!now)
				now = ofg_now_ns();
			ofg_lat_written(c, r, now);
		}
		c->rec_head++;
	}
}

int ofg_tx_flush(struct ofg_conn *c)
{
	while (c->tx_head < c->tx_tail) {
		ssize_t n = send(c->fd, c->tx + c->tx_head,
				 c->tx_tail - c->tx_head, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 1;
			return -errno;
		}
		c->tx_head += n;
		c->tx_done += n;
		tx_account(c);
	}
	c->tx_head = c->tx_tail = 0;
	return 0;
}

int ofg_rx_process(struct ofg_conn *c, ofg_msg_fn fn, void *ctx)
{
	size_t off = 0;
	int rc = 0;

	while (c->rx_len - off >= OFG_HDR_LEN) {
		const uint8_t *m = c->rx + off;
		size_t len = ofg_get16(m + 2);

		if (len < OFG_HDR_LEN) {
			rc = -EPROTO;
			break;
		}
		if (c->rx_len - off < len)
			break;
		ofg_count(OFG_RECEIVED, m[0], m[1], len);
		off += len;
		rc = fn(c, m, len, ctx);
		if (rc)
			break;
	}
	if (off) {
		memmove(c->rx, c->rx + off, c->rx_len - off);
		c->rx_len -= off;
	}
	return rc;
}

int ofg_rx_read(struct ofg_conn *c, ofg_msg_fn fn, void *ctx)
{
	ssize_t n;

	if (c->rx_len == c->rx_cap)
		return 0;
	n = recv(c->fd, c->rx + c->rx_len, c->rx_cap - c->rx_len, 0);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		return -errno;
	}
	if (n == 0) {
		c->rd_eof = true;
		return 0;
	}
	c->rx_ns = ofg_now_ns(); /* completes the messages framed below */
	c->rx_len += n;
	return ofg_rx_process(c, fn, ctx);
}

int ofg_conn_close_step(struct ofg_conn *c)
{
	int rc;

	if (c->closed)
		return 1;
	c->closing = true;
	rc = ofg_tx_flush(c);
	if (rc < 0) {
		c->failed = true;
		ofg_conn_abort(c);
		return 1;
	}
	if (rc > 0 || ofg_delay_count(c)) /* delayed answers go first */
		return 0;
	if (!c->wr_shut) {
		if (shutdown(c->fd, SHUT_WR) < 0)
			c->failed = true;
		c->wr_shut = true;
	}
	if (!c->rd_eof)
		return 0;
	close(c->fd);
	c->fd = -1;
	c->closed = true;
	return 1;
}

void ofg_conn_abort(struct ofg_conn *c)
{
	if (c->closed)
		return;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->closing = true;
	c->closed = true;
}

int ofg_socket(int family)
{
	int one = 1;
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

void ofg_conn_set_events(int ep, struct ofg_conn *c, uint32_t want)
{
	struct epoll_event ev = {0};

	if (want == c->events)
		return;
	ev.events = want;
	ev.data.ptr = c;
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
	c->events = want;
}

void ofg_conn_fail(struct ofg_conn *c, const char *role, int id,
		   const char *what, int err)
{
	fprintf(stderr, "ofgen: %s %d: %s: %s\n", role, id, what,
		strerror(err > 0 ? err : -err));
	c->failed = true;
	ofg_conn_abort(c);
}

int ofg_epoll_wait(int ep, struct epoll_event *evs, int n, int timeout_ms,
		   uint64_t due_ns)
{
	struct timespec ts;
	uint64_t now, wait;
	int rc;

	if (due_ns == UINT64_MAX)
		return epoll_wait(ep, evs, n, timeout_ms);
	now = ofg_now_ns();
	wait = due_ns > now ? due_ns - now : 0;
	if (timeout_ms >= 0 && wait >= (uint64_t)timeout_ms * 1000000ull)
		return epoll_wait(ep, evs, n, timeout_ms);
	ts.tv_sec = wait / 1000000000ull;
	ts.tv_nsec = wait % 1000000000ull;
	rc = epoll_pwait2(ep, evs, n, &ts, NULL);
	if (rc < 0 && errno == ENOSYS) /* kernel < 5.11: whole ms, rounded up */
		rc = epoll_wait(ep, evs, n, (int)((wait + 999999) / 1000000));
	return rc;
}
