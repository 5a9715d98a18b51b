/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * capture.h - the three capture sources: BPF (XDP/TC + ring buffer), live
 * libpcap and pcap files. All deliver struct ofx_segment to a callback.
 */
#ifndef OFX_CAPTURE_H
#define OFX_CAPTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#include "capture/segment.h"
#include "analysis/stats.h"

/** enum ofx_mode - how segments are captured (--mode). */
enum ofx_mode {
	OFX_MODE_AUTO = 0, /* BPF (xdp where it serves, else tc), else pcap */
	OFX_MODE_XDP, /* XDP ingress + TC egress */
	OFX_MODE_TC, /* TC ingress + TC egress (one TC hook on lo) */
	OFX_MODE_PCAP, /* libpcap live capture */
};

/** ofx_mode_name() - "auto", "xdp", "tc", "pcap". */
const char *ofx_mode_name(enum ofx_mode m);

/** ofx_mode_parse() - inverse of ofx_mode_name(); -EINVAL if unknown. */
int ofx_mode_parse(const char *s, enum ofx_mode *m);

/** ofx_seg_cb - called once per segment (chunk); @seg valid during the call. */
typedef void (*ofx_seg_cb)(void *ctx, const struct ofx_segment *seg);

/* ---- BPF source (capture_bpf.c) ---- */

/**
 * struct ofx_bpf_opts - what to attach where.
 * @ifname/@ifindex: the interface
 * @mode:          OFX_MODE_XDP or OFX_MODE_TC (AUTO picks; PCAP invalid)
 * @ports:         initial OpenFlow port set
 * @ringbuf_bytes: ring size in bytes, power of two (0: OFX_RINGBUF_DEFAULT)
 * @wakeup_bytes:  wake the consumer only when this many bytes wait in the
 *                 ring (0: the smaller of OFX_WAKEUP_BYTES_DEFAULT and an
 *                 eighth of the ring); below it records wait for the next
 *                 ofx_bpf_poll() timeout
 * @cb/@ctx:       segment consumer
 * @verbose:       print libbpf debug output
 * @pin_dir:       pin ofx_kstats, ofx_of_counts and ofx_ports under
 *                 @pin_dir/IFNAME/ (e.g. /sys/fs/bpf/ofxdp; NULL: no pins);
 *                 removed at ofx_bpf_close()
 */
struct ofx_bpf_opts {
	const char *ifname;
	int ifindex;
	enum ofx_mode mode;
	const struct ofx_portset *ports;
	uint32_t ringbuf_bytes;
	uint32_t wakeup_bytes;
	ofx_seg_cb cb;
	void *ctx;
	bool verbose;
	const char *pin_dir;
};

struct ofx_bpf;

/**
 * ofx_bpf_open() - load the skeleton, fill the port map, remove stale
 * attachments of ours on the interface, attach (tcx links first, clsact
 * fallback; XDP link, native if the driver supports it, else generic; never
 * XDP on lo) and set up the ring buffer consumer.
 * Return: 0, or a negative errno (-EPERM: no permission to load BPF;
 * -ENODEV: no such interface; -EOPNOTSUPP: mode impossible there). Prints
 * one clear line on failure.
 */
int ofx_bpf_open(const struct ofx_bpf_opts *o, struct ofx_bpf **out);

/**
 * ofx_bpf_poll() - wait up to @timeout_ms for records and deliver them all.
 * Records below the wake-up threshold (struct ofx_bpf_opts.wakeup_bytes)
 * are delivered when the timeout expires, so @timeout_ms bounds their delay.
 * Return: records delivered, or a negative errno (-ENODEV if the interface
 * disappeared).
 */
int ofx_bpf_poll(struct ofx_bpf *b, int timeout_ms);

/** ofx_bpf_describe() - e.g. "xdp(native) ingress + tcx egress on veth0". */
const char *ofx_bpf_describe(const struct ofx_bpf *b);

/**
 * ofx_bpf_update_stats() - sum the per-CPU kernel counters into
 * @st->src.kernel and account lost records (rec_seq gaps) in
 * @st->src.records_lost / @st->src.records.
 */
void ofx_bpf_update_stats(struct ofx_bpf *b, struct ofx_stats *st);

/** ofx_bpf_set_ports() - replace the port set in the kernel map. 0 or -errno. */
int ofx_bpf_set_ports(struct ofx_bpf *b, const struct ofx_portset *ports);

/**
 * ofx_bpf_export_counts() - write the non-zero per-type counters of @st
 * into the "ofx_of_counts" map for bpftool. 0 or -errno.
 */
int ofx_bpf_export_counts(struct ofx_bpf *b, const struct ofx_stats *st);

/**
 * ofx_bpf_detach_needs_net_admin() - whether ofx_bpf_close() needs
 * CAP_NET_ADMIN to detach (clsact filters, a clsact qdisc we created); tcx
 * and XDP links detach when their fds close, with no capability.
 */
bool ofx_bpf_detach_needs_net_admin(const struct ofx_bpf *b);

/**
 * ofx_bpf_probe_maps() - read the kernel counters once (bpf(2) on a map
 * fd), as ofx_bpf_update_stats() does. Return: 0 or -errno (-EPERM: this
 * kernel wants CAP_BPF for it).
 */
int ofx_bpf_probe_maps(struct ofx_bpf *b);

/** ofx_bpf_close() - detach everything and free @b. NULL is a no-op. */
void ofx_bpf_close(struct ofx_bpf *b);

/**
 * ofx_bpf_cleanup() - remove ofxdp programs left attached to @ifindex by
 * a killed instance (clsact filters, netlink XDP). Return: number removed,
 * or a negative errno.
 */
int ofx_bpf_cleanup(int ifindex);

/**
 * ofx_bpf_status() - print to @out which ofxdp programs (name "ofx_*") are
 * attached where, through XDP and tcx links or netlink XDP, the process
 * that holds each link, and each running instance's kernel counters (its
 * ofx_kstats map summed over the CPUs). @ifindex: only that interface
 * (0: all). clsact filters (the fallback before tcx) are not listed: see
 * `tc filter show dev IFACE ingress`.
 * Return: attachments listed, or a negative errno (-EPERM: not allowed to
 * read BPF objects; run as root).
 */
int ofx_bpf_status(int ifindex, FILE *out);

/* ---- libpcap sources (capture_pcap.c) ---- */

struct ofx_pcap;

/**
 * ofx_pcap_open_live() - open @ifname with libpcap (snaplen 262144, 128 MiB
 * buffer, 100 ms timeout, BPF filter on @ports). Segment timestamps are
 * converted to CLOCK_MONOTONIC ns.
 * Return: 0 or a negative errno; @err (256 bytes) gets libpcap's message.
 */
int ofx_pcap_open_live(const char *ifname, const struct ofx_portset *ports,
		       ofx_seg_cb cb, void *ctx, struct ofx_pcap **out,
		       char *err);

/**
 * ofx_pcap_filter() - the capture filter of live pcap mode for @ports
 * (up to OFX_MAX_PORTS): TCP on an OpenFlow port, untagged or under one or
 * two VLAN tags, plus IPv6 frames whose first next header is an extension
 * header (libpcap's "tcp" does not follow them; frame.c decides).
 * Return: the expression (about 2 KB for 64 five-digit ports), to free();
 * NULL on ENOMEM.
 */
char *ofx_pcap_filter(const struct ofx_portset *ports);

/**
 * ofx_pcap_open_file() - open a pcap or pcapng file; timestamps stay as in
 * the file (ns since the epoch). Return: 0 or a negative errno, @err as above.
 */
int ofx_pcap_open_file(const char *path, const struct ofx_portset *ports,
		       ofx_seg_cb cb, void *ctx, struct ofx_pcap **out,
		       char *err);

/**
 * ofx_pcap_poll() - deliver the packets available (live: waits up to the
 * 100 ms timeout; file: up to 1024 packets).
 * An interface that goes down is reported once (a warning) and the
 * capture resumes when it is up again.
 * Return: packets processed, 0 on timeout, -ENODATA at end of file, or a
 * negative errno (-ENODEV if the interface was deleted, -ENETDOWN on
 * another capture error).
 */
int ofx_pcap_poll(struct ofx_pcap *p);

/**
 * ofx_pcap_update_stats() - copy pcap_stats() and the frame counters
 * (non_tcp, malformed, records) into @st->src.
 */
void ofx_pcap_update_stats(struct ofx_pcap *p, struct ofx_stats *st);

/** ofx_pcap_close() - close and free. NULL is a no-op. */
void ofx_pcap_close(struct ofx_pcap *p);

#endif
