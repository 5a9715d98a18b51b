// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * segment.c - the OpenFlow port set.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "capture/segment.h"

int ofx_portset_parse(const char *s, struct ofx_portset *set)
{
	const char *p = s;

	set->n = 0;
	if (!s || !*s)
		return -EINVAL;
	for (;;) {
		char *end;
		unsigned long v;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		errno = 0;
		v = strtoul(p, &end, 10);
		if (errno || v == 0 || v > 65535 || end == p)
			return -EINVAL;
		if (set->n >= sizeof(set->ports) / sizeof(set->ports[0]))
			return -EINVAL;
		if (!ofx_portset_has(set, (uint16_t)v))
			set->ports[set->n++] = (uint16_t)v;
		if (*end == '\0')
			return 0;
		if (*end != ',')
			return -EINVAL;
		p = end + 1;
	}
}

bool ofx_portset_has(const struct ofx_portset *set, uint16_t port)
{
	for (unsigned int i = 0; i < set->n; i++)
		if (set->ports[i] == port)
			return true;
	return false;
}

void ofx_portset_format(const struct ofx_portset *set, char *buf, size_t len)
{
	size_t off = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (unsigned int i = 0; i < set->n && off < len; i++) {
		int w = snprintf(buf + off, len - off, "%s%u", i ? "," : "",
				 set->ports[i]);
		if (w < 0)
			break;
		off += (size_t)w;
	}
}
