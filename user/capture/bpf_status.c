// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bpf_status.c - `ofxdp status`: the kernel's view of ofxdp's programs,
 * read through libbpf (bpftool-style, without knowing map names): which
 * ofx_* programs are attached where through XDP and tcx links or netlink
 * XDP, which process holds each link, and the kernel counters of each
 * running instance (its ofx_kstats map, summed over the CPUs).
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/capture.h"

/* Link types and tcx attach types of kernel 6.6 (bookworm's UAPI is 6.1). */
#define LINK_TYPE_XDP 6
#define LINK_TYPE_TCX 11
#define TCX_INGRESS 46
#define TCX_EGRESS 47

#define PREFIX "ofx_"
#define MAX_ROWS 256

/* One attachment of one of our programs. */
struct row {
	int ifindex;
	const char *hook;
	char prog[BPF_OBJ_NAME_LEN];
	__u32 prog_id;
	__u32 link_id; /* 0: attached through netlink */
	int pid; /* process holding the link (0: none found) */
	char comm[32];
	__u32 kstats_id; /* the instance's ofx_kstats map (0: none) */
};

/* Name of program @id and the id of its map named "ofx_kstats".
 * Return: true if it is one of ours. */
static bool prog_info(__u32 id, char *name, __u32 *kstats_id)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info), map_ids[16];
	bool ours = false;
	int fd = bpf_prog_get_fd_by_id(id);

	*kstats_id = 0;
	if (fd < 0)
		return false;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = sizeof(map_ids) / sizeof(map_ids[0]);
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
	    !strncmp(info.name, PREFIX, strlen(PREFIX))) {
		ours = true;
		snprintf(name, BPF_OBJ_NAME_LEN, "%s", info.name);
		for (__u32 i = 0; i < info.nr_map_ids && i < 16; i++) {
			struct bpf_map_info mi;
			__u32 ml = sizeof(mi);
			int mfd = bpf_map_get_fd_by_id(map_ids[i]);

			if (mfd < 0)
				continue;
			memset(&mi, 0, sizeof(mi));
			if (!bpf_obj_get_info_by_fd(mfd, &mi, &ml) &&
			    !strcmp(mi.name, "ofx_kstats"))
				*kstats_id = map_ids[i];
			close(mfd);
		}
	}
	close(fd);
	return ours;
}

/* The process that holds link @link_id open: /proc/PID/fdinfo/FD has
 * "link_id:\t@link_id". */
static int link_owner(__u32 link_id, char *comm, size_t len)
{
	DIR *proc = opendir("/proc");
	struct dirent *p;
	int found = 0;

	comm[0] = '\0';
	while (proc && !found && (p = readdir(proc))) {
		char path[300], line[128];
		DIR *fds;
		struct dirent *f;

		if (!isdigit((unsigned char)p->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fdinfo", p->d_name);
		fds = opendir(path);
		while (fds && !found && (f = readdir(fds))) {
			FILE *fi;

			if (f->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s",
				 p->d_name, f->d_name);
			fi = fopen(path, "r");
			while (fi && fgets(line, sizeof(line), fi)) {
				unsigned int id;

				if (sscanf(line, "link_id: %u", &id) == 1 &&
				    id == link_id) {
					found = atoi(p->d_name);
					break;
				}
			}
			if (fi)
				fclose(fi);
		}
		if (fds)
			closedir(fds);
	}
	if (proc)
		closedir(proc);
	if (found) {
		char path[64];
		FILE *fc;

		snprintf(path, sizeof(path), "/proc/%d/comm", found);
		fc = fopen(path, "r");
		if (fc && fgets(comm, (int)len, fc))
			comm[strcspn(comm, "\n")] = '\0';
		if (fc)
			fclose(fc);
	}
	return found;
}

/* Our programs attached through XDP or tcx links. */
static int scan_links(struct row *rows, int n, int ifindex)
{
	__u32 id = 0;

	while (n < MAX_ROWS && !bpf_link_get_next_id(id, &id)) {
		struct bpf_link_info li;
		__u32 len = sizeof(li), *u;
		int fd = bpf_link_get_fd_by_id(id);
		struct row *r = &rows[n];

		if (fd < 0)
			continue;
		memset(&li, 0, sizeof(li));
		if (bpf_obj_get_info_by_fd(fd, &li, &len)) {
			close(fd);
			continue;
		}
		close(fd);
		/* xdp: {ifindex}; tcx: {ifindex, attach_type}, at the
		 * start of the union in both */
		u = (__u32 *)&li.xdp;
		if (li.type == LINK_TYPE_XDP)
			r->hook = "xdp (link)";
		else if (li.type == LINK_TYPE_TCX && u[1] == TCX_INGRESS)
			r->hook = "tcx ingress";
		else if (li.type == LINK_TYPE_TCX && u[1] == TCX_EGRESS)
			r->hook = "tcx egress";
		else
			continue;
		if ((ifindex && (int)u[0] != ifindex) ||
		    !prog_info(li.prog_id, r->prog, &r->kstats_id))
			continue;
		r->ifindex = (int)u[0];
		r->prog_id = li.prog_id;
		r->link_id = id;
		r->pid = link_owner(id, r->comm, sizeof(r->comm));
		n++;
	}
	return n;
}

/* Our programs attached to XDP through netlink (no link). */
static int scan_netlink_xdp(struct row *rows, int n, int ifindex)
{
	struct if_nameindex *ifs = if_nameindex();

	for (struct if_nameindex *i = ifs; i && i->if_index && n < MAX_ROWS;
	     i++) {
		LIBBPF_OPTS(bpf_xdp_query_opts, q);
		bool linked = false;

		if (ifindex && (int)i->if_index != ifindex)
			continue;
		if (bpf_xdp_query((int)i->if_index, 0, &q) || !q.prog_id)
			continue;
		for (int k = 0; k < n; k++)
			linked |= rows[k].ifindex == (int)i->if_index &&
				  rows[k].prog_id == q.prog_id;
		if (linked ||
		    !prog_info(q.prog_id, rows[n].prog, &rows[n].kstats_id))
			continue;
		rows[n].ifindex = (int)i->if_index;
		rows[n].hook = q.attach_mode == XDP_ATTACHED_SKB
				       ? "xdp generic (netlink)"
				       : "xdp (netlink)";
		rows[n].prog_id = q.prog_id;
		n++;
	}
	if (ifs)
		if_freenameindex(ifs);
	return n;
}

/* Sum the per-CPU struct ofx_kstats of map @id into @k. */
static int read_kstats(__u32 id, struct ofx_kstats *k)
{
	int ncpus = libbpf_num_possible_cpus(), fd, err;
	struct ofx_kstats *v;
	__u32 zero = 0;

	memset(k, 0, sizeof(*k));
	if (ncpus <= 0)
		return -EINVAL;
	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	v = calloc((size_t)ncpus, sizeof(*v));
	err = v ? bpf_map_lookup_elem(fd, &zero, v) : -ENOMEM;
	for (int c = 0; !err && c < ncpus; c++) {
		for (int d = 0; d < OFX_NDIRS; d++) {
			k->segs[d] += v[c].segs[d];
			k->bytes[d] += v[c].bytes[d];
		}
		k->records += v[c].records;
		k->reserve_fail += v[c].reserve_fail;
		k->reserve_fail_bytes += v[c].reserve_fail_bytes;
		k->trunc_bytes += v[c].trunc_bytes;
		k->wakeups += v[c].wakeups;
		k->ip_len_short += v[c].ip_len_short;
		if (v[c].ring_hwm > k->ring_hwm)
			k->ring_hwm = v[c].ring_hwm;
	}
	free(v);
	close(fd);
	return err;
}

int ofx_bpf_status(int ifindex, FILE *out)
{
	struct row *rows = calloc(MAX_ROWS, sizeof(*rows));
	__u32 shown[MAX_ROWS];
	int n = 0, nshown = 0;

	if (!rows)
		return -ENOMEM;
	errno = 0;
	n = scan_links(rows, n, ifindex);
	if (!n && (errno == EPERM || errno == EACCES)) {
		free(rows);
		return -EPERM;
	}
	n = scan_netlink_xdp(rows, n, ifindex);
	fprintf(out, "%-16s %-22s %-16s %7s %7s  %s\n", "interface", "hook",
		"program", "prog id", "link id", "held by");
	for (int i = 0; i < n; i++) {
		char ifn[IF_NAMESIZE] = "?", owner[64] = "-", link[16] = "-";

		if_indextoname((unsigned int)rows[i].ifindex, ifn);
		if (rows[i].pid)
			snprintf(owner, sizeof(owner), "%s[%d]", rows[i].comm,
				 rows[i].pid);
		if (rows[i].link_id)
			snprintf(link, sizeof(link), "%u", rows[i].link_id);
		fprintf(out, "%-16s %-22s %-16s %7u %7s  %s\n", ifn,
			rows[i].hook, rows[i].prog, rows[i].prog_id, link,
			owner);
	}
	if (!n)
		fprintf(out, "(no ofxdp program attached%s)\n",
			ifindex ? " there" : "");
	/* One counter block per instance (programs sharing an ofx_kstats). */
	for (int i = 0; i < n; i++) {
		struct ofx_kstats k;
		bool seen = false;

		for (int s = 0; s < nshown; s++)
			seen |= shown[s] == rows[i].kstats_id;
		if (seen || !rows[i].kstats_id ||
		    read_kstats(rows[i].kstats_id, &k))
			continue;
		shown[nshown++] = rows[i].kstats_id;
		fprintf(out,
			"\nkernel counters (map ofx_kstats id %u, all CPUs):\n"
			"  segments  in %" PRIu64 "  out %" PRIu64
			"   (in: destination port is an OpenFlow port)\n"
			"  bytes     in %" PRIu64 "  out %" PRIu64 "\n"
			"  records %" PRIu64 "  reserve_fail %" PRIu64
			"  trunc_bytes %" PRIu64 "  ring_hwm_bytes %" PRIu64
			"  wakeups %" PRIu64 "\n",
			rows[i].kstats_id, (uint64_t)k.segs[OFX_DIR_IN],
			(uint64_t)k.segs[OFX_DIR_OUT],
			(uint64_t)k.bytes[OFX_DIR_IN],
			(uint64_t)k.bytes[OFX_DIR_OUT], (uint64_t)k.records,
			(uint64_t)k.reserve_fail, (uint64_t)k.trunc_bytes,
			(uint64_t)k.ring_hwm, (uint64_t)k.wakeups);
	}
	free(rows);
	return n;
}
