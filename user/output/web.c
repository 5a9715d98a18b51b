// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * web.c - finding the dashboard's embedded files (web.h).
 */
#include <string.h>

#include "output/web.h"

bool ofx_web_path(const char *url)
{
	return !strcmp(url, "/") || !strncmp(url, "/ui/", 4);
}

const struct ofx_web_asset *ofx_web_find(const char *url)
{
	for (size_t i = 0; i < ofx_web_nassets; i++)
		if (!strcmp(url, ofx_web_assets[i].path))
			return &ofx_web_assets[i];
	return NULL;
}

bool ofx_web_fresh(const struct ofx_web_asset *a, const char *inm)
{
	size_t n = strlen(a->etag);
	const char *p = inm, *end;

	if (!inm)
		return false;
	/* #( "*" / [ "W/" ] DQUOTE etagc DQUOTE ), weak comparison (RFC 9110
	 * §13.1.2): elements split by commas and blanks, quoted tags whole */
	while (*p) {
		p += strspn(p, " \t,");
		if (!*p)
			break;
		if (*p == '*')
			return true;
		if (!strncmp(p, "W/", 2))
			p += 2;
		if (*p != '"')
			return false; /* not a tag list */
		end = strchr(p + 1, '"');
		if (!end)
			return false;
		if ((size_t)(end + 1 - p) == n && !strncmp(p, a->etag, n))
			return true;
		p = end + 1;
	}
	return false;
}
