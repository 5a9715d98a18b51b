/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ofx_fuzz_util.h - set-up shared by the libFuzzer harnesses of tests/fuzz
 * that write a file and print (fuzz_read, fuzz_stream): a scratch file of
 * their own in /dev/shm, removed at exit, and /dev/null to print to.
 */
#ifndef OFX_FUZZ_UTIL_H
#define OFX_FUZZ_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The scratch file, /dev/shm/ofxdp-fuzz-NAME-PID.pcap (ofxf_setup()). */
static char ofxf_path[64];

/* atexit() handler: remove the scratch file. */
static inline void ofxf_cleanup(void)
{
	unlink(ofxf_path);
}

/**
 * ofxf_setup() - name the scratch file of harness @name (ofxf_path; the
 * process id in it, so that concurrent runs do not meet) and have it
 * removed at exit. For LLVMFuzzerInitialize.
 * Return: /dev/null open for writing; aborts if it cannot be opened.
 */
static inline FILE *ofxf_setup(const char *name)
{
	FILE *devnull;

	snprintf(ofxf_path, sizeof(ofxf_path), "/dev/shm/ofxdp-fuzz-%s-%d.pcap",
		 name, (int)getpid());
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	atexit(ofxf_cleanup);
	return devnull;
}

#endif /* OFX_FUZZ_UTIL_H */
