// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * capture_bpf.c - the BPF capture source: load the ofxdp_bpf skeleton,
 * attach its XDP/TC programs to one interface, consume the ring buffer and
 * turn records into struct ofx_segment.
 *
 * Attachment (see shared kernel facts):
 * - lo: one TC hook only (ingress; every segment on lo passes egress and
 *   ingress), never XDP (generic XDP copies every cloned skb).
 * - elsewhere: tc mode = TC ingress + TC egress; xdp mode = XDP ingress
 *   (native if the driver supports it, else generic) + TC egress; auto =
 *   xdp if native XDP attaches, else tc.
 * - TC: a tcx link first (kernel >= 6.6); else a clsact filter at our fixed
 *   handle/priority. XDP: always a link (bpf_link_create).
 * Links vanish with the process; clsact filters survive a SIGKILL, so
 * ofx_bpf_cleanup() removes ours (and stale netlink XDP programs named
 * ofx_*) before attaching.
 *
 * Environment: OFXDP_FORCE_CLSACT=1 skips the tcx attempt (tests of the
 * clsact fallback on kernels that have tcx).
 */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <linux/types.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "capture/capture.h"
#include "log.h"
#include "ofxdp.skel.h"

/* tcx attach types (kernel 6.6); bookworm's UAPI headers are 6.1. */
#define OFX_BPF_TCX_INGRESS 46
#define OFX_BPF_TCX_EGRESS 47

/* Our clsact filter handle and priority (fallback when tcx is missing). */
#define OFX_TC_HANDLE 0x6653
#define OFX_TC_PRIO 1

/* Program name prefix used to recognise our stale attachments. */
#define OFX_PROG_PREFIX "ofx_"

enum { ING = 0, EGR = 1 };

/* How one hook is attached. */
enum att_kind { ATT_NONE = 0, ATT_TCX, ATT_CLSACT, ATT_XDP_DRV, ATT_XDP_SKB };

struct ofx_bpf {
	struct ofxdp_bpf *skel;
	struct ring_buffer *rb;
	int ifindex;
	char ifname[IF_NAMESIZE];
	bool is_lo;
	enum att_kind att[2]; /* [ING], [EGR] */
	int link_fd[2]; /* tcx or XDP link, -1 if none */
	bool hook_created; /* we created the clsact qdisc */
	ofx_seg_cb cb;
	void *ctx;
	uint64_t received; /* records delivered */
	uint64_t *seq_end; /* per CPU: highest rec_seq received + 1 */
	uint64_t malformed; /* records too short for their cap_len */
	uint64_t last_check_ns;
	int ncpus;
	struct ofx_kstats *percpu; /* ncpus entries, for update_stats */
	char desc[160];
	char pin_dir[128]; /* maps pinned there ("": not pinned) */
};

/* The maps `--pin` puts in bpffs, so bpftool reads them by path. */
static struct bpf_map *pin_map(struct ofxdp_bpf *s, int i)
{
	struct bpf_map *maps[] = {s->maps.ofx_kstats, s->maps.ofx_of_counts,
				  s->maps.ofx_ports};

	return i < (int)(sizeof(maps) / sizeof(maps[0])) ? maps[i] : NULL;
}

static void unpin(struct ofx_bpf *b)
{
	struct bpf_map *m;
	char path[256];

	if (!b->pin_dir[0])
		return;
	for (int i = 0; (m = pin_map(b->skel, i)); i++) {
		snprintf(path, sizeof(path), "%s/%s", b->pin_dir,
			 bpf_map__name(m));
		unlink(path);
	}
	rmdir(b->pin_dir);
	b->pin_dir[0] = '\0';
}

/* Pin the counter and port maps under @base/IFACE/ (made if missing). */
static int pin(struct ofx_bpf *b, const char *base)
{
	struct bpf_map *m;
	char path[256];
	int err;

	if (mkdir(base, 0700) && errno != EEXIST)
		return -errno;
	snprintf(b->pin_dir, sizeof(b->pin_dir), "%s/%s", base, b->ifname);
	if (mkdir(b->pin_dir, 0700) && errno != EEXIST) {
		err = -errno;
		b->pin_dir[0] = '\0';
		return err;
	}
	for (int i = 0; (m = pin_map(b->skel, i)); i++) {
		snprintf(path, sizeof(path), "%s/%s", b->pin_dir,
			 bpf_map__name(m));
		unlink(path); /* a killed instance's pin */
		err = bpf_obj_pin(bpf_map__fd(m), path);
		if (err) {
			err = -errno;
			unpin(b);
			return err;
		}
	}
	return 0;
}

static bool g_verbose;

static int print_fn(enum libbpf_print_level level, const char *fmt,
		    va_list args)
{
	(void)level;
	if (!g_verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const char *const mode_names[] = {
	[OFX_MODE_AUTO] = "auto",
	[OFX_MODE_XDP] = "xdp",
	[OFX_MODE_TC] = "tc",
	[OFX_MODE_PCAP] = "pcap",
};

const char *ofx_mode_name(enum ofx_mode m)
{
	if ((unsigned int)m >= sizeof(mode_names) / sizeof(mode_names[0]))
		return "?";
	return mode_names[m];
}

int ofx_mode_parse(const char *s, enum ofx_mode *m)
{
	unsigned int i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (!strcmp(s, mode_names[i])) {
			*m = (enum ofx_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* Whether program @id is one of ours (name starts with "ofx_"). */
static bool prog_is_ours(__u32 id)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	bool ours = false;
	int fd;

	if (!id)
		return false;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return false;
	memset(&info, 0, sizeof(info));
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		ours = !strncmp(info.name, OFX_PROG_PREFIX,
				strlen(OFX_PROG_PREFIX));
	close(fd);
	return ours;
}

static int xdp_detach_if_ours(int ifindex, __u32 id, __u32 mode_flag)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	int fd, err;

	if (!prog_is_ours(id))
		return 0;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return 0;
	opts.old_prog_fd = fd;
	/* Fails with -EBUSY for a link of a live instance: left alone. */
	err = bpf_xdp_detach(ifindex, mode_flag | XDP_FLAGS_REPLACE, &opts);
	close(fd);
	return err ? 0 : 1;
}

int ofx_bpf_cleanup(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, xq);
	int removed = 0, i;

	if (ifindex <= 0)
		return -ENODEV;
	/* Queries on a device without clsact make libbpf warn: stay quiet. */
	libbpf_set_print(print_fn);
	for (i = 0; i < 2; i++) {
		LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point =
				    i == ING ? BPF_TC_INGRESS : BPF_TC_EGRESS);
		LIBBPF_OPTS(bpf_tc_opts, q, .handle = OFX_TC_HANDLE,
			    .priority = OFX_TC_PRIO);

		if (bpf_tc_query(&hook, &q))
			continue; /* no clsact qdisc or no such filter */
		if (!prog_is_ours(q.prog_id))
			continue;
		q.prog_id = 0;
		q.prog_fd = 0;
		q.flags = 0;
		if (!bpf_tc_detach(&hook, &q))
			removed++;
	}
	if (!bpf_xdp_query(ifindex, 0, &xq)) {
		removed += xdp_detach_if_ours(ifindex, xq.drv_prog_id,
					      XDP_FLAGS_DRV_MODE);
		removed += xdp_detach_if_ours(ifindex, xq.skb_prog_id,
					      XDP_FLAGS_SKB_MODE);
	}
	return removed;
}

static bool if_is_loopback(const char *ifname)
{
	struct ifreq ifr;
	bool lo = false;
	int s;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return !strcmp(ifname, "lo");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (!ioctl(s, SIOCGIFFLAGS, &ifr))
		lo = ifr.ifr_flags & IFF_LOOPBACK;
	else
		lo = !strcmp(ifname, "lo");
	close(s);
	return lo;
}

/* Attach @prog at TC ingress or egress: tcx link, else clsact filter. */
static int attach_tc(struct ofx_bpf *b, struct bpf_program *prog, int dir)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = b->ifindex,
		    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = OFX_TC_HANDLE,
		    .priority = OFX_TC_PRIO, .flags = BPF_TC_F_REPLACE);
	const char *force = getenv("OFXDP_FORCE_CLSACT");
	int fd = -EOPNOTSUPP, err;

	if (!force || strcmp(force, "1"))
		fd = bpf_link_create(bpf_program__fd(prog), b->ifindex,
				     dir == ING ? OFX_BPF_TCX_INGRESS
						: OFX_BPF_TCX_EGRESS,
				     NULL);
	if (fd >= 0) {
		b->link_fd[dir] = fd;
		b->att[dir] = ATT_TCX;
		return 0;
	}
	if (fd == -EPERM || fd == -EACCES)
		return fd;

	/* Kernel without tcx: clsact qdisc + cls_bpf filter. */
	err = bpf_tc_hook_create(&hook);
	if (!err)
		b->hook_created = true;
	else if (err != -EEXIST)
		return err;
	hook.attach_point = dir == ING ? BPF_TC_INGRESS : BPF_TC_EGRESS;
	opts.prog_fd = bpf_program__fd(prog);
	err = bpf_tc_attach(&hook, &opts);
	if (err)
		return err;
	b->att[dir] = ATT_CLSACT;
	return 0;
}

/* Attach the XDP program as a link in driver (@native) or generic mode. */
static int attach_xdp(struct ofx_bpf *b, bool native)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	int fd;

	lo.flags = native ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
	fd = bpf_link_create(bpf_program__fd(b->skel->progs.ofx_xdp),
			     b->ifindex, BPF_XDP, &lo);
	if (fd < 0)
		return fd;
	b->link_fd[ING] = fd;
	b->att[ING] = native ? ATT_XDP_DRV : ATT_XDP_SKB;
	return 0;
}

static void detach_all(struct ofx_bpf *b)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (b->link_fd[i] >= 0)
			close(b->link_fd[i]);
		b->link_fd[i] = -1;
		if (b->att[i] == ATT_CLSACT) {
			LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = b->ifindex,
				    .attach_point = i == ING ? BPF_TC_INGRESS
							     : BPF_TC_EGRESS);
			LIBBPF_OPTS(bpf_tc_opts, opts, .handle = OFX_TC_HANDLE,
				    .priority = OFX_TC_PRIO);

			bpf_tc_detach(&hook, &opts);
		}
		b->att[i] = ATT_NONE;
	}
	if (b->hook_created) {
		LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = b->ifindex,
			    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);

		bpf_tc_hook_destroy(&hook);
		b->hook_created = false;
	}
}

static const char *att_name(enum att_kind k)
{
	switch (k) {
	case ATT_TCX:
		return "tcx";
	case ATT_CLSACT:
		return "tc(clsact)";
	case ATT_XDP_DRV:
		return "xdp(native)";
	case ATT_XDP_SKB:
		return "xdp(generic)";
	default:
		return "none";
	}
}

static void make_desc(struct ofx_bpf *b)
{
	if (b->att[EGR] == ATT_NONE)
		snprintf(b->desc, sizeof(b->desc), "%s ingress on %s",
			 att_name(b->att[ING]), b->ifname);
	else
		snprintf(b->desc, sizeof(b->desc),
			 "%s ingress + %s egress on %s", att_name(b->att[ING]),
			 att_name(b->att[EGR]), b->ifname);
}

/* Whether @ifname's driver is veth (ETHTOOL_GDRVINFO). */
static bool is_veth(const char *ifname)
{
	struct ethtool_drvinfo di = {.cmd = ETHTOOL_GDRVINFO};
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool veth = false;

	if (fd < 0)
		return false;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&di;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
		veth = !strcmp(di.driver, "veth");
	close(fd);
	return veth;
}

/* Attach according to @mode; prints one line on failure. */
static int attach(struct ofx_bpf *b, enum ofx_mode mode)
{
	struct ofxdp_bpf *s = b->skel;
	int err;

	if (b->is_lo) {
		if (mode == OFX_MODE_XDP) {
			ofx_err("XDP is not used on loopback %s "
				"(generic XDP copies every skb there); use "
				"--mode tc\n",
				b->ifname);
			return -EOPNOTSUPP;
		}
		err = attach_tc(b, s->progs.ofx_tc_ingress, ING);
		if (err)
			ofx_err("cannot attach TC ingress on %s: %s\n",
				b->ifname, strerror(-err));
		return err;
	}

	/* Native XDP on veth switches off TSO on the peer and queues frames
	 * in a small ring that overflows under load: it would change the
	 * traffic it watches. auto uses TC there; --mode xdp still can. */
	if (mode == OFX_MODE_AUTO && is_veth(b->ifname))
		mode = OFX_MODE_TC;
	if (mode == OFX_MODE_XDP || mode == OFX_MODE_AUTO) {
		int nerr = attach_xdp(b, true);

		if (nerr && mode == OFX_MODE_XDP) {
			err = attach_xdp(b, false);
			if (err) {
				ofx_err("cannot attach XDP on %s: "
					"native: %s, generic: %s\n",
					b->ifname, strerror(-nerr),
					strerror(-err));
				return err;
			}
			ofx_warn("native XDP unavailable on %s (%s); "
				 "using generic (skb) XDP\n",
				 b->ifname, strerror(-nerr));
		} else if (!nerr && mode == OFX_MODE_XDP &&
			   is_veth(b->ifname)) {
			ofx_info(
				"note: native XDP on veth %s turns off "
				"TCP "
				"segmentation offload on its peer and queues "
				"frames in a "
				"256-slot ring; under load the peer drops "
				"frames (TCP retransmits them). --mode tc does "
				"not change the traffic\n",
				b->ifname);
		} else if (nerr) {
			ofx_debug("native XDP unavailable on %s "
				  "(%s); using TC\n",
				  b->ifname, strerror(-nerr));
			mode = OFX_MODE_TC;
		}
	}
	if (mode == OFX_MODE_TC) {
		err = attach_tc(b, s->progs.ofx_tc_ingress, ING);
		if (err) {
			ofx_err("cannot attach TC ingress on %s: %s\n",
				b->ifname, strerror(-err));
			return err;
		}
	}
	err = attach_tc(b, s->progs.ofx_tc_egress, EGR);
	if (err) {
		ofx_err("cannot attach TC egress on %s: %s\n", b->ifname,
			strerror(-err));
		return err;
	}
	return 0;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct ofx_bpf *b = ctx;
	const struct ofx_rec_hdr *h = data;
	struct ofx_segment seg;

	if (size < sizeof(*h) || h->cap_len > size - sizeof(*h)) {
		b->malformed++;
		return 0;
	}
	if (h->cpu >= (uint32_t)b->ncpus) {
		b->malformed++;
		return 0;
	}
	b->received++;
	if (h->rec_seq + 1 > b->seq_end[h->cpu])
		b->seq_end[h->cpu] = h->rec_seq + 1;

	memset(&seg, 0, sizeof(seg));
	memcpy(seg.key.saddr, h->saddr, sizeof(seg.key.saddr));
	memcpy(seg.key.daddr, h->daddr, sizeof(seg.key.daddr));
	seg.key.sport = h->sport;
	seg.key.dport = h->dport;
	seg.key.family = h->family;
	seg.ts_ns = h->ts_ns;
	seg.seq = h->seq;
	seg.seg_len = h->seg_len;
	seg.cap_len = h->cap_len;
	seg.data = (const uint8_t *)(h + 1);
	seg.dir = h->dir;
	/* A segment split into chunks: SYN belongs to the first chunk only,
	 * FIN and RST to the last (segment.h), so that reassembly puts the
	 * FIN after the segment's last byte. */
	seg.tcp_flags = h->tcp_flags;
	if (h->chunk != 0)
		seg.tcp_flags &= (__u8)~OFX_TCP_SYN;
	if (h->chunk + 1 < h->nchunks)
		seg.tcp_flags &= (__u8) ~(OFX_TCP_FIN | OFX_TCP_RST);
	seg.first = h->chunk == 0;
	if (b->cb)
		b->cb(b->ctx, &seg);
	return 0;
}

static int fill_ports(int fd, const struct ofx_portset *ports)
{
	__u8 one = 1;
	unsigned int i;

	if (!ports)
		return 0;
	for (i = 0; i < ports->n && i < OFX_MAX_PORTS; i++) {
		__u16 p = ports->ports[i];

		if (bpf_map_update_elem(fd, &p, &one, BPF_ANY))
			return -errno;
	}
	return 0;
}

int ofx_bpf_open(const struct ofx_bpf_opts *o, struct ofx_bpf **out)
{
	uint32_t rb_bytes =
		o->ringbuf_bytes ? o->ringbuf_bytes : OFX_RINGBUF_DEFAULT;
	long page = sysconf(_SC_PAGESIZE);
	struct ofx_bpf *b;
	int err;

	*out = NULL;
	g_verbose = o->verbose;
	libbpf_set_print(print_fn);

	if (o->mode == OFX_MODE_PCAP) {
		ofx_err("BPF capture opened in pcap mode\n");
		return -EINVAL;
	}
	if (rb_bytes & (rb_bytes - 1) || rb_bytes % page) {
		ofx_err("ring buffer size %u is not a power of two "
			"multiple of the page size\n",
			rb_bytes);
		return -EINVAL;
	}

	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->link_fd[ING] = b->link_fd[EGR] = -1;
	b->cb = o->cb;
	b->ctx = o->ctx;
	b->ifindex = o->ifindex;
	if (!b->ifindex && o->ifname)
		b->ifindex = (int)if_nametoindex(o->ifname);
	if (b->ifindex <= 0 || !if_indextoname(b->ifindex, b->ifname)) {
		ofx_err("no such interface: %s\n",
			o->ifname ? o->ifname : "(none)");
		free(b);
		return -ENODEV;
	}
	b->is_lo = if_is_loopback(b->ifname);

	b->ncpus = libbpf_num_possible_cpus();
	if (b->ncpus <= 0) {
		err = b->ncpus ? b->ncpus : -EINVAL;
		goto fail;
	}
	b->percpu = calloc(b->ncpus, sizeof(*b->percpu));
	b->seq_end = calloc(b->ncpus, sizeof(*b->seq_end));
	if (!b->percpu || !b->seq_end) {
		err = -ENOMEM;
		goto fail;
	}

	b->skel = ofxdp_bpf__open();
	if (!b->skel) {
		err = -errno;
		ofx_err("cannot open BPF skeleton: %s\n", strerror(-err));
		goto fail;
	}
	/*
	 * Batch consumer wake-ups: each one is an irq_work (a self-IPI, a VM
	 * exit under a hypervisor) on the producing CPU, and waking at every
	 * record made the programs 3-10x slower (tools/bench/bpfbench).
	 * The consumer drains on its poll timer anyway (ofx_bpf_poll()).
	 */
	b->skel->rodata->ofx_wakeup_bytes =
		o->wakeup_bytes ? o->wakeup_bytes
		: rb_bytes / 8 < OFX_WAKEUP_BYTES_DEFAULT
			? rb_bytes / 8
			: OFX_WAKEUP_BYTES_DEFAULT;
	err = bpf_map__set_max_entries(b->skel->maps.ofx_rb, rb_bytes);
	if (err)
		goto fail;
	err = ofxdp_bpf__load(b->skel);
	if (err) {
		if (err == -EPERM || err == -EACCES) {
			ofx_err("not permitted to load BPF programs "
				"(%s): need root or "
				"CAP_BPF+CAP_NET_ADMIN+CAP_PERFMON\n",
				strerror(-err));
			err = -EPERM;
		} else {
			ofx_err("cannot load BPF programs: %s (run with "
				"-v for the libbpf log)\n",
				strerror(-err));
		}
		goto fail;
	}
	err = fill_ports(bpf_map__fd(b->skel->maps.ofx_ports), o->ports);
	if (err) {
		ofx_err("cannot fill the port map: %s\n", strerror(-err));
		goto fail;
	}

	ofx_bpf_cleanup(b->ifindex);
	err = attach(b, o->mode);
	if (err) {
		if (err == -EACCES)
			err = -EPERM;
		goto fail;
	}
	make_desc(b);

	b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.ofx_rb), on_record,
				 b, NULL);
	if (!b->rb) {
		err = -errno;
		ofx_err("cannot set up the ring buffer: %s\n", strerror(-err));
		goto fail;
	}
	if (o->pin_dir) {
		err = pin(b, o->pin_dir);
		if (err) {
			ofx_err("cannot pin the maps under %s/%s: %s%s\n",
				o->pin_dir, b->ifname, strerror(-err),
				err == -ENOENT ? " (is bpffs mounted at "
						 "/sys/fs/bpf?)"
					       : "");
			goto fail;
		}
	}
	b->last_check_ns = mono_ns();
	*out = b;
	return 0;

fail:
	ofx_bpf_close(b);
	return err;
}

int ofx_bpf_poll(struct ofx_bpf *b, int timeout_ms)
{
	uint64_t before = b->received, now;
	char name[IF_NAMESIZE];
	int err;

	err = ring_buffer__poll(b->rb, timeout_ms);
	if (err < 0 && err != -EINTR)
		return err;
	/*
	 * The programs wake us only once ofx_wakeup_bytes are waiting (and
	 * libbpf 1.1 may miss a wakeup): drain after a quiet poll too.
	 */
	if (err == 0)
		ring_buffer__consume(b->rb);

	now = mono_ns();
	if (now - b->last_check_ns >= 1000000000ull) {
		b->last_check_ns = now;
		if (!if_indextoname(b->ifindex, name)) {
			ofx_err("interface %s disappeared\n", b->ifname);
			return -ENODEV;
		}
	}
	return (int)(b->received - before);
}

const char *ofx_bpf_describe(const struct ofx_bpf *b)
{
	return b->desc;
}

void ofx_bpf_update_stats(struct ofx_bpf *b, struct ofx_stats *st)
{
	struct ofx_kstats *k = &st->src.kernel;
	uint64_t numbered = 0;
	__u32 zero = 0;
	int i, d;

	for (i = 0; i < b->ncpus; i++)
		numbered += b->seq_end[i];
	st->src.records = b->received;
	st->src.records_lost = numbered - b->received;
	if (bpf_map_lookup_elem(bpf_map__fd(b->skel->maps.ofx_kstats), &zero,
				b->percpu))
		return;
	memset(k, 0, sizeof(*k));
	for (i = 0; i < b->ncpus; i++) {
		const struct ofx_kstats *c = &b->percpu[i];

		for (d = 0; d < OFX_NDIRS; d++) {
			k->segs[d] += c->segs[d];
			k->bytes[d] += c->bytes[d];
		}
		k->records += c->records;
		k->reserve_fail += c->reserve_fail;
		k->reserve_fail_bytes += c->reserve_fail_bytes;
		k->trunc_bytes += c->trunc_bytes;
		k->wakeups += c->wakeups;
		k->ip_len_short += c->ip_len_short;
		if (c->ring_hwm > k->ring_hwm)
			k->ring_hwm = c->ring_hwm;
	}
	/*
	 * Numbering gaps show a lost record only once a later record from
	 * the same CPU arrives; failed reservations are counted at once.
	 */
	st->src.ip_len_short = k->ip_len_short;
	if (k->reserve_fail > st->src.records_lost)
		st->src.records_lost = k->reserve_fail;
}

int ofx_bpf_set_ports(struct ofx_bpf *b, const struct ofx_portset *ports)
{
	int fd = bpf_map__fd(b->skel->maps.ofx_ports);
	__u16 key, next, stale[OFX_MAX_PORTS];
	unsigned int nstale = 0, i;
	__u16 *prev = NULL;

	if (ports && ports->n > OFX_MAX_PORTS)
		return -EINVAL;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		if (!ports || !ofx_portset_has(ports, next)) {
			if (nstale < OFX_MAX_PORTS)
				stale[nstale++] = next;
		}
		key = next;
		prev = &key;
	}
	for (i = 0; i < nstale; i++)
		bpf_map_delete_elem(fd, &stale[i]);
	return fill_ports(fd, ports);
}

int ofx_bpf_export_counts(struct ofx_bpf *b, const struct ofx_stats *st)
{
	int fd = bpf_map__fd(b->skel->maps.ofx_of_counts);
	struct ofx_count_key k;
	struct ofx_count_val v;
	int ver, t, d;

	memset(&k, 0, sizeof(k));
	for (ver = 1; ver < OFX_NVERSIONS; ver++) {
		for (t = 0; t < OFX_NTYPES; t++) {
			for (d = 0; d < OFX_NDIRS; d++) {
				const struct ofx_count *c =
					&st->msgs.of[ver][t][d];

				if (!c->msgs)
					continue;
				k.version = ver;
				k.type = t;
				k.dir = d;
				v.msgs = c->msgs;
				v.bytes = c->bytes;
				if (bpf_map_update_elem(fd, &k, &v, BPF_ANY))
					return -errno;
			}
		}
	}
	return 0;
}

bool ofx_bpf_detach_needs_net_admin(const struct ofx_bpf *b)
{
	return b->hook_created || b->att[ING] == ATT_CLSACT ||
	       b->att[EGR] == ATT_CLSACT;
}

int ofx_bpf_probe_maps(struct ofx_bpf *b)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(b->skel->maps.ofx_kstats), &zero,
				b->percpu))
		return -errno;
	return 0;
}

void ofx_bpf_close(struct ofx_bpf *b)
{
	if (!b)
		return;
	ring_buffer__free(b->rb);
	detach_all(b);
	unpin(b);
	ofxdp_bpf__destroy(b->skel);
	free(b->percpu);
	free(b->seq_end);
	free(b);
}
