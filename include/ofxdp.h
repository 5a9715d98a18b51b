/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ofxdp.h - the contract between the BPF capture programs (bpf/) and the
 * userspace daemon (user/): ring buffer record layout, map key/value types,
 * kernel counter layout and size limits. How both sides parse a frame
 * (VLAN tags, IP options and extension headers, length rules) is the
 * shared rule set of ofx_parse.h.
 *
 * Included by BPF C (after vmlinux.h) and by userspace C (after
 * <linux/types.h>), so it uses only __u8/__u16/__u32/__u64.
 */
#ifndef OFXDP_H
#define OFXDP_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* Default OpenFlow ports: IANA 6653 and the pre-IANA 6633. */
#define OFX_DEFAULT_PORT 6653
#define OFX_LEGACY_PORT 6633

/* Maximum number of OpenFlow ports in the port set map. */
#define OFX_MAX_PORTS 64

/*
 * Payload bytes carried by one ring buffer record at most. A TCP segment
 * whose payload is larger (GRO'd skbs on TC ingress reach 64 KB, GSO skbs on
 * TC egress of `lo` reach ~128 KB) is split into up to OFX_MAX_CHUNKS
 * records, each with the TCP seq of its first byte.
 */
#define OFX_CHUNK_MAX 16384
#define OFX_MAX_CHUNKS 12

/*
 * Ring record size classes (payload bytes). BPF ringbuf reservations need a
 * compile-time constant size, so each chunk picks the smallest class that
 * holds it; small segments (the common case: 8-200 byte OpenFlow messages)
 * waste little ring space.
 */
#define OFX_CLASS_S 256
#define OFX_CLASS_M 1536 /* one MTU-1500 segment (<= 1460 payload bytes) */
#define OFX_CLASS_L 4096
#define OFX_CLASS_XL OFX_CHUNK_MAX

/*
 * Default consumer wake-up threshold in bytes waiting in the ring (the BPF
 * rodata ofx_wakeup_bytes); below it the consumer drains on its timer.
 */
#define OFX_WAKEUP_BYTES_DEFAULT (1u << 20)

/* Default ring buffer size in bytes (power of two, multiple of page size). */
#define OFX_RINGBUF_DEFAULT (64u << 20)

/** enum ofx_dir - direction of a segment relative to the OpenFlow port. */
enum ofx_dir {
	OFX_DIR_IN =
		0, /* switch -> controller: destination port is an OF port */
	OFX_DIR_OUT = 1, /* controller -> switch: source port is an OF port */
	OFX_NDIRS = 2,
};

/** enum ofx_hook - where a segment was seen. */
enum ofx_hook {
	OFX_HOOK_XDP = 1,
	OFX_HOOK_TC_INGRESS = 2,
	OFX_HOOK_TC_EGRESS = 3,
	OFX_HOOK_PCAP = 4,
	OFX_HOOK_FILE = 5,
};

/* TCP flag bits as in the TCP header's flags byte (RFC 9293 §3.1). */
#define OFX_TCP_FIN 0x01
#define OFX_TCP_SYN 0x02
#define OFX_TCP_RST 0x04
#define OFX_TCP_PSH 0x08
#define OFX_TCP_ACK 0x10

/**
 * struct ofx_rec_hdr - header of one ring buffer record.
 *
 * Followed by @cap_len payload bytes (the TCP payload starting at @seq).
 * Records are produced for every matched TCP segment, including segments
 * without payload that carry SYN, FIN or RST (cap_len = 0), so userspace
 * can track connection state.
 *
 * @ts_ns:     bpf_ktime_get_ns() at capture (CLOCK_MONOTONIC, ns)
 * @rec_seq:   record number on CPU @cpu (0, 1, 2, ...); a failed
 *             reservation takes a number too, so a number never received
 *             means a record was lost.
 *             Per CPU, so that CPUs never contend on one counter
 * @saddr:     source address, network byte order; IPv4 uses saddr[0] only
 * @daddr:     destination address, as @saddr
 * @sport:     TCP source port, host byte order
 * @dport:     TCP destination port, host byte order
 * @seq:       TCP sequence number of the first payload byte of this record
 * @ack:       TCP acknowledgment number of the segment
 * @seg_len:   payload bytes of the whole segment (skb/frame), all chunks
 * @cap_len:   payload bytes carried by this record (<= OFX_CHUNK_MAX)
 * @ifindex:   interface the program ran on
 * @family:    4 or 6
 * @dir:       enum ofx_dir
 * @tcp_flags: the TCP flags byte (OFX_TCP_*)
 * @hook:      enum ofx_hook
 * @chunk:     index of this record within its segment (0 = first)
 * @nchunks:   number of records the segment was split into
 * @cpu:       CPU the program ran on (numbers @rec_seq)
 */
struct ofx_rec_hdr {
	__u64 ts_ns;
	__u64 rec_seq;
	__u32 saddr[4];
	__u32 daddr[4];
	__u16 sport;
	__u16 dport;
	__u32 seq;
	__u32 ack;
	__u32 seg_len;
	__u32 cap_len;
	__u32 ifindex;
	__u8 family;
	__u8 dir;
	__u8 tcp_flags;
	__u8 hook;
	__u16 chunk;
	__u16 nchunks;
	__u32 cpu;
};

/**
 * struct ofx_kstats - per-CPU kernel-side counters (map "ofx_kstats", a
 * PERCPU_ARRAY with one entry at key 0). Userspace sums the CPUs.
 *
 * @segs:          matched TCP segments per direction (with or without payload)
 * @bytes:         TCP payload bytes of matched segments per direction
 * @records:       ring records submitted
 * @reserve_fail:  ring reservations that failed (ring full): records lost
 * @reserve_fail_bytes: payload bytes in the records that were lost
 * @trunc_bytes:   payload bytes beyond OFX_MAX_CHUNKS * OFX_CHUNK_MAX, or
 *                 not loadable from the packet: never sent to userspace
 * @rec_seq:       record numbers taken on this CPU (struct ofx_rec_hdr.rec_seq)
 * @ring_hwm:      most bytes seen waiting in the ring (consumer backlog
 *                 high-water mark; only with a wake-up threshold, see
 *                 ofx_wakeup_bytes); near the ring size means near loss
 * @wakeups:       consumer wake-ups forced by the threshold
 * @ip_len_short:  matched segments whose IP length field claimed more than
 *                 the packet holds (payload taken from the packet; rule 5
 *                 of ofx_parse.h)
 */
struct ofx_kstats {
	__u64 segs[OFX_NDIRS];
	__u64 bytes[OFX_NDIRS];
	__u64 records;
	__u64 reserve_fail;
	__u64 reserve_fail_bytes;
	__u64 trunc_bytes;
	__u64 rec_seq;
	__u64 ring_hwm;
	__u64 wakeups;
	__u64 ip_len_short;
};

/**
 * struct ofx_count_key - key of the "ofx_of_counts" HASH map, which the
 * daemon fills with its decoded OpenFlow counters once a second so that
 * `bpftool map dump name ofx_of_counts` shows them.
 *
 * @version: OpenFlow wire version (1 = 1.0 ... 6 = 1.5)
 * @type:    OFPT_* message type number of that version
 * @dir:     enum ofx_dir
 */
struct ofx_count_key {
	__u8 version;
	__u8 type;
	__u8 dir;
	__u8 pad;
};

/** struct ofx_count_val - messages and bytes (sum of header lengths). */
struct ofx_count_val {
	__u64 msgs;
	__u64 bytes;
};

#endif /* OFXDP_H */
