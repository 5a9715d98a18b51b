// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * impair - an impairing Ethernet forwarder for tests (there is no netem in
 * the test kernel): bridges two interfaces with AF_PACKET sockets and drops,
 * duplicates and reorders TCP segments on the way, including the segments
 * around a connection's FIN.
 *
 *   impair IF_A IF_B [options]     (see usage())
 *
 * Run it in a namespace of its own holding both interfaces (veth ends, no
 * addresses): every frame received on one is sent on the other. Non-TCP
 * frames (ARP, ...) and TCP frames of other ports pass unchanged. Both
 * sockets use PACKET_VNET_HDR, so the kernel's checksum-offload and GSO
 * metadata travel with each frame: a frame is resent exactly as it came
 * (no checksum to recompute, large GSO frames stay one frame).
 *
 * Impairments, each with its own probability (percent), per direction:
 *   --drop      a data segment is dropped (the sender retransmits it;
 *               with --drop-once never a retransmission again, so a hole
 *               lasts one retransmission timeout)
 *   --dup       a data segment is sent twice
 *   --reorder   a data segment is held and released after the next
 *               --reorder-gap frames of its direction (or --hold-ms)
 *   --fin-hold  a flow direction is chosen to hold its latest data segment
 *               up to --hold-ms: when its FIN comes while one is held, the
 *               FIN goes first and the data after it
 *   --fin-dup   after a FIN, a copy of the direction's last data segment
 *   --fin-ack-dup  after the final ACK (the first pure ACK once both
 *               directions sent a FIN), a copy of each direction's last
 *               data segment (each with this probability)
 *   --fin-drop  the first FIN of a direction is dropped (retransmitted)
 * SYN and RST segments are never impaired.
 *
 * At exit (SIGINT, SIGTERM or --duration) held frames are flushed and the
 * counts are printed as one JSON line on stdout (or to --stats FILE).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define VNET_LEN sizeof(struct virtio_net_hdr)
#define BUF_LEN (256 * 1024)
#define MAX_FLOWS 4096
#define MAX_HELD 1024

struct frame {
	uint8_t *buf; /* virtio_net_hdr + Ethernet frame */
	size_t len;
};

/* A frame held for reordering: sent after `countdown` more frames of its
 * direction, or at `deadline`. */
struct held {
	struct frame f;
	int out;
	int countdown;
	uint64_t deadline;
};

struct dirstate {
	bool hold_decided, hold; /* --fin-hold chose this direction */
	bool fin_decided, fin_seen; /* first FIN: drop decided; a FIN passed */
	bool seq_valid; /* max_end is set */
	uint32_t max_end; /* highest seq + len of its data seen */
	struct frame last; /* copy of the last data segment sent */
	struct frame tail; /* the held latest data segment (fin-hold) */
	uint64_t tail_deadline;
};

struct flow {
	bool used;
	uint32_t ip[2];
	uint16_t port[2];
	int out[2]; /* interface a frame of direction d leaves on */
	bool final_ack_done;
	uint64_t last_use;
	struct dirstate d[2];
};

struct opts {
	double drop, dup, reorder, fin_hold, fin_dup, fin_ack_dup, fin_drop;
	int reorder_gap;
	bool drop_once;
	unsigned hold_ms;
	uint64_t seed;
	int port; /* 0 = every TCP port */
	double duration;
	const char *stats;
};

static struct {
	uint64_t frames, non_tcp, tcp, data, fins, dropped, duplicated,
		reordered, fin_held, fin_dup, fin_ack_dup, fin_dropped,
		tail_holds, spared, sent, send_errors, truncated;
} st;

static struct opts o = {.reorder_gap = 2, .hold_ms = 20, .seed = 1};
static int sock[2];
static struct flow flows[MAX_FLOWS];
static struct held held[MAX_HELD];
static int nheld;
static uint64_t rng_state;
static volatile sig_atomic_t stop;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* splitmix64: a small deterministic PRNG (the seed makes runs repeatable
 * as far as the traffic itself is). */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* chance PCT - true with probability PCT percent. */
static bool chance(double pct)
{
	if (pct <= 0)
		return false;
	return (double)(rnd() % 1000000) < pct * 10000.0;
}

static void frame_free(struct frame *f)
{
	free(f->buf);
	f->buf = NULL;
	f->len = 0;
}

static struct frame frame_copy(const uint8_t *buf, size_t len)
{
	struct frame f = {malloc(len), len};

	if (!f.buf) {
		perror("impair: malloc");
		exit(1);
	}
	memcpy(f.buf, buf, len);
	return f;
}

static void release_countdowns(int out);

/* Send a frame on interface `out`; frames held for reordering in that
 * direction count it. */
static void xmit(int out, const uint8_t *buf, size_t len)
{
	if (send(sock[out], buf, len, 0) < 0)
		st.send_errors++;
	else
		st.sent++;
	release_countdowns(out);
}

static void release_countdowns(int out)
{
	for (int i = 0; i < nheld; i++) {
		if (held[i].out != out || --held[i].countdown > 0)
			continue;
		struct held h = held[i];

		held[i] = held[--nheld];
		xmit(h.out, h.f.buf, h.f.len);
		frame_free(&h.f);
		i = -1; /* the list changed: start over */
	}
}

static void hold(int out, const uint8_t *buf, size_t len)
{
	if (nheld == MAX_HELD) {
		xmit(out, buf, len);
		return;
	}
	held[nheld].f = frame_copy(buf, len);
	held[nheld].out = out;
	held[nheld].countdown = o.reorder_gap;
	held[nheld].deadline = now_ns() + o.hold_ms * 1000000ull;
	nheld++;
	st.reordered++;
}

/* Send a direction's held tail segment now (if any). */
static void flush_tail(struct flow *fl, int dir)
{
	struct dirstate *d = &fl->d[dir];

	if (!d->tail.buf)
		return;
	struct frame t = d->tail;

	d->tail.buf = NULL;
	d->tail.len = 0;
	xmit(fl->out[dir], t.buf, t.len);
	frame_free(&t);
}

static void flow_reset(struct flow *fl)
{
	for (int dir = 0; dir < 2; dir++) {
		flush_tail(fl, dir);
		frame_free(&fl->d[dir].last);
	}
	memset(fl, 0, sizeof(*fl));
}

/* The flow of (src, sport) -> (dst, dport) and the direction index of this
 * frame in it; a new entry (the least recently used one when full). */
static struct flow *flow_get(uint32_t src, uint16_t sport, uint32_t dst,
			     uint16_t dport, int *dir)
{
	struct flow *victim = &flows[0];

	for (int i = 0; i < MAX_FLOWS; i++) {
		struct flow *fl = &flows[i];

		if (!fl->used) {
			if (victim->used)
				victim = fl;
			continue;
		}
		if (fl->ip[0] == src && fl->port[0] == sport &&
		    fl->ip[1] == dst && fl->port[1] == dport) {
			*dir = 0;
			return fl;
		}
		if (fl->ip[1] == src && fl->port[1] == sport &&
		    fl->ip[0] == dst && fl->port[0] == dport) {
			*dir = 1;
			return fl;
		}
		if (victim->used && fl->last_use < victim->last_use)
			victim = fl;
	}
	if (victim->used)
		flow_reset(victim);
	victim->used = true;
	victim->ip[0] = src;
	victim->port[0] = sport;
	victim->ip[1] = dst;
	victim->port[1] = dport;
	*dir = 0;
	return victim;
}

/* Handle one frame received on interface `in` (to leave on the other). */
static void handle(int in, const uint8_t *buf, size_t len)
{
	int out = !in;
	const uint8_t *p = buf + VNET_LEN;
	size_t n = len - VNET_LEN;

	st.frames++;
	if (n < 14 + 20 || p[12] != 0x08 || p[13] != 0x00 ||
	    (p[14] >> 4) != 4 || p[14 + 9] != IPPROTO_TCP) {
		st.non_tcp++;
		xmit(out, buf, len);
		return;
	}
	const uint8_t *ip = p + 14;
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
	size_t tot = (size_t)ip[2] << 8 | ip[3];

	if (ihl < 20 || tot < ihl + 20 || 14 + tot > n ||
	    ((ip[6] & 0x3f) | ip[7])) { /* short, or a fragment */
		st.non_tcp++;
		xmit(out, buf, len);
		return;
	}
	const uint8_t *tcp = ip + ihl;
	size_t doff = (size_t)(tcp[12] >> 4) * 4;
	uint16_t sport = (uint16_t)(tcp[0] << 8 | tcp[1]);
	uint16_t dport = (uint16_t)(tcp[2] << 8 | tcp[3]);
	uint8_t flags = tcp[13];
	uint32_t src, dst;

	st.tcp++;
	if (doff < 20 || ihl + doff > tot ||
	    (o.port && sport != o.port && dport != o.port)) {
		xmit(out, buf, len);
		return;
	}
	size_t payload = tot - ihl - doff;
	bool fin = flags & 0x01, syn = flags & 0x02, rst = flags & 0x04,
	     ack = flags & 0x10;
	int dir;

	memcpy(&src, ip + 12, 4);
	memcpy(&dst, ip + 16, 4);
	struct flow *fl = flow_get(src, sport, dst, dport, &dir);

	if (syn && !ack) { /* a new connection (maybe a reused port pair) */
		flow_reset(fl);
		fl = flow_get(src, sport, dst, dport, &dir);
	}
	fl->last_use = now_ns();
	fl->out[dir] = out;
	struct dirstate *d = &fl->d[dir];

	if (syn || rst) {
		flush_tail(fl, dir);
		xmit(out, buf, len);
		return;
	}
	if (fin) {
		st.fins++;
		if (!d->fin_decided) {
			d->fin_decided = true;
			if (chance(o.fin_drop)) {
				st.fin_dropped++;
				return;
			}
		}
		bool had_tail = d->tail.buf != NULL;

		/* The FIN (with any data it carries) overtakes the held
		 * tail. */
		if (payload) {
			frame_free(&d->last);
			d->last = frame_copy(buf, len);
		}
		xmit(out, buf, len);
		if (had_tail) {
			st.fin_held++;
			flush_tail(fl, dir);
		}
		d->fin_seen = true;
		if (d->last.buf && chance(o.fin_dup)) {
			st.fin_dup++;
			xmit(out, d->last.buf, d->last.len);
		}
		return;
	}
	if (!payload) {
		xmit(out, buf, len);
		if (ack && fl->d[0].fin_seen && fl->d[1].fin_seen &&
		    !fl->final_ack_done) {
			fl->final_ack_done = true;
			/* each direction's last data segment again (whichever
			 * side the capture watches sees one after the final ACK) */
			for (int k = 0; k < 2; k++) {
				struct frame *c = &fl->d[k].last;

				if (c->buf && chance(o.fin_ack_dup)) {
					st.fin_ack_dup++;
					xmit(fl->out[k], c->buf, c->len);
				}
			}
		}
		return;
	}
	/* a data segment */
	uint32_t end = ((uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 |
			(uint32_t)tcp[6] << 8 | tcp[7]) +
		       (uint32_t)payload;
	bool retrans = d->seq_valid && (int32_t)(end - d->max_end) <= 0;

	if (!retrans) {
		d->max_end = end;
		d->seq_valid = true;
	}
	st.data++;
	if (retrans && o.drop_once) {
		st.spared++;
	} else if (chance(o.drop)) {
		st.dropped++;
		return;
	}
	frame_free(&d->last);
	d->last = frame_copy(buf, len);
	if (!d->hold_decided) {
		d->hold_decided = true;
		d->hold = chance(o.fin_hold);
	}
	bool dup = chance(o.dup);

	if (dup)
		st.duplicated++;
	if (chance(o.reorder)) {
		hold(out, buf, len);
		if (dup) { /* both copies late */
			hold(out, buf, len);
			st.reordered--;
		}
		return;
	}
	if (d->hold) {
		flush_tail(fl, dir);
		d->tail = frame_copy(buf, len);
		d->tail_deadline = now_ns() + o.hold_ms * 1000000ull;
		st.tail_holds++;
		if (dup)
			xmit(out, buf, len);
		return;
	}
	xmit(out, buf, len);
	if (dup)
		xmit(out, buf, len);
}

/* Release what is due (all of it with `all`); returns the poll timeout in
 * ms until the next deadline (-1: none). */
static int expire(bool all)
{
	uint64_t now = now_ns(), next = UINT64_MAX;

	for (int i = 0; i < nheld; i++) {
		if (!all && held[i].deadline > now) {
			if (held[i].deadline < next)
				next = held[i].deadline;
			continue;
		}
		struct held h = held[i];

		held[i] = held[--nheld];
		xmit(h.out, h.f.buf, h.f.len);
		frame_free(&h.f);
		i = -1;
		next = UINT64_MAX;
	}
	for (int i = 0; i < MAX_FLOWS; i++) {
		for (int dir = 0; dir < 2 && flows[i].used; dir++) {
			struct dirstate *d = &flows[i].d[dir];

			if (!d->tail.buf)
				continue;
			if (all || d->tail_deadline <= now)
				flush_tail(&flows[i], dir);
			else if (d->tail_deadline < next)
				next = d->tail_deadline;
		}
	}
	if (next == UINT64_MAX)
		return -1;
	return (int)((next - now) / 1000000ull) + 1;
}

static int open_if(const char *name)
{
	int one = 1;
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	unsigned idx = if_nametoindex(name);
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_ALL),
				  .sll_ifindex = (int)idx};
	struct packet_mreq mr = {.mr_ifindex = (int)idx,
				 .mr_type = PACKET_MR_PROMISC};

	if (fd < 0 || !idx) {
		fprintf(stderr, "impair: %s: %s\n", name,
			fd < 0 ? strerror(errno) : "no such interface");
		exit(1);
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
		       sizeof(one)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
		       sizeof(mr)) ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		fprintf(stderr, "impair: %s: %s\n", name, strerror(errno));
		exit(1);
	}
	return fd;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void print_stats(void)
{
	FILE *f = o.stats ? fopen(o.stats, "w") : stdout;

	if (!f) {
		perror("impair: stats file");
		f = stdout;
	}
	fprintf(f,
		"{\"frames\": %lu, \"non_tcp\": %lu, \"tcp\": %lu, "
		"\"data\": %lu, \"fins\": %lu, \"dropped\": %lu, "
		"\"duplicated\": %lu, \"reordered\": %lu, \"fin_held\": %lu, "
		"\"fin_dup\": %lu, \"fin_ack_dup\": %lu, \"fin_dropped\": %lu, "
		"\"tail_holds\": %lu, \"spared\": %lu, \"sent\": %lu, "
		"\"send_errors\": %lu, \"truncated\": %lu}\n",
		st.frames, st.non_tcp, st.tcp, st.data, st.fins, st.dropped,
		st.duplicated, st.reordered, st.fin_held, st.fin_dup,
		st.fin_ack_dup, st.fin_dropped, st.tail_holds, st.spared,
		st.sent, st.send_errors, st.truncated);
	if (f != stdout)
		fclose(f);
	else
		fflush(f);
}

static void usage(FILE *f)
{
	fputs("Usage: impair IF_A IF_B [options]\n"
	      "\n"
	      "Forward every frame between IF_A and IF_B (AF_PACKET), "
	      "impairing TCP\n"
	      "data segments and FINs; non-TCP frames pass unchanged. "
	      "Percentages\n"
	      "may have decimals (default 0 = off).\n"
	      "\n"
	      "  --drop PCT          drop a data segment\n"
	      "  --drop-once         never drop a retransmission (its bytes "
	      "were\n"
	      "                      seen): a hole lasts one retransmission\n"
	      "                      timeout\n"
	      "  --dup PCT           send a data segment twice\n"
	      "  --reorder PCT       hold a data segment until --reorder-gap\n"
	      "                      more frames of its direction passed\n"
	      "  --reorder-gap N     (2)\n"
	      "  --hold-ms MS        longest hold of any frame (20)\n"
	      "  --fin-hold PCT      flow directions that hold their latest "
	      "data\n"
	      "                      segment: a FIN overtakes it\n"
	      "  --fin-dup PCT       after a FIN, the direction's last data "
	      "again\n"
	      "  --fin-ack-dup PCT   after the final ACK, each direction's "
	      "last data\n"
	      "                      segment again\n"
	      "  --fin-drop PCT      drop a direction's first FIN\n"
	      "  --port PORT         impair only TCP with this port (all)\n"
	      "  --seed N            PRNG seed (1)\n"
	      "  --duration S        exit after S seconds (0 = at SIGTERM)\n"
	      "  --stats FILE        counts (JSON) to FILE, not stdout\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"drop", required_argument, 0, 'd'},
		{"drop-once", no_argument, 0, 'O'},
		{"dup", required_argument, 0, 'u'},
		{"reorder", required_argument, 0, 'r'},
		{"reorder-gap", required_argument, 0, 'g'},
		{"hold-ms", required_argument, 0, 'H'},
		{"fin-hold", required_argument, 0, 'F'},
		{"fin-dup", required_argument, 0, 'D'},
		{"fin-ack-dup", required_argument, 0, 'A'},
		{"fin-drop", required_argument, 0, 'X'},
		{"port", required_argument, 0, 'p'},
		{"seed", required_argument, 0, 's'},
		{"duration", required_argument, 0, 't'},
		{"stats", required_argument, 0, 'o'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0}};
	int c;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'd':
			o.drop = atof(optarg);
			break;
		case 'O':
			o.drop_once = true;
			break;
		case 'u':
			o.dup = atof(optarg);
			break;
		case 'r':
			o.reorder = atof(optarg);
			break;
		case 'g':
			o.reorder_gap = atoi(optarg);
			break;
		case 'H':
			o.hold_ms = (unsigned)atoi(optarg);
			break;
		case 'F':
			o.fin_hold = atof(optarg);
			break;
		case 'D':
			o.fin_dup = atof(optarg);
			break;
		case 'A':
			o.fin_ack_dup = atof(optarg);
			break;
		case 'X':
			o.fin_drop = atof(optarg);
			break;
		case 'p':
			o.port = atoi(optarg);
			break;
		case 's':
			o.seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			o.duration = atof(optarg);
			break;
		case 'o':
			o.stats = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2 || o.reorder_gap < 1) {
		usage(stderr);
		return 2;
	}
	rng_state = o.seed;
	sock[0] = open_if(argv[optind]);
	sock[1] = open_if(argv[optind + 1]);
	struct sigaction sa = {.sa_handler = on_signal};

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "impair: forwarding %s <-> %s\n", argv[optind],
		argv[optind + 1]);

	static uint8_t buf[BUF_LEN];
	uint64_t end = o.duration > 0 ? now_ns() + (uint64_t)(o.duration * 1e9)
				      : UINT64_MAX;
	struct pollfd pfd[2] = {{.fd = sock[0], .events = POLLIN},
				{.fd = sock[1], .events = POLLIN}};

	while (!stop && now_ns() < end) {
		int timeout = expire(false);

		if (timeout < 0 || timeout > 200)
			timeout = 200;
		int r = poll(pfd, 2, timeout);

		if (r < 0 && errno != EINTR) {
			perror("impair: poll");
			break;
		}
		for (int i = 0; r > 0 && i < 2; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			/* drain what is queued, a bounded batch */
			for (int k = 0; k < 64; k++) {
				struct sockaddr_ll from;
				socklen_t fl = sizeof(from);
				ssize_t n =
					recvfrom(sock[i], buf, sizeof(buf),
						 MSG_DONTWAIT | MSG_TRUNC,
						 (struct sockaddr *)&from, &fl);

				if (n < 0)
					break;
				if (from.sll_pkttype == PACKET_OUTGOING)
					continue;
				if ((size_t)n > sizeof(buf)) {
					st.truncated++;
					continue;
				}
				if ((size_t)n < VNET_LEN)
					continue;
				handle(i, buf, (size_t)n);
			}
		}
	}
	expire(true);
	print_stats();
	return 0;
}
