/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * log.h - one place for diagnostics: levels, a "ofxdp: " prefix, stderr.
 * -v raises the level to debug (and passes libbpf's messages through).
 */
#ifndef OFX_LOG_H
#define OFX_LOG_H

/** enum ofx_log_level - most to least severe. */
enum ofx_log_level {
	OFX_LOG_ERROR = 0, /* the operation failed */
	OFX_LOG_WARN, /* it goes on, with less than asked for */
	OFX_LOG_INFO, /* what was set up (default level) */
	OFX_LOG_DEBUG, /* details, with -v */
};

/** ofx_log_set_level() - print messages up to @level (default INFO). */
void ofx_log_set_level(enum ofx_log_level level);

/** ofx_log_level() - the current level. */
enum ofx_log_level ofx_log_level(void);

/**
 * ofx_log() - print "ofxdp: " (plus "warning: " for OFX_LOG_WARN) and the
 * message to stderr when @level is enabled. @fmt ends with its own "\n".
 */
void ofx_log(enum ofx_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define ofx_err(...) ofx_log(OFX_LOG_ERROR, __VA_ARGS__)
#define ofx_warn(...) ofx_log(OFX_LOG_WARN, __VA_ARGS__)
#define ofx_info(...) ofx_log(OFX_LOG_INFO, __VA_ARGS__)
#define ofx_debug(...) ofx_log(OFX_LOG_DEBUG, __VA_ARGS__)

#endif
