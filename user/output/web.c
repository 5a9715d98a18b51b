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
	const char *p;

	if (!inm)
		return false;
	/* a list of tags, possibly weak (W/"..."), or "*" */
	for (p = inm; *p; p++) {
		if (*p == '*' && (p == inm || p[-1] == ' ' || p[-1] == ','))
			return true;
		if (!strncmp(p, a->etag, n) &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return true;
	}
	return false;
}
