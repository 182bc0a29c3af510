// SPDX-License-Identifier: GPL-2.0
/*
 * A short, human-readable walk through the rust-mmap sample devices (make run).
 *
 * For /dev/rust-mmap and /dev/c-mmap (whichever exist): map a buffer, touch
 * some pages, show what the driver reports, seal the mapping and show that a
 * write is refused. Finally say whether both devices behaved identically.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/rust_mmap.h>

#define PS	4096UL
#define NPAGES	8
#define TOUCHED	3

/* What a device did, for the comparison at the end. */
struct outcome {
	int ok;
	struct rust_mmap_stats after_touch;
	uint64_t resident_after_touch;
	uint64_t flags_before, flags_after_seal;
	uint64_t resident_after_seal;
	int write_refused;
	int data_intact;
};

static sigjmp_buf segv_jmp;

static void on_segv(int sig)
{
	siglongjmp(segv_jmp, sig);
}

static const char *flag_names(uint64_t f)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s%s%s%s%s",
		 f & RUST_MMAP_F_READ ? "READ " : "",
		 f & RUST_MMAP_F_WRITE ? "WRITE " : "",
		 f & RUST_MMAP_F_MAYWRITE ? "MAYWRITE " : "",
		 f & RUST_MMAP_F_DONTCOPY ? "DONTCOPY " : "",
		 f & RUST_MMAP_F_SHARED ? "SHARED " : "");
	if (buf[0])
		buf[strlen(buf) - 1] = '\0';
	return buf;
}

static int fail(const char *what)
{
	printf("  %s failed: %s\n", what, strerror(errno));
	return 0;
}

static int demo(const char *path, struct outcome *o)
{
	struct rust_mmap_range range = { 0 };
	struct rust_mmap_query q = { 0 };
	uint64_t size = NPAGES * PS;
	struct sigaction sa = { .sa_handler = on_segv };
	char *p;
	int fd;

	printf("== %s ==\n", path);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return fail("open");
	if (ioctl(fd, RUST_MMAP_SET_SIZE, &size))
		return fail("RUST_MMAP_SET_SIZE");
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return fail("mmap");
	printf("  buffer of %d pages mapped shared read/write\n", NPAGES);

	for (int i = 0; i < TOUCHED; i++)
		snprintf(p + i * PS, PS, "hello from page %d", i);
	printf("  wrote a greeting into pages 0..%d\n", TOUCHED - 1);

	range.addr = (uintptr_t)p;
	if (ioctl(fd, RUST_MMAP_STATS, &o->after_touch) ||
	    ioctl(fd, RUST_MMAP_RESIDENT, &range))
		return fail("RUST_MMAP_STATS/RESIDENT");
	o->resident_after_touch = range.result;
	printf("  driver: %llu faults, %llu pages allocated, ",
	       (unsigned long long)o->after_touch.faults,
	       (unsigned long long)o->after_touch.pages);
	printf("%llu of %d pages resident, %llu mapping(s)\n",
	       (unsigned long long)range.result, NPAGES,
	       (unsigned long long)o->after_touch.mappings);

	q.addr = (uintptr_t)p;
	if (ioctl(fd, RUST_MMAP_QUERY, &q))
		return fail("RUST_MMAP_QUERY");
	o->flags_before = q.flags;
	printf("  QUERY: %zu-byte VMA at pgoff %llu, flags %s\n",
	       (size_t)(q.end - q.start), (unsigned long long)q.pgoff,
	       flag_names(q.flags));

	if (ioctl(fd, RUST_MMAP_SEAL, &range))
		return fail("RUST_MMAP_SEAL");
	o->flags_after_seal = range.result;
	if (ioctl(fd, RUST_MMAP_RESIDENT, &range))
		return fail("RUST_MMAP_RESIDENT");
	o->resident_after_seal = range.result;
	printf("  SEAL: flags now %s, %llu pages resident (PTEs zapped)\n",
	       flag_names(o->flags_after_seal), (unsigned long long)range.result);

	sigaction(SIGSEGV, &sa, NULL);
	if (sigsetjmp(segv_jmp, 1) == 0) {
		__atomic_store_n(&p[0], 'X', __ATOMIC_RELAXED);
		printf("  write after SEAL: NOT refused (bug)\n");
	} else {
		o->write_refused = 1;
		printf("  write after SEAL: refused (SIGSEGV caught)\n");
	}
	signal(SIGSEGV, SIG_DFL);

	o->data_intact = strcmp(p, "hello from page 0") == 0;
	printf("  read after SEAL: \"%s\"\n", p);
	close(fd);
	printf("  file closed, mapping still reads: \"%s\"\n", p + PS);
	munmap(p, size);
	o->ok = 1;
	return 1;
}

int main(void)
{
	static const char *const paths[] = { "/dev/rust-mmap", "/dev/c-mmap" };
	struct outcome out[2];
	int present[2];

	memset(out, 0, sizeof(out));
	for (int i = 0; i < 2; i++) {
		present[i] = access(paths[i], F_OK) == 0;
		if (present[i])
			demo(paths[i], &out[i]);
		else
			printf("== %s: not present ==\n", paths[i]);
	}
	if (present[0] && present[1]) {
		int same = out[0].ok && out[1].ok &&
			   !memcmp(&out[0], &out[1], sizeof(out[0]));

		printf("Rust and C devices agreed: %s\n", same ? "yes" : "NO");
		return !same;
	}
	printf("Rust and C devices agreed: only one device present, nothing to compare\n");
	return 0;
}
