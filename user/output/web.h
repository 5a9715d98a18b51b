/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * web.h - the dashboard's files (user/output/web, and Chart.js from
 * Debian's libjs-chart.js), embedded in the binary at build time by
 * tools/gen-web-assets.sh, and the replies that serve them at / and
 * /ui/... (rest.c routes the requests).
 */
#ifndef OFX_WEB_H
#define OFX_WEB_H

#include <stdbool.h>
#include <stddef.h>

/**
 * struct ofx_web_asset - one embedded file.
 * @path: the URL path it answers ("/", "/ui/app.js")
 * @type: its Content-Type
 * @etag: its entity tag, quotes included (from a hash of @data)
 * @data: its bytes, @len of them
 */
struct ofx_web_asset {
	const char *path;
	const char *type;
	const char *etag;
	const unsigned char *data;
	size_t len;
};

/* The embedded files (generated: $(BUILD)/web_assets.c). */
extern const struct ofx_web_asset ofx_web_assets[];
extern const size_t ofx_web_nassets;

/* The dashboard's own settings document (built by the server). */
#define OFX_WEB_CONFIG_PATH "/ui/config.json"

/**
 * ofx_web_path() - whether @url is the dashboard's: "/" or under "/ui/".
 * Those paths carry no counters and are served without the REST token.
 */
bool ofx_web_path(const char *url);

/** ofx_web_find() - the embedded file answering @url, or NULL. */
const struct ofx_web_asset *ofx_web_find(const char *url);

/**
 * ofx_web_fresh() - whether an If-None-Match header value @inm (NULL:
 * none) names @a's entity tag ("*" too): the client's copy is current
 * (304 Not Modified).
 */
bool ofx_web_fresh(const struct ofx_web_asset *a, const char *inm);

#endif
