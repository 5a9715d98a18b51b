// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bpfbench.c - time the ofxdp BPF programs per packet with
 * BPF_PROG_TEST_RUN, by payload size, while a consumer thread drains the
 * ring buffer as the daemon does.
 *
 * The kernel runs the program @repeat times on the same frame and reports
 * the mean run time (ns); this removes the network, the generator and the
 * scheduler from the figure, so it isolates what the program itself costs:
 * parsing, map lookups, ring reservations, payload copies and consumer
 * wakeups. Cost = fixed part + per-byte part; the table shows both.
 *
 * Usage: bpfbench [-r REPEAT] [-c poll|spin|none] [-w BYTES] [-s BYTES]
 *                 [-j JSON]
 *   -r N     runs per step (20000)
 *   -c poll  consumer sleeps in epoll (ring_buffer__poll), as the daemon
 *   -c spin  consumer busy-drains (ring_buffer__consume): no sleeps
 *   -c none  no consumer: the ring fills, then reservations fail
 *   -w N     ofx_wakeup_bytes (default as the daemon: the smaller of
 *            OFX_WAKEUP_BYTES_DEFAULT and ring/8; 0 = wake the consumer at
 *            every record)
 *   -s N     ring buffer bytes (default OFX_RINGBUF_DEFAULT, as the daemon)
 *   -j FILE  also write the results as JSON
 * The first step of each hook runs an empty program: the harness floor.
 * TC steps stop at 1448-byte payloads: an skb test run takes one page.
 * Needs root (BPF). Prints a markdown table to stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ofxdp.h"
#include "ofxdp.skel.h"

#define MAX_FRAME 70000

enum consumer { C_POLL, C_SPIN, C_NONE };

static atomic_int stop;
static atomic_ullong consumed;

static int on_rec(void *ctx, void *data, size_t size)
{
	(void)ctx;
	(void)data;
	(void)size;
	atomic_fetch_add_explicit(&consumed, 1, memory_order_relaxed);
	return 0;
}

struct cons_arg {
	struct ring_buffer *rb;
	enum consumer mode;
};

static void *consumer(void *p)
{
	struct cons_arg *a = p;

	while (!atomic_load(&stop)) {
		if (a->mode == C_POLL) {
			if (ring_buffer__poll(a->rb, 10) == 0)
				ring_buffer__consume(a->rb);
		} else
			ring_buffer__consume(a->rb);
	}
	ring_buffer__consume(a->rb);
	return NULL;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/*
 * Build Ethernet + IPv4 + TCP (20 B) + @pay_len bytes of back-to-back
 * 64-byte OpenFlow 1.3 PACKET_INs into @buf; return the frame length.
 * @dport: TCP destination port (6653 matches, anything else does not).
 */
static size_t build(uint8_t *buf, size_t pay_len, uint16_t dport)
{
	uint8_t *ip = buf + 14, *tcp = ip + 20, *pay = tcp + 20;
	size_t i;

	memset(buf, 0, 54);
	memcpy(buf, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	put16(buf + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, pay_len + 40 > 0xffff ? 0 : pay_len + 40);
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	put16(tcp, 40000);
	put16(tcp + 2, dport);
	put32(tcp + 4, 1000);
	put32(tcp + 8, 1);
	tcp[12] = 5 << 4;
	tcp[13] = 0x18; /* PSH|ACK */
	for (i = 0; i < pay_len; i++) {
		size_t m = i % 64;

		pay[i] = m == 0 ? 4 : m == 1 ? 10 : m == 3 ? 64 : (uint8_t)i;
	}
	return 54 + pay_len;
}

/*
 * Load a program that only returns @ret: its test-run time is the harness
 * floor (the BPF_PROG_TEST_RUN loop itself), to subtract from the others.
 * Return: the program fd, or a negative errno.
 */
static int load_floor(enum bpf_prog_type type, int ret)
{
	struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K,
		 .dst_reg = BPF_REG_0,
		 .imm = ret},
		{.code = BPF_JMP | BPF_EXIT},
	};
	int fd = bpf_prog_load(type, "ofx_floor", "GPL", insns, 2, NULL);

	return fd < 0 ? -errno : fd;
}

struct result {
	const char *prog;
	size_t pay;
	int kind; /* 0: empty program (harness floor), 1: match, 2: no match */
	double ns;
	double recs_per_run;
	unsigned long long reserve_fail;
};

static unsigned long long kstat_sum(int fd, size_t field_off)
{
	int ncpu = libbpf_num_possible_cpus();
	struct ofx_kstats *v = calloc(ncpu, sizeof(*v));
	unsigned long long s = 0;
	__u32 zero = 0;
	int i;

	if (v && !bpf_map_lookup_elem(fd, &zero, v))
		for (i = 0; i < ncpu; i++)
			s += *(__u64 *)((char *)&v[i] + field_off);
	free(v);
	return s;
}

/* Ring bytes one run on a @len-byte frame takes at most: every chunk in
 * the size class that holds it, plus both headers. */
static size_t ring_bytes_per_run(size_t len)
{
	size_t per = 8 + sizeof(struct ofx_rec_hdr) + OFX_CHUNK_MAX;

	if (len <= OFX_CLASS_S)
		per = 8 + sizeof(struct ofx_rec_hdr) + OFX_CLASS_S;
	else if (len <= OFX_CLASS_M)
		per = 8 + sizeof(struct ofx_rec_hdr) + OFX_CLASS_M;
	else if (len <= OFX_CLASS_L)
		per = 8 + sizeof(struct ofx_rec_hdr) + OFX_CLASS_L;
	return per * ((len + OFX_CHUNK_MAX - 1) / OFX_CHUNK_MAX);
}

/*
 * Run @prog_fd @repeat times on @frame, in batches of at most a quarter
 * of the ring (@ring bytes) of records, waiting after each batch until the
 * consumer has caught up (unless there is none): the figure is the
 * program's own cost with a live consumer, not that of failing
 * reservations in a ring that a test-run loop (far faster than any
 * network) has filled. Return: 0 or a negative errno.
 */
static int run_one(struct ofxdp_bpf *skel, int prog_fd, uint8_t *frame,
		   size_t len, int repeat, unsigned long ring,
		   enum consumer mode, struct result *r)
{
	int kfd = bpf_map__fd(skel->maps.ofx_kstats);
	unsigned long long c0, f0, c1, done = 0;
	size_t per_rec = ring_bytes_per_run(len);
	int batch = (int)(ring / 4 / per_rec), err, w;
	double total_ns = 0;

	if (batch < 1)
		batch = 1;
	c0 = kstat_sum(kfd, offsetof(struct ofx_kstats, records));
	f0 = kstat_sum(kfd, offsetof(struct ofx_kstats, reserve_fail));
	while ((int)done < repeat) {
		int n = repeat - (int)done < batch ? repeat - (int)done : batch;
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame,
			    .data_size_in = len, .repeat = n);

		err = bpf_prog_test_run_opts(prog_fd, &o);
		if (err)
			return -errno;
		total_ns += (double)o.duration * n;
		done += n;
		/* Let the consumer drain the batch (at most 1 s). */
		c1 = kstat_sum(kfd, offsetof(struct ofx_kstats, records));
		for (w = 0;
		     mode != C_NONE && w < 1000 && atomic_load(&consumed) < c1;
		     w++)
			usleep(1000);
	}
	r->ns = total_ns / repeat;
	r->recs_per_run =
		(double)(kstat_sum(kfd, offsetof(struct ofx_kstats, records)) -
			 c0) /
		repeat;
	r->reserve_fail =
		kstat_sum(kfd, offsetof(struct ofx_kstats, reserve_fail)) - f0;
	return 0;
}

int main(int argc, char **argv)
{
	static const size_t pays[] = {0, 64, 512, 1448, 4096, 16384, 65000};
	enum consumer mode = C_POLL;
	int repeat = 20000, opt, i, n = 0, nres = 0;
	long long wake = -1; /* -1: as the daemon, see below */
	unsigned long ring = OFX_RINGBUF_DEFAULT;
	double floor_ns = 0;
	struct result res[64];
	const char *json = NULL;
	struct ofxdp_bpf *skel;
	struct cons_arg ca;
	pthread_t th;
	uint16_t port = OFX_DEFAULT_PORT;
	uint8_t one = 1, *frame;
	FILE *jf;

	while ((opt = getopt(argc, argv, "r:c:j:w:s:h")) != -1) {
		switch (opt) {
		case 'r':
			repeat = atoi(optarg);
			break;
		case 'c':
			mode = !strcmp(optarg, "spin")	 ? C_SPIN
			       : !strcmp(optarg, "none") ? C_NONE
							 : C_POLL;
			break;
		case 's':
			ring = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			wake = strtoll(optarg, NULL, 0);
			break;
		case 'j':
			json = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-r REPEAT] [-c poll|spin|none] "
				"[-w WAKEUP_BYTES] [-s RING_BYTES] [-j "
				"FILE.json]\n",
				argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (repeat < 1)
		repeat = 1;

	frame = malloc(MAX_FRAME);
	skel = ofxdp_bpf__open();
	if (!frame || !skel) {
		fprintf(stderr, "bpfbench: cannot open the skeleton\n");
		return 1;
	}
	bpf_program__set_flags(skel->progs.ofx_xdp, BPF_F_XDP_HAS_FRAGS);
	if (wake < 0) /* the daemon's default (ofx_bpf_open()) */
		wake = ring / 8 < OFX_WAKEUP_BYTES_DEFAULT
			       ? ring / 8
			       : OFX_WAKEUP_BYTES_DEFAULT;
	skel->rodata->ofx_wakeup_bytes = wake;
	bpf_map__set_max_entries(skel->maps.ofx_rb, ring);
	if (ofxdp_bpf__load(skel)) {
		fprintf(stderr, "bpfbench: cannot load BPF (root?)\n");
		return 1;
	}
	bpf_map_update_elem(bpf_map__fd(skel->maps.ofx_ports), &port, &one,
			    BPF_ANY);
	ca.rb = ring_buffer__new(bpf_map__fd(skel->maps.ofx_rb), on_rec, NULL,
				 NULL);
	ca.mode = mode;
	if (!ca.rb) {
		fprintf(stderr, "bpfbench: cannot open the ring buffer\n");
		return 1;
	}
	if (mode != C_NONE)
		pthread_create(&th, NULL, consumer, &ca);

	for (i = 0; i < 2; i++) {
		int prog_fd = bpf_program__fd(i ? skel->progs.ofx_xdp
						: skel->progs.ofx_tc_ingress);
		int floor_fd = load_floor(i ? BPF_PROG_TYPE_XDP
					    : BPF_PROG_TYPE_SCHED_CLS,
					  i ? 2 /* XDP_PASS */ : -1);
		size_t k, npays = sizeof(pays) / sizeof(pays[0]);

		/* Steps: the empty program, each payload size, a 1448-byte
		 * payload on a port that does not match. */
		for (k = 0; k < npays + 2; k++) {
			int kind = k == 0 ? 0 : k <= npays ? 1 : 2;
			size_t pay = kind == 1 ? pays[k - 1] : 1448;
			size_t len = build(frame, pay, kind == 2 ? 80 : port);
			struct result *r = &res[nres];
			int err;

			if (kind == 0 && floor_fd < 0)
				continue;
			/* An skb test run takes one page at most. */
			if (!i && len > 4096 - 512)
				continue;
			r->prog = i ? "xdp" : "tc";
			r->pay = pay;
			r->kind = kind;
			err = run_one(skel, kind ? prog_fd : floor_fd, frame,
				      len, repeat, ring, mode, r);
			if (err) {
				fprintf(stderr, "bpfbench: %s %zu B: %s\n",
					r->prog, pay, strerror(-err));
				continue;
			}
			nres++;
		}
		if (floor_fd >= 0)
			close(floor_fd);
	}
	atomic_store(&stop, 1);
	if (mode != C_NONE)
		pthread_join(th, NULL);

	printf("| prog | payload B | case | ns/run | ns/run - floor | "
	       "records/run | ns/KiB payload | reserve_fail |\n"
	       "|---|---|---|---|---|---|---|---|\n");
	for (i = 0; i < nres; i++) {
		struct result *r = &res[i];
		static const char *const kinds[] = {
			"empty program (harness floor)", "port 6653",
			"port 80 (no match)"};
		char per_kib[32] = "-";

		/* A new program: its own floor, or none if it did not load. */
		if (i == 0 || strcmp(r->prog, res[i - 1].prog))
			floor_ns = 0;
		if (r->kind == 0)
			floor_ns = r->ns;
		if (r->kind == 1 && r->pay)
			snprintf(per_kib, sizeof(per_kib), "%.0f",
				 (r->ns - floor_ns) * 1024.0 / r->pay);
		printf("| %s | %zu | %s | %.0f | %.0f | %.2f | %s | %llu |\n",
		       r->prog, r->pay, kinds[r->kind], r->ns, r->ns - floor_ns,
		       r->recs_per_run, per_kib, r->reserve_fail);
		n++;
	}
	if (json && (jf = fopen(json, "w"))) {
		fprintf(jf,
			"{\"repeat\": %d, \"wakeup_bytes\": %llu, "
			"\"consumer\": \"%s\", \"results\": [",
			repeat, wake,
			mode == C_POLL	 ? "poll"
			: mode == C_SPIN ? "spin"
					 : "none");
		for (i = 0; i < nres; i++)
			fprintf(jf,
				"%s{\"prog\": \"%s\", \"payload\": %zu, "
				"\"case\": \"%s\", \"ns_per_run\": %.1f, "
				"\"records_per_run\": %.3f, "
				"\"reserve_fail\": %llu}",
				i ? ", " : "", res[i].prog, res[i].pay,
				res[i].kind == 0   ? "floor"
				: res[i].kind == 1 ? "match"
						   : "no-match",
				res[i].ns, res[i].recs_per_run,
				res[i].reserve_fail);
		fprintf(jf, "]}\n");
		fclose(jf);
	}
	ring_buffer__free(ca.rb);
	ofxdp_bpf__destroy(skel);
	free(frame);
	return n ? 0 : 1;
}
