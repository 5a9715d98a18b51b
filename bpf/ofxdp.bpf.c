// SPDX-License-Identifier: GPL-2.0-only
/*
 * ofxdp.bpf.c - capture TCP segments on OpenFlow ports at XDP and TC hooks
 * and hand their payload to userspace through a BPF ring buffer.
 *
 * Every program only watches: XDP returns XDP_PASS, TC returns TC_ACT_UNSPEC
 * so that other programs and the stack see every packet unchanged.
 *
 * Parsing follows the rule set of include/ofx_parse.h, which the libpcap
 * sources (user/capture/frame.c) share: Ethernet, up to two VLAN tags
 * (0x8100, 0x88a8, 0x9100), IPv4 (options skipped via ihl, non-first
 * fragments ignored) or IPv6 (up to OFX_IPV6_MAX_EXT extension headers
 * followed), TCP (options skipped via doff). Headers are read in place
 * when they lie in the linear part (parse_direct(), nearly always), else
 * with bpf_skb_load_bytes / bpf_xdp_load_bytes (parse()), so that
 * non-linear skbs and multi-buffer frames work too. IPv6 extension headers
 * (rare) are left to parse() too: following them in place as well would
 * double the verifier's work on every program.
 *
 * Ring records: one per segment chunk; the consumer is woken each time
 * another ofx_wakeup_bytes wait in the ring (it drains on a timer below
 * that), and
 * records are numbered per CPU, so producers share no counter.
 *
 * Payload length is the packet length (skb->len, or the XDP buffer length)
 * minus the header lengths, trimmed to the IP length field when that is
 * non-zero and smaller (Ethernet padding; GSO skbs on TC egress can have
 * tot_len 0); an IP length beyond the packet is counted (ip_len_short),
 * see ofx_tcp_payload().
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "ofxdp.h"
#include "ofx_parse.h"

/* Not in vmlinux.h (a macro). */
#define TC_ACT_UNSPEC (-1)

char LICENSE[] SEC("license") = "GPL";

/*
 * Consumer wake-up policy, set by userspace before loading (bytes).
 * 0: wake the consumer whenever it has caught up (libbpf's default; one
 * wake-up, i.e. an irq_work and a self-IPI, per record at low load).
 * N > 0: wake it each time the bytes waiting in the ring reach another
 * multiple of N, never below N; the consumer also drains on a timer (see
 * ofx_bpf_poll()).
 */
const volatile __u64 ofx_wakeup_bytes = 0;

/*
 * Tests only: 0 = direct parse, helper parse as the fallback; 1 = helper
 * parse only; 2 = direct parse only (a packet that would need the
 * fallback is ignored, so a test shows whether it was needed).
 */
const volatile int ofx_parse_mode = 0;

/* OpenFlow port set: key = TCP port (host byte order), value unused (1). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OFX_MAX_PORTS);
	__type(key, __u16);
	__type(value, __u8);
} ofx_ports SEC(".maps");

/* Segment records; the size is set by userspace before loading. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, OFX_RINGBUF_DEFAULT);
} ofx_rb SEC(".maps");

/* Per-CPU counters, one entry at key 0. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ofx_kstats);
} ofx_kstats SEC(".maps");

/* OpenFlow counters published by the daemon for bpftool; never written here. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 6 * 36 * 2);
	__type(key, struct ofx_count_key);
	__type(value, struct ofx_count_val);
} ofx_of_counts SEC(".maps");

/* What the parser extracts from one packet. */
struct pkt {
	__u32 saddr[4];
	__u32 daddr[4];
	__u16 sport;
	__u16 dport;
	__u32 seq;
	__u32 ack;
	__u64 pay_off; /* offset of the TCP payload in the packet */
	__u64 pay_len; /* TCP payload bytes */
	__u8 family;
	__u8 flags;
	__u8 dir;
	__u8 ip_short; /* the IP length claimed more than the packet */
};

static __always_inline long load(void *ctx, bool xdp, __u32 off, void *to,
				 __u32 len)
{
	if (xdp)
		return bpf_xdp_load_bytes(ctx, off, to, len);
	return bpf_skb_load_bytes(ctx, off, to, len);
}

/*
 * Fill @p from the 20-byte TCP header at @tcp (on the stack or in the
 * packet), which follows an @l3len-byte IP header (extension headers
 * included) at offset @off of a @pkt_len-byte packet; the IP length field
 * says @ip_total bytes (IP header included; 0: unknown).
 * Return: 0, or -1 if the lengths are inconsistent (ofx_tcp_payload()).
 */
static __always_inline int tcp_fill(struct pkt *p, const __u8 *tcp,
				    __u64 pkt_len, __u64 off, __u64 l3len,
				    __u64 ip_total)
{
	__u64 l4len = (tcp[12] >> 4) * 4;
	int ip_short;

	if (l4len < OFX_TCP_HLEN)
		return -1;
	p->pay_off = off + l3len + l4len;
	if (ofx_tcp_payload(pkt_len, off, p->pay_off, ip_total, &p->pay_len,
			    &ip_short))
		return -1;
	p->ip_short = ip_short;
	p->sport = ((__u16)tcp[0] << 8) | tcp[1];
	p->dport = ((__u16)tcp[2] << 8) | tcp[3];
	p->seq = bpf_ntohl(*(__u32 *)&tcp[4]);
	p->ack = bpf_ntohl(*(__u32 *)&tcp[8]);
	p->flags = tcp[13];
	return 0;
}

/*
 * Fast path of parse(): read the headers in place (direct packet access)
 * when they all lie in the linear part [@data, @data_end), which is the
 * case for XDP frames and nearly every skb; saves a helper call per header.
 * Return: 0 parsed (same result as the slow path), -1 not a TCP segment,
 * 1 headers not all linear: use the slow path.
 */
static __always_inline int parse_direct(void *data, void *data_end,
					__u64 pkt_len, struct pkt *p)
{
	struct ethhdr *eth = data;
	__u64 off = OFX_ETH_HLEN, l3len, ip_total = 0;
	struct tcphdr *tcp;
	__u16 proto;
	int i;

	if ((void *)(eth + 1) > data_end)
		return 1;
	proto = bpf_ntohs(eth->h_proto);
#pragma unroll
	for (i = 0; i < OFX_MAX_VLAN_TAGS; i++) {
		__be16 *tag = data + off;

		if (!ofx_vlan_tpid(proto))
			break;
		if ((void *)(tag + 2) > data_end)
			return 1;
		proto = bpf_ntohs(tag[1]);
		off += OFX_VLAN_HLEN;
	}

	if (proto == OFX_ETH_P_IPV4) {
		struct iphdr *ip = data + off;

		if ((void *)(ip + 1) > data_end)
			return 1;
		if (ip->version != 4 || ip->ihl < 5 ||
		    ip->protocol != OFX_IPPROTO_TCP ||
		    (bpf_ntohs(ip->frag_off) & OFX_IPV4_FRAG_OFFSET))
			return -1;
		l3len = ip->ihl * 4;
		ip_total = bpf_ntohs(ip->tot_len);
		p->family = 4;
		p->saddr[0] = ip->saddr;
		p->daddr[0] = ip->daddr;
	} else if (proto == OFX_ETH_P_IPV6) {
		struct ipv6hdr *ip6 = data + off;

		if ((void *)(ip6 + 1) > data_end)
			return 1;
		if (ip6->version != 6)
			return -1;
		/* Extension headers: rare, left to the helper parser. */
		if (ip6->nexthdr != OFX_IPPROTO_TCP)
			return ofx_ipv6_ext_followed(ip6->nexthdr) ? 1 : -1;
		l3len = OFX_IPV6_HLEN;
		ip_total = bpf_ntohs(ip6->payload_len);
		if (ip_total)
			ip_total += OFX_IPV6_HLEN;
		p->family = 6;
		__builtin_memcpy(p->saddr, &ip6->saddr, 16);
		__builtin_memcpy(p->daddr, &ip6->daddr, 16);
	} else {
		return -1;
	}

	tcp = data + off + l3len;
	if ((void *)(tcp + 1) > data_end)
		return 1;
	return tcp_fill(p, (const __u8 *)tcp, pkt_len, off, l3len, ip_total);
}

/* Return 0 if @ctx holds a TCP segment; fills @p (not yet matched). */
static __always_inline int parse(void *ctx, bool xdp, __u64 pkt_len,
				 struct pkt *p)
{
	struct ethhdr eth;
	__u16 proto;
	__u64 off = OFX_ETH_HLEN, l3len, ip_total = 0;
	__u8 tcp[OFX_TCP_HLEN];
	int i;

	if (load(ctx, xdp, 0, &eth, sizeof(eth)))
		return -1;
	proto = bpf_ntohs(eth.h_proto);
#pragma unroll
	for (i = 0; i < OFX_MAX_VLAN_TAGS; i++) {
		__u16 tag[2];

		if (!ofx_vlan_tpid(proto))
			break;
		if (load(ctx, xdp, off, tag, sizeof(tag)))
			return -1;
		proto = bpf_ntohs(tag[1]);
		off += OFX_VLAN_HLEN;
	}

	if (proto == OFX_ETH_P_IPV4) {
		struct iphdr ip;

		if (load(ctx, xdp, off, &ip, sizeof(ip)))
			return -1;
		if (ip.version != 4 || ip.ihl < 5)
			return -1;
		if (ip.protocol != OFX_IPPROTO_TCP)
			return -1;
		if (bpf_ntohs(ip.frag_off) & OFX_IPV4_FRAG_OFFSET)
			return -1;
		l3len = ip.ihl * 4;
		ip_total = bpf_ntohs(ip.tot_len);
		p->family = 4;
		p->saddr[0] = ip.saddr;
		p->daddr[0] = ip.daddr;
	} else if (proto == OFX_ETH_P_IPV6) {
		struct ipv6hdr ip6;
		__u8 nh;

		if (load(ctx, xdp, off, &ip6, sizeof(ip6)))
			return -1;
		if (ip6.version != 6)
			return -1;
		l3len = OFX_IPV6_HLEN;
		nh = ip6.nexthdr;
#pragma unroll
		for (i = 0; i < OFX_IPV6_MAX_EXT; i++) {
			__u8 h[OFX_IPV6_EXT_MIN];
			__u32 len;

			if (nh == OFX_IPPROTO_TCP)
				break;
			if (!ofx_ipv6_ext_followed(nh))
				return -1;
			if (load(ctx, xdp, off + l3len, h, sizeof(h)))
				return -1;
			len = ofx_ipv6_ext_len(nh, h);
			if (!len)
				return -1;
			nh = h[0];
			l3len += len;
		}
		if (nh != OFX_IPPROTO_TCP)
			return -1;
		ip_total = bpf_ntohs(ip6.payload_len);
		if (ip_total)
			ip_total += OFX_IPV6_HLEN;
		p->family = 6;
		__builtin_memcpy(p->saddr, &ip6.saddr, 16);
		__builtin_memcpy(p->daddr, &ip6.daddr, 16);
	} else {
		return -1;
	}

	if (load(ctx, xdp, off + l3len, tcp, sizeof(tcp)))
		return -1;
	return tcp_fill(p, tcp, pkt_len, off, l3len, ip_total);
}

/* Everything a record needs besides its chunk. */
struct emit_ctx {
	void *ctx;
	struct pkt *p;
	struct ofx_kstats *ks;
	__u64 ts;
	__u32 ifindex;
	__u8 hook;
	bool xdp;
};

/*
 * Reserve a record with room for @size payload bytes (a compile-time
 * constant once inlined), copy @len (<= @size) bytes from payload offset
 * @off, and submit it.
 */
static __always_inline void emit_rec(struct emit_ctx *e, __u64 off, __u64 len,
				     __u16 chunk, __u16 nchunks,
				     const __u32 size)
{
	struct ofx_rec_hdr *r;
	struct pkt *p = e->p;
	__u64 avail, rec_bytes;

	r = bpf_ringbuf_reserve(&ofx_rb, sizeof(*r) + size, 0);
	if (!r) {
		/* Consume a record number: userspace sees the gap. */
		__sync_fetch_and_add(&e->ks->rec_seq, 1);
		e->ks->reserve_fail++;
		e->ks->reserve_fail_bytes += len;
		return;
	}
	if (size) {
		if (len > size)
			len = size;
		if (len > 0 && load(e->ctx, e->xdp, p->pay_off + off,
				    (void *)(r + 1), len)) {
			bpf_ringbuf_discard(
				r, ofx_wakeup_bytes ? BPF_RB_NO_WAKEUP : 0);
			e->ks->trunc_bytes += len;
			return;
		}
	} else {
		len = 0;
	}
	r->ts_ns = e->ts;
	/* Per-CPU: an uncontended atomic (programs can be preempted on
	 * PREEMPT_RT kernels). */
	r->rec_seq = __sync_fetch_and_add(&e->ks->rec_seq, 1);
	r->cpu = bpf_get_smp_processor_id();
	__builtin_memcpy(r->saddr, p->saddr, sizeof(r->saddr));
	__builtin_memcpy(r->daddr, p->daddr, sizeof(r->daddr));
	r->sport = p->sport;
	r->dport = p->dport;
	r->seq = p->seq + (__u32)off;
	r->ack = p->ack;
	r->seg_len = p->pay_len;
	r->cap_len = len;
	r->ifindex = e->ifindex;
	r->family = p->family;
	r->dir = p->dir;
	r->tcp_flags = p->flags;
	r->hook = e->hook;
	r->chunk = chunk;
	r->nchunks = nchunks;
	e->ks->records++;
	if (!ofx_wakeup_bytes) {
		bpf_ringbuf_submit(r, 0);
		return;
	}
	/*
	 * Wake on the record that takes the backlog over a multiple of the
	 * threshold (ring header 8 B + record, rounded to 8 B): once per
	 * threshold's worth of records, never per record, even when the
	 * consumer stalls; a crossing missed by racing CPUs is caught at the
	 * next multiple or by the consumer's timer.
	 */
	avail = bpf_ringbuf_query(&ofx_rb, BPF_RB_AVAIL_DATA);
	if (avail > e->ks->ring_hwm)
		e->ks->ring_hwm = avail;
	rec_bytes = (8 + sizeof(*r) + size + 7) & ~7ull;
	if (avail >= ofx_wakeup_bytes && rec_bytes <= avail &&
	    avail / ofx_wakeup_bytes !=
		    (avail - rec_bytes) / ofx_wakeup_bytes) {
		e->ks->wakeups++;
		bpf_ringbuf_submit(r, BPF_RB_FORCE_WAKEUP);
	} else
		bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
}

static __always_inline void handle(void *ctx, bool xdp, void *data,
				   void *data_end, __u64 pkt_len, __u32 ifindex,
				   __u8 hook)
{
	int rc;
	struct pkt p = {};
	struct emit_ctx e;
	struct ofx_kstats *ks;
	__u64 nchunks, len, off;
	__u32 zero = 0;
	int i;

	rc = ofx_parse_mode == 1 ? 1
				 : parse_direct(data, data_end, pkt_len, &p);
	if (rc == 1 && ofx_parse_mode != 2)
		rc = parse(ctx, xdp, pkt_len, &p);
	if (rc)
		return;
	if (bpf_map_lookup_elem(&ofx_ports, &p.dport))
		p.dir = OFX_DIR_IN;
	else if (bpf_map_lookup_elem(&ofx_ports, &p.sport))
		p.dir = OFX_DIR_OUT;
	else
		return;

	ks = bpf_map_lookup_elem(&ofx_kstats, &zero);
	if (!ks)
		return;
	if (p.ip_short)
		ks->ip_len_short++;
	if (p.dir == OFX_DIR_IN) {
		ks->segs[OFX_DIR_IN]++;
		ks->bytes[OFX_DIR_IN] += p.pay_len;
	} else {
		ks->segs[OFX_DIR_OUT]++;
		ks->bytes[OFX_DIR_OUT] += p.pay_len;
	}
	if (!ofx_seg_wanted(p.pay_len, p.flags))
		return;

	e.ctx = ctx;
	e.p = &p;
	e.ks = ks;
	e.ts = bpf_ktime_get_ns();
	e.ifindex = ifindex;
	e.hook = hook;
	e.xdp = xdp;

	nchunks = (p.pay_len + OFX_CHUNK_MAX - 1) / OFX_CHUNK_MAX;
	if (nchunks == 0)
		nchunks = 1;
	if (nchunks > OFX_MAX_CHUNKS) {
		ks->trunc_bytes +=
			p.pay_len - (__u64)OFX_MAX_CHUNKS * OFX_CHUNK_MAX;
		nchunks = OFX_MAX_CHUNKS;
	}

	for (i = 0; i < OFX_MAX_CHUNKS; i++) {
		if (i >= nchunks)
			break;
		off = (__u64)i * OFX_CHUNK_MAX;
		len = p.pay_len > off ? p.pay_len - off : 0;
		if (len > OFX_CHUNK_MAX)
			len = OFX_CHUNK_MAX;
		if (len == 0)
			emit_rec(&e, off, 0, i, nchunks, 0);
		else if (len <= OFX_CLASS_S)
			emit_rec(&e, off, len, i, nchunks, OFX_CLASS_S);
		else if (len <= OFX_CLASS_M)
			emit_rec(&e, off, len, i, nchunks, OFX_CLASS_M);
		else if (len <= OFX_CLASS_L)
			emit_rec(&e, off, len, i, nchunks, OFX_CLASS_L);
		else
			emit_rec(&e, off, len, i, nchunks, OFX_CLASS_XL);
	}
}

SEC("xdp")
int ofx_xdp(struct xdp_md *ctx)
{
	handle(ctx, true, (void *)(long)ctx->data, (void *)(long)ctx->data_end,
	       bpf_xdp_get_buff_len(ctx), ctx->ingress_ifindex, OFX_HOOK_XDP);
	return XDP_PASS;
}

SEC("tc")
int ofx_tc_ingress(struct __sk_buff *skb)
{
	handle(skb, false, (void *)(long)skb->data, (void *)(long)skb->data_end,
	       skb->len, skb->ifindex, OFX_HOOK_TC_INGRESS);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int ofx_tc_egress(struct __sk_buff *skb)
{
	handle(skb, false, (void *)(long)skb->data, (void *)(long)skb->data_end,
	       skb->len, skb->ifindex, OFX_HOOK_TC_EGRESS);
	return TC_ACT_UNSPEC;
}
