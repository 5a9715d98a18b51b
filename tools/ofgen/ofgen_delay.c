// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ofgen --reply-delay: answers wait in a FIFO per connection until their
 * due time (request read + delay +- jitter) and then go to the tx queue
 * in order. The main loops release due answers and sleep until the head's
 * due time (ofg_epoll_wait()); nothing spins.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ofgen.h"

#define DQ_CAP0 (16 * 1024)
#define DM_CAP0 256

static const char *const lk_names[OFG_LK_MAX] = {
	[OFG_LK_PACKET_IN] = "packet_in",
	[OFG_LK_ECHO] = "echo",
	[OFG_LK_BARRIER] = "barrier",
	[OFG_LK_MULTIPART] = "multipart",
	[OFG_LK_MULTIPART_COMPLETE] = "multipart_complete",
	[OFG_LK_FEATURES] = "features",
};

const char *ofg_lk_name(enum ofg_lk k)
{
	return k < OFG_LK_MAX ? lk_names[k] : "?";
}

unsigned int ofg_answered_kinds(bool controller)
{
	if (controller)
		return 1u << OFG_LK_PACKET_IN | 1u << OFG_LK_ECHO |
		       1u << OFG_LK_BARRIER;
	return 1u << OFG_LK_ECHO | 1u << OFG_LK_BARRIER |
	       1u << OFG_LK_MULTIPART | 1u << OFG_LK_FEATURES;
}

int ofg_parse_duration(const char *s, uint64_t *ns)
{
	static const struct {
		const char *unit;
		double mult;
	} units[] = {{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
	char *end;
	double v, x;
	size_t i;

	if (!*s || *s == ' ' || *s == '-' || *s == '+')
		return -EINVAL;
	v = strtod(s, &end);
	if (end == s || !isfinite(v) || v < 0)
		return -EINVAL;
	if (!*end) {
		if (v != 0)
			return -EINVAL; /* a unit is required */
		*ns = 0;
		return 0;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].unit))
			break;
	if (i == sizeof(units) / sizeof(units[0]))
		return -EINVAL;
	x = v * units[i].mult;
	if (x > 3600e9) /* one hour is plenty */
		return -EINVAL;
	*ns = (uint64_t)(x + 0.5);
	return 0;
}

int ofg_parse_reply_delay(const char *spec, struct ofg_cfg *cfg)
{
	unsigned int ans = ofg_answered_kinds(cfg->controller);
	const char *role = cfg->controller ? "controller" : "switches";
	char buf[256], *tok, *save;
	uint64_t ns;
	int k;

	if (!*spec || strlen(spec) >= sizeof(buf))
		goto bad;
	strcpy(buf, spec);
	memset(cfg->reply_delay_ns, 0, sizeof(cfg->reply_delay_ns));
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq) {
			if (ofg_parse_duration(tok, &ns))
				goto bad_dur;
			for (k = 0; k < OFG_LK_MAX; k++)
				if (ans & 1u << k)
					cfg->reply_delay_ns[k] = ns;
			continue;
		}
		*eq = 0;
		for (k = 0; k < OFG_LK_MAX; k++)
			if (k != OFG_LK_MULTIPART_COMPLETE &&
			    !strcmp(tok, lk_names[k]))
				break;
		if (k == OFG_LK_MAX)
			goto bad;
		if (!(ans & 1u << k)) {
			fprintf(stderr,
				"ofgen: --reply-delay: the %s role does not "
				"answer %s requests\n",
				role, tok);
			return -EINVAL;
		}
		tok = eq + 1;
		if (ofg_parse_duration(tok, &ns))
			goto bad_dur;
		cfg->reply_delay_ns[k] = ns;
	}
	cfg->delay_on = true;
	return 0;
bad_dur:
	fprintf(stderr,
		"ofgen: --reply-delay: bad duration '%s' (e.g. 2ms, 500us, "
		"1.5ms, 0)\n",
		tok);
	return -EINVAL;
bad:
	fprintf(stderr,
		"ofgen: bad --reply-delay '%s': DURATION or KIND=DURATION,... "
		"with KIND in %s\n",
		spec,
		cfg->controller ? "packet_in, echo, barrier"
				: "echo, barrier, multipart, features");
	return -EINVAL;
}

uint64_t ofg_reply_delay(const struct ofg_cfg *cfg, enum ofg_lk k)
{
	uint64_t d, j, r;

	if (!cfg->delay_on || k >= OFG_LK_MAX)
		return 0;
	d = cfg->reply_delay_ns[k];
	j = cfg->reply_jitter_ns;
	if (!d || !j)
		return d;
	r = ofg_rand_below(2 * j + 1); /* uniform in [d - j, d + j] */
	return d + r > j ? d + r - j : 0;
}

static int dm_grow(struct ofg_conn *c)
{
	size_t cap = c->dm_cap ? 2 * c->dm_cap : DM_CAP0;
	struct ofg_dmsg *dm = malloc(cap * sizeof(*dm));
	uint64_t i, n = c->dm_tail - c->dm_head;

	if (!dm)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		dm[i] = c->dm[(c->dm_head + i) & (c->dm_cap - 1)];
	free(c->dm);
	c->dm = dm;
	c->dm_cap = cap;
	if (c->features_dm > c->dm_head) /* keep the switch's marker */
		c->features_dm -= c->dm_head;
	else
		c->features_dm = 0;
	c->dm_head = 0;
	c->dm_tail = n;
	return 0;
}

/* Room for @len more bytes at dq_tail (compacting or growing). */
static int dq_room(struct ofg_conn *c, size_t len)
{
	size_t n = c->dq_tail - c->dq_head, cap;
	uint8_t *p;

	if (c->dq_tail + len <= c->dq_cap)
		return 0;
	if (c->dq_head) {
		memmove(c->dq, c->dq + c->dq_head, n);
		c->dq_head = 0;
		c->dq_tail = n;
		if (n + len <= c->dq_cap)
			return 0;
	}
	cap = c->dq_cap ? c->dq_cap : DQ_CAP0;
	while (cap < n + len)
		cap *= 2;
	p = realloc(c->dq, cap);
	if (!p)
		return -ENOMEM;
	c->dq = p;
	c->dq_cap = cap;
	return 0;
}

int ofg_answer(struct ofg_conn *c, const uint8_t *m, size_t len, uint8_t lat,
	       uint64_t t_ns, uint64_t due_ns)
{
	struct ofg_dmsg *d;

	if (!ofg_lat_on)
		lat = 0;
	if (c->dm_head == c->dm_tail &&
	    (due_ns <= t_ns || due_ns <= ofg_now_ns())) {
		if (ofg_tx_queue(c, m, len))
			return -ENOMEM;
		ofg_tx_tag(c, lat, t_ns);
		return 0;
	}
	if (c->dm_tail - c->dm_head == c->dm_cap && dm_grow(c))
		return -ENOMEM;
	if (dq_room(c, len))
		return -ENOMEM;
	memcpy(c->dq + c->dq_tail, m, len);
	c->dq_tail += len;
	d = &c->dm[c->dm_tail++ & (c->dm_cap - 1)];
	d->due_ns = due_ns;
	d->t_ns = t_ns;
	d->len = (uint32_t)len;
	d->lat = lat;
	return 0;
}

int ofg_delay_release(struct ofg_conn *c, uint64_t now_ns)
{
	int n = 0;

	while (c->dm_head != c->dm_tail) {
		struct ofg_dmsg *d = &c->dm[c->dm_head & (c->dm_cap - 1)];

		if (d->due_ns > now_ns)
			break;
		if (ofg_tx_queue(c, c->dq + c->dq_head, d->len))
			break; /* out of memory: try again later */
		ofg_tx_tag(c, d->lat, d->t_ns);
		c->dq_head += d->len;
		c->dm_head++;
		n++;
	}
	if (c->dq_head == c->dq_tail)
		c->dq_head = c->dq_tail = 0;
	return n;
}

uint64_t ofg_delay_next(const struct ofg_conn *c)
{
	if (c->dm_head == c->dm_tail)
		return UINT64_MAX;
	return c->dm[c->dm_head & (c->dm_cap - 1)].due_ns;
}
