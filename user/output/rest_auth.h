/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * rest_auth.h - what guards the REST server besides its address: the
 * bearer token (read from a file only its owner may read, compared in
 * constant time) and the files of its TLS key and certificate.
 */
#ifndef OFX_REST_AUTH_H
#define OFX_REST_AUTH_H

#include <stdbool.h>
#include <stddef.h>

/* Token length in characters: at least 16, at most this. */
#define OFX_REST_TOKEN_MIN 16
#define OFX_REST_TOKEN_MAX 1024
/* Largest PEM file (certificate chain or key) read. */
#define OFX_REST_PEM_MAX (256 * 1024)

/**
 * ofx_rest_read_file() - read the whole file @path (at most @max bytes)
 * into a NUL-terminated heap buffer *@out. With @secret, the file must not
 * be readable or writable by other users (no S_IRWXO bits: the check is on
 * the open file, fstat(2)); it must be a regular file in any case.
 * Return: 0, or -errno (-EACCES: other users may read or write it,
 * -EFBIG: larger than @max, -EINVAL: not a regular file or empty) with a
 * one-line reason naming @path in @err (@len bytes).
 */
int ofx_rest_read_file(const char *path, bool secret, size_t max, char **out,
		       char *err, size_t len);

/**
 * ofx_rest_token_load() - the bearer token of @path, a file of one line
 * (its line end stripped) that only its owner may read: 16 to 1024
 * characters of RFC 6750's token68 set (A-Z a-z 0-9 - . _ ~ + / and
 * trailing =). *@token is freed with ofx_rest_secret_free().
 * Return: 0 or -errno, with @err (@len bytes) saying what is wrong.
 */
int ofx_rest_token_load(const char *path, char **token, char *err, size_t len);

/**
 * ofx_rest_bearer_ok() - whether the Authorization header value @auth
 * (NULL: none) is "Bearer " (scheme case-insensitive) followed by exactly
 * @token. The time taken depends on the length of @token only, never on
 * where the two differ.
 */
bool ofx_rest_bearer_ok(const char *token, const char *auth);

/** ofx_rest_secret_free() - wipe the string @s (explicit_bzero), free it. */
void ofx_rest_secret_free(char *s);

#endif
