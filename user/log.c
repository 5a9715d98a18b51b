// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * log.c - leveled diagnostics on stderr (see log.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static enum ofx_log_level cur_level = OFX_LOG_INFO;

void ofx_log_set_level(enum ofx_log_level level)
{
	cur_level = level;
}

enum ofx_log_level ofx_log_level(void)
{
	return cur_level;
}

void ofx_log(enum ofx_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > cur_level)
		return;
	fputs(level == OFX_LOG_WARN ? "ofxdp: warning: " : "ofxdp: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}
