/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * fmt.h - number formatting without printf, for lines formatted per
 * message (watch, stream sessions): decimal and hex digits into a buffer.
 */
#ifndef OFX_FMT_H
#define OFX_FMT_H

#include <stddef.h>
#include <stdint.h>

/* Longest output of ofx_fmt_u64() / ofx_fmt_hex(), NUL excluded. */
#define OFX_FMT_U64_MAX 20
#define OFX_FMT_HEX_MAX 18 /* "0x" + 16 digits */

/**
 * ofx_fmt_u64() - @v in decimal at @p (no NUL).
 * Return: the number of characters written (1..OFX_FMT_U64_MAX).
 */
static inline size_t ofx_fmt_u64(char *p, uint64_t v)
{
	char t[OFX_FMT_U64_MAX];
	size_t n = 0, i;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		p[i] = t[n - 1 - i];
	return n;
}

/**
 * ofx_fmt_hex() - @v as "0x" and lower-case hex digits at @p (no NUL), at
 * least @width digits (zero-padded, 0..16).
 * Return: the number of characters written (3..OFX_FMT_HEX_MAX).
 */
static inline size_t ofx_fmt_hex(char *p, uint64_t v, unsigned int width)
{
	static const char hex[] = "0123456789abcdef";
	char t[16];
	size_t n = 0, i;

	do {
		t[n++] = hex[v & 15];
		v >>= 4;
	} while (v);
	while (n < width && n < 16)
		t[n++] = '0';
	p[0] = '0';
	p[1] = 'x';
	for (i = 0; i < n; i++)
		p[2 + i] = t[n - 1 - i];
	return n + 2;
}

#endif
