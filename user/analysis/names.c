// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * names.c - the switch names map file (format in names.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/names.h"

#define MAX_ENTRIES 65536

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int ofx_parse_dpid(const char *s, uint64_t *dpid)
{
	size_t n = strlen(s), digits = 0;
	bool prefixed = n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	bool colons = n == 23;
	uint64_t v = 0;

	if (prefixed)
		s += 2, n -= 2;
	if (!prefixed && !colons && n != 16)
		return -EINVAL; /* bare hex: exactly 16 digits */
	for (size_t i = 0; i < n; i++) {
		int h;

		if (colons && i % 3 == 2) {
			if (s[i] != ':')
				return -EINVAL;
			continue;
		}
		h = hexval(s[i]);
		if (h < 0 || ++digits > 16)
			return -EINVAL;
		v = v << 4 | (uint64_t)h;
	}
	if (!digits)
		return -EINVAL;
	*dpid = v;
	return 0;
}

static int parse_addr(const char *s, uint8_t *family, uint32_t *addr)
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*family = 6;
		return 0;
	}
	return -EINVAL;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 63)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._:-", *s))
			return false;
	return true;
}

int ofx_names_load(const char *path, struct ofx_names *names, char *err)
{
	FILE *f = fopen(path, "r");
	char line[512];
	unsigned int lineno = 0, cap = 0;
	int rc = 0;

	memset(names, 0, sizeof(*names));
	if (!f) {
		rc = -errno;
		snprintf(err, 256, "%s: %s", path, strerror(errno));
		return rc;
	}
	while (fgets(line, sizeof(line), f)) {
		char *fld[4], *save = NULL, *hash = strchr(line, '#');
		struct ofx_name e = {0};
		int nf = 0;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, 256, "%s:%u: line too long", path,
				 lineno);
			rc = -EINVAL;
			break;
		}
		if (hash)
			*hash = '\0';
		for (char *t = strtok_r(line, " \t\r\n", &save); t;
		     t = strtok_r(NULL, " \t\r\n", &save)) {
			if (nf == 4)
				break;
			fld[nf++] = t;
		}
		if (!nf)
			continue;
		if (nf < 2 || nf > 3) {
			snprintf(err, 256,
				 "%s:%u: want KEY NAME [DATAPATH_ID], got %d "
				 "fields",
				 path, lineno, nf);
			rc = -EINVAL;
			break;
		}
		if (!parse_addr(fld[0], &e.family, e.addr)) {
			e.by_addr = true;
		} else if (!ofx_parse_dpid(fld[0], &e.datapath_id)) {
			e.has_dpid = true;
		} else {
			snprintf(err, 256,
				 "%s:%u: '%.64s' is neither an address nor a "
				 "datapath_id",
				 path, lineno, fld[0]);
			rc = -EINVAL;
			break;
		}
		if (!name_ok(fld[1])) {
			snprintf(err, 256,
				 "%s:%u: bad name '%.64s' (1-63 of "
				 "A-Za-z0-9._:-)",
				 path, lineno, fld[1]);
			rc = -EINVAL;
			break;
		}
		snprintf(e.name, sizeof(e.name), "%s", fld[1]);
		if (nf == 3) {
			if (!e.by_addr ||
			    ofx_parse_dpid(fld[2], &e.datapath_id)) {
				snprintf(err, 256,
					 "%s:%u: a third field must be the "
					 "datapath_id of an address entry",
					 path, lineno);
				rc = -EINVAL;
				break;
			}
			e.has_dpid = true;
		}
		if (names->n == cap) {
			struct ofx_name *ne;

			if (cap >= MAX_ENTRIES) {
				snprintf(err, 256,
					 "%s:%u: more than %u entries", path,
					 lineno, MAX_ENTRIES);
				rc = -EINVAL;
				break;
			}
			cap = cap ? cap * 2 : 16;
			ne = realloc(names->e, cap * sizeof(*ne));
			if (!ne) {
				snprintf(err, 256, "%s: out of memory", path);
				rc = -ENOMEM;
				break;
			}
			names->e = ne;
		}
		names->e[names->n++] = e;
	}
	fclose(f);
	if (rc)
		ofx_names_free(names);
	return rc;
}

const struct ofx_name *ofx_names_by_dpid(const struct ofx_names *names,
					 uint64_t dpid)
{
	for (unsigned int i = 0; names && i < names->n; i++)
		if (!names->e[i].by_addr && names->e[i].datapath_id == dpid)
			return &names->e[i];
	return NULL;
}

const struct ofx_name *ofx_names_by_addr(const struct ofx_names *names,
					 uint8_t family, const uint32_t *addr)
{
	size_t n = family == 6 ? 16 : 4;

	for (unsigned int i = 0; names && i < names->n; i++)
		if (names->e[i].by_addr && names->e[i].family == family &&
		    !memcmp(names->e[i].addr, addr, n))
			return &names->e[i];
	return NULL;
}

void ofx_names_free(struct ofx_names *names)
{
	free(names->e);
	names->e = NULL;
	names->n = 0;
}
