// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * capture_pcap.c - libpcap sources: live capture (--mode pcap, and the
 * fallback when BPF cannot be loaded) and pcap/pcapng files (ofxdp read).
 */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/capture.h"
#include "log.h"
#include "capture/frame.h"
#include "ofx_parse.h"

#define PCAP_SNAPLEN 262144 /* GSO frames on lo reach ~65.5 KB and more */
#define PCAP_BUFFER_BYTES (128 << 20)
#define PCAP_TIMEOUT_MS 100
#define FILE_BATCH 1024

struct ofx_pcap {
	pcap_t *p;
	bool live;
	unsigned int ifindex; /* live: the interface, to notice it vanish */
	char ifname[IF_NAMESIZE];
	bool down; /* live: the interface went down (told once) */
	int64_t last_check_ns; /* live: last check that it still exists */
	int dlt;
	struct ofx_portset ports;
	ofx_seg_cb cb;
	void *ctx;
	int64_t ts_offset_ns; /* added to packet times (live: to monotonic) */
	uint64_t frames;
	uint64_t non_tcp;
	uint64_t malformed;
	uint64_t ip_len_short;
	char err[PCAP_ERRBUF_SIZE];
};

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Packet time @tv (s and ns: sources open with nanosecond precision) plus
 * @offset_ns, in ns, saturated to 0 .. INT64_MAX (year 2262): a pcapng
 * block can carry any 64-bit time, libpcap a time_t of up to ~1.8e13 s.
 */
static uint64_t packet_ns(const struct timeval *tv, int64_t offset_ns)
{
	const int64_t max_s = INT64_MAX / 1000000000;
	int64_t ns;

	if (tv->tv_sec < 0 || tv->tv_usec < 0)
		return 0;
	if (tv->tv_sec > max_s ||
	    (tv->tv_sec == max_s && tv->tv_usec > INT64_MAX % 1000000000))
		return INT64_MAX;
	ns = (int64_t)tv->tv_sec * 1000000000 + tv->tv_usec;
	if (offset_ns < 0 && ns < -offset_ns)
		return 0;
	if (offset_ns > 0 && ns > INT64_MAX - offset_ns)
		return INT64_MAX;
	return (uint64_t)(ns + offset_ns);
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
		      const u_char *bytes)
{
	struct ofx_pcap *c = (struct ofx_pcap *)user;
	struct ofx_segment seg;
	enum ofx_frame_rc rc;
	bool ip_short;

	c->frames++;
	rc = ofx_frame_parse(c->dlt, bytes, h->caplen, h->len, &c->ports, &seg,
			     &ip_short);
	if (rc == OFX_FRAME_OTHER) {
		c->non_tcp++;
		return;
	}
	if (rc == OFX_FRAME_MALFORMED) {
		c->malformed++;
		return;
	}
	if (ip_short)
		c->ip_len_short++;
	/* A bare ACK is only counted, as in the BPF programs. */
	if (!ofx_seg_wanted(seg.seg_len, seg.tcp_flags))
		return;
	seg.ts_ns = packet_ns(&h->ts, c->ts_offset_ns);
	c->cb(c->ctx, &seg);
}

/* IPv6 with an extension header first: libpcap's "tcp" does not follow
 * it, frame.c does (ofx_parse.h rule 3). */
#define V6_EXT                                                                 \
	"ip6 and (ip6[6] == 0 or ip6[6] == 43 or ip6[6] == 44 or ip6[6] == "   \
	"60)"

char *ofx_pcap_filter(const struct ofx_portset *ports)
{
	size_t n = ports->n < OFX_MAX_PORTS ? ports->n : OFX_MAX_PORTS;
	size_t cap = 64 + sizeof(V6_EXT) + n * sizeof(" or 65535"), off = 0;
	char *q = malloc(cap), *expr = NULL;

	if (!q)
		return NULL;
	off += (size_t)snprintf(q, cap, "(tcp port (");
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(q + off, cap - off, "%s%u",
					i ? " or " : "", ports->ports[i]);
	snprintf(q + off, cap - off, ") or (" V6_EXT "))");
	/* Each "vlan" moves the offsets of what follows it: one tag, two. */
	if (asprintf(&expr, "%s or (vlan and (%s or (vlan and %s)))", q, q, q) <
	    0)
		expr = NULL;
	free(q);
	return expr;
}

static int set_filter(struct ofx_pcap *c, char *err)
{
	char *expr = ofx_pcap_filter(&c->ports);
	struct bpf_program prog;
	int rc;

	if (!expr) {
		snprintf(err, 256, "pcap filter: out of memory");
		return -ENOMEM;
	}
	rc = pcap_compile(c->p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN);
	if (rc < 0)
		snprintf(err, 256, "pcap filter for %u port(s) (%zu bytes): %s",
			 c->ports.n, strlen(expr), pcap_geterr(c->p));
	free(expr);
	if (rc < 0)
		return -EINVAL;
	rc = pcap_setfilter(c->p, &prog);
	pcap_freecode(&prog);
	if (rc < 0) {
		snprintf(err, 256, "pcap filter: %s", pcap_geterr(c->p));
		return -EINVAL;
	}
	return 0;
}

static struct ofx_pcap *new_source(const struct ofx_portset *ports,
				   ofx_seg_cb cb, void *ctx)
{
	struct ofx_pcap *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->ports = *ports;
	c->cb = cb;
	c->ctx = ctx;
	return c;
}

int ofx_pcap_open_live(const char *ifname, const struct ofx_portset *ports,
		       ofx_seg_cb cb, void *ctx, struct ofx_pcap **out,
		       char *err)
{
	struct ofx_pcap *c = new_source(ports, cb, ctx);
	int rc;

	if (!c)
		return -ENOMEM;
	c->live = true;
	c->p = pcap_create(ifname, c->err);
	if (!c->p) {
		snprintf(err, 256, "pcap: %s", c->err);
		free(c);
		return -ENODEV;
	}
	pcap_set_snaplen(c->p, PCAP_SNAPLEN);
	pcap_set_promisc(c->p, 0);
	pcap_set_timeout(c->p, PCAP_TIMEOUT_MS);
	pcap_set_buffer_size(c->p, PCAP_BUFFER_BYTES);
	pcap_set_tstamp_precision(c->p, PCAP_TSTAMP_PRECISION_NANO);
	rc = pcap_activate(c->p);
	if (rc < 0) {
		snprintf(err, 256, "pcap on %s: %s", ifname,
			 rc == PCAP_ERROR ? pcap_geterr(c->p)
					  : pcap_statustostr(rc));
		pcap_close(c->p);
		free(c);
		if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
			return -ENODEV;
		if (rc == PCAP_ERROR_PERM_DENIED)
			return -EPERM;
		return -EIO;
	}
	c->dlt = pcap_datalink(c->p);
	c->ifindex = if_nametoindex(ifname);
	snprintf(c->ifname, sizeof(c->ifname), "%s", ifname);
	c->last_check_ns = clock_ns(CLOCK_MONOTONIC);
	/* Packet times are CLOCK_REALTIME: shift them onto CLOCK_MONOTONIC
	 * so that reassembly timeouts use one clock with ofx_now_ns(). */
	c->ts_offset_ns = clock_ns(CLOCK_MONOTONIC) - clock_ns(CLOCK_REALTIME);
	rc = set_filter(c, err);
	if (!rc && pcap_setnonblock(c->p, 1, c->err) < 0) {
		snprintf(err, 256, "pcap: %s", c->err);
		rc = -EIO;
	}
	if (rc) {
		pcap_close(c->p);
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int ofx_pcap_open_file(const char *path, const struct ofx_portset *ports,
		       ofx_seg_cb cb, void *ctx, struct ofx_pcap **out,
		       char *err)
{
	struct ofx_pcap *c = new_source(ports, cb, ctx);

	if (!c)
		return -ENOMEM;
	c->p = pcap_open_offline_with_tstamp_precision(
		path, PCAP_TSTAMP_PRECISION_NANO, c->err);
	if (!c->p) {
		snprintf(err, 256, "%s", c->err);
		free(c);
		return -ENOENT;
	}
	c->dlt = pcap_datalink(c->p);
	*out = c;
	return 0;
}

/* Whether the live interface still exists (same index, same name). */
static bool live_iface_exists(const struct ofx_pcap *c)
{
	char name[IF_NAMESIZE];

	return c->ifindex && if_indextoname(c->ifindex, name) &&
	       !strcmp(name, c->ifname);
}

/*
 * The packet socket reported an error (POLLERR): the kernel sets ENETDOWN
 * on it when the interface goes down and when it is deleted. Reading
 * SO_ERROR clears it. Down: told once, the capture resumes when the
 * interface comes up again. Deleted: -ENODEV.
 */
static int live_sock_error(struct ofx_pcap *c, int fd)
{
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len))
		soerr = errno;
	if (!live_iface_exists(c)) {
		ofx_err("interface %s disappeared\n", c->ifname);
		return -ENODEV;
	}
	if (soerr == ENETDOWN) {
		if (!c->down)
			ofx_warn("interface %s is down; capturing again "
				 "once it is up\n",
				 c->ifname);
		c->down = true;
		return 0;
	}
	if (soerr) {
		ofx_err("pcap on %s: %s\n", c->ifname, strerror(soerr));
		return -soerr;
	}
	return 0;
}

int ofx_pcap_poll(struct ofx_pcap *c)
{
	int n;

	if (c->live) {
		/* With TPACKET_V3 the read timeout may not fire while no
		 * packet arrives: wait on the descriptor ourselves. In
		 * non-blocking mode libpcap does not look at POLLERR: an
		 * interface that went away would leave the descriptor
		 * readable forever and this loop spinning. */
		struct pollfd pfd = {.fd = pcap_get_selectable_fd(c->p),
				     .events = POLLIN};
		int prc = poll(&pfd, 1, PCAP_TIMEOUT_MS);
		int64_t now = clock_ns(CLOCK_MONOTONIC);

		if (prc < 0)
			return errno == EINTR ? 0 : -errno;
		if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) {
			int err = live_sock_error(c, pfd.fd);

			if (err)
				return err;
			if (!(pfd.revents & POLLIN)) {
				/* Down: no busy loop while it stays so. */
				poll(NULL, 0, PCAP_TIMEOUT_MS);
				return 0;
			}
		}
		if (now - c->last_check_ns >= 1000000000) {
			c->last_check_ns = now;
			if (!live_iface_exists(c)) {
				ofx_err("interface %s disappeared\n",
					c->ifname);
				return -ENODEV;
			}
		}
		if (prc == 0)
			return 0;
		if (c->down && (pfd.revents & POLLIN)) {
			ofx_info("interface %s: capturing again\n", c->ifname);
			c->down = false;
		}
	}
	n = pcap_dispatch(c->p, c->live ? -1 : FILE_BATCH, on_packet,
			  (u_char *)c);

	if (n == PCAP_ERROR) {
		const char *e = pcap_geterr(c->p);

		if (!c->live) {
			ofx_err("reading capture: %s\n", e);
			return -EIO;
		}
		ofx_err("pcap on %s: %s\n", c->ifname, e);
		return live_iface_exists(c) ? -ENETDOWN : -ENODEV;
	}
	if (!c->live && n == 0)
		return -ENODATA;
	return n;
}

void ofx_pcap_update_stats(struct ofx_pcap *c, struct ofx_stats *st)
{
	struct pcap_stat ps;

	st->src.records = c->frames;
	st->src.non_tcp = c->non_tcp;
	st->src.malformed = c->malformed;
	st->src.ip_len_short = c->ip_len_short;
	if (c->live && pcap_stats(c->p, &ps) == 0) {
		st->src.pcap_recv = ps.ps_recv;
		st->src.pcap_drop = ps.ps_drop;
		st->src.pcap_ifdrop = ps.ps_ifdrop;
	}
}

void ofx_pcap_close(struct ofx_pcap *c)
{
	if (!c)
		return;
	pcap_close(c->p);
	free(c);
}
