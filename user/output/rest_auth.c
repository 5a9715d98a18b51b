// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * rest_auth.c - the REST server's bearer token and TLS files: read with a
 * permission check, compared in constant time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/rest_auth.h"

int ofx_rest_read_file(const char *path, bool secret, size_t max, char **out,
		       char *err, size_t len)
{
	struct stat st;
	size_t got = 0;
	char *buf;
	int fd, rc;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, len, "cannot read %s: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		snprintf(err, len, "cannot read %s: %s", path, strerror(-rc));
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, len, "%s is not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	if (secret && (st.st_mode & S_IRWXO)) {
		snprintf(err, len,
			 "%s may be read or written by every user (mode %04o): "
			 "refused; chmod o-rwx %s",
			 path, (unsigned int)(st.st_mode & 07777), path);
		close(fd);
		return -EACCES;
	}
	if ((uint64_t)st.st_size > max) {
		snprintf(err, len, "%s is too large (%lld bytes, at most %zu)",
			 path, (long long)st.st_size, max);
		close(fd);
		return -EFBIG;
	}
	buf = malloc(max + 1);
	if (!buf) {
		snprintf(err, len, "out of memory");
		close(fd);
		return -ENOMEM;
	}
	/* Read to EOF: the size may have changed since fstat(). */
	for (;;) {
		ssize_t n = read(fd, buf + got, max + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			snprintf(err, len, "cannot read %s: %s", path,
				 strerror(-rc));
			explicit_bzero(buf, got);
			free(buf);
			close(fd);
			return rc;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > max) {
			snprintf(err, len,
				 "%s is too large (at most %zu bytes)", path,
				 max);
			explicit_bzero(buf, got);
			free(buf);
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	buf[got] = '\0';
	if (!got || strlen(buf) != got) {
		snprintf(err, len, "%s is %s", path,
			 got ? "not a text file (NUL byte)" : "empty");
		explicit_bzero(buf, got);
		free(buf);
		return -EINVAL;
	}
	*out = buf;
	return 0;
}

/* RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" /
 * "/" ) *"=". Return: whether @s (@n bytes) is one. */
static bool is_token68(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n &&
	       (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') ||
		(s[i] >= '0' && s[i] <= '9') || strchr("-._~+/", s[i])))
		i++;
	if (!i)
		return false;
	while (i < n && s[i] == '=')
		i++;
	return i == n;
}

int ofx_rest_token_load(const char *path, char **token, char *err, size_t len)
{
	char *t;
	size_t n;
	int rc;

	*token = NULL;
	rc = ofx_rest_read_file(path, true, OFX_REST_TOKEN_MAX + 2, &t, err,
				len);
	if (rc)
		return rc == -EFBIG ? -EINVAL : rc;
	n = strlen(t);
	if (n && t[n - 1] == '\n')
		t[--n] = '\0';
	if (n && t[n - 1] == '\r')
		t[--n] = '\0';
	if (n < OFX_REST_TOKEN_MIN || n > OFX_REST_TOKEN_MAX ||
	    !is_token68(t, n)) {
		snprintf(err, len,
			 "%s: want one line of %d to %d characters A-Z a-z "
			 "0-9 - . _ ~ + / (e.g. head -c 32 /dev/urandom | "
			 "base64 > FILE)",
			 path, OFX_REST_TOKEN_MIN, OFX_REST_TOKEN_MAX);
		ofx_rest_secret_free(t);
		return -EINVAL;
	}
	*token = t;
	return 0;
}

bool ofx_rest_bearer_ok(const char *token, const char *auth)
{
	static const char scheme[] = "Bearer ";
	size_t n = strlen(token), m, i;
	volatile unsigned char diff = 0;
	const char *given;

	if (!auth || strncasecmp(auth, scheme, sizeof(scheme) - 1))
		return false;
	given = auth + sizeof(scheme) - 1;
	m = strlen(given);
	/* Every byte of @token is compared, whatever @given holds. */
	diff |= (unsigned char)(m != n);
	for (i = 0; i < n; i++)
		diff |= (unsigned char)token[i] ^
			(unsigned char)(i < m ? given[i] : 0);
	return diff == 0;
}

void ofx_rest_secret_free(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}
