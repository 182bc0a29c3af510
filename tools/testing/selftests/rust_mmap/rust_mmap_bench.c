// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of /dev/rust-mmap against its C twin /dev/c-mmap (not a test).
 *
 *	rust_mmap_bench [ROUNDS]
 *
 * Each round measures every operation once per device, the devices
 * interleaved (and their order alternating) so that drift in the machine
 * hits both alike. Printed are the medians over the rounds, in nanoseconds
 * per operation, the Rust/C ratio and, as the noise floor of that ratio,
 * the C/C ratio of a second, independent series of the C device measured the
 * same way in the same rounds. Then the same as a machine-readable table
 * (scripts/bench_plot.py) with min, median and max of every series:
 *
 *   # device bench: rounds=N (ns per operation; min median max)
 *   op rust_min rust_med rust_max c_min c_med c_max c2_min c2_med c2_max rust/c c2/c
 *   fault ...
 *
 * ("-" where a device is missing). The operations:
 *
 *   fault     touching one page of a fresh 256-page mapping of a fresh
 *             buffer (page allocation + vm_insert_page), per page
 *   resident  RUST_MMAP_RESIDENT over 256 resident pages, per ioctl
 *   query     RUST_MMAP_QUERY, per ioctl
 *   seal      mmap 256 pages + touch 16 + RUST_MMAP_SEAL + munmap, per cycle
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/rust_mmap.h>

#define PS		4096UL
#define NPAGES		256
#define SIZE		(NPAGES * PS)	/* RUST_MMAP_MAX_SIZE */
#define RESIDENT_ITERS	50
#define QUERY_ITERS	2000
#define SEAL_ITERS	20
#define SEAL_TOUCH	16
#define MAX_ROUNDS	1000
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum { OP_FAULT, OP_RESIDENT, OP_QUERY, OP_SEAL, NOPS };
static const char *const op_names[NOPS] = {
	"fault (per page)", "resident (256 pages)", "query", "seal+remap cycle",
};

/* The names in the machine-readable table. */
static const char *const op_keys[NOPS] = { "fault", "resident", "query", "seal" };

struct device {
	const char *path;
	int present;
	double samples[NOPS][MAX_ROUNDS];
};

static struct device devices[] = {
	{ .path = "/dev/rust-mmap" },
	{ .path = "/dev/c-mmap" },
	{ .path = "/dev/c-mmap" },	/* the C/C noise series */
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what, const char *path)
{
	fprintf(stderr, "rust_mmap_bench: %s: %s: %s\n", path, what, strerror(errno));
	exit(1);
}

/* A fresh open file with a 256-page buffer, and a shared RW mapping of it. */
static int open_mapped(const char *path, char **p)
{
	uint64_t size = SIZE;
	int fd = open(path, O_RDWR);

	if (fd < 0)
		die("open", path);
	if (ioctl(fd, RUST_MMAP_SET_SIZE, &size))
		die("RUST_MMAP_SET_SIZE", path);
	*p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (*p == MAP_FAILED)
		die("mmap", path);
	return fd;
}

static void touch(char *p, int pages)
{
	for (int i = 0; i < pages; i++)
		__atomic_store_n(&p[(size_t)i * PS], 1, __ATOMIC_RELAXED);
}

static void round_one(struct device *d, int r)
{
	struct rust_mmap_range range = { .len = 0 };
	struct rust_mmap_query q = { 0 };
	double t0, t1;
	char *p;
	int fd;

	/* fault */
	fd = open_mapped(d->path, &p);
	t0 = now_ns();
	touch(p, NPAGES);
	t1 = now_ns();
	d->samples[OP_FAULT][r] = (t1 - t0) / NPAGES;

	/* resident, over the pages just faulted in */
	range.addr = (uintptr_t)p;
	t0 = now_ns();
	for (int i = 0; i < RESIDENT_ITERS; i++)
		if (ioctl(fd, RUST_MMAP_RESIDENT, &range) || range.result != NPAGES)
			die("RUST_MMAP_RESIDENT", d->path);
	t1 = now_ns();
	d->samples[OP_RESIDENT][r] = (t1 - t0) / RESIDENT_ITERS;

	/* query */
	q.addr = (uintptr_t)p + PS;
	t0 = now_ns();
	for (int i = 0; i < QUERY_ITERS; i++)
		if (ioctl(fd, RUST_MMAP_QUERY, &q))
			die("RUST_MMAP_QUERY", d->path);
	t1 = now_ns();
	d->samples[OP_QUERY][r] = (t1 - t0) / QUERY_ITERS;
	munmap(p, SIZE);

	/* seal + remap (the buffer pages exist already: no allocation) */
	t0 = now_ns();
	for (int i = 0; i < SEAL_ITERS; i++) {
		p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			die("mmap", d->path);
		touch(p, SEAL_TOUCH);
		range.addr = (uintptr_t)p;
		if (ioctl(fd, RUST_MMAP_SEAL, &range))
			die("RUST_MMAP_SEAL", d->path);
		munmap(p, SIZE);
	}
	t1 = now_ns();
	d->samples[OP_SEAL][r] = (t1 - t0) / SEAL_ITERS;
	close(fd);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 30;
	struct device *rust = &devices[0], *c = &devices[1], *c2 = &devices[2];
	int ndev = ARRAY_SIZE(devices);

	if (rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: %s [ROUNDS (1..%d)]\n", argv[0], MAX_ROUNDS);
		return 2;
	}
	for (int i = 0; i < ndev; i++)
		devices[i].present = access(devices[i].path, R_OK | W_OK) == 0;
	if (!c->present && !rust->present) {
		printf("rust_mmap_bench: neither %s nor %s exists\n", rust->path, c->path);
		return 1;
	}

	/* One warm-up round, not counted. */
	for (int i = 0; i < ndev; i++)
		if (devices[i].present)
			round_one(&devices[i], 0);
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < ndev; k++) {
			/* Alternate which device goes first. */
			struct device *d = &devices[(k + r) % ndev];

			if (d->present)
				round_one(d, r);
		}

	printf("rust_mmap_bench: %d rounds, median ns per operation\n", rounds);
	if (!rust->present)
		printf("rust_mmap_bench: %s is missing: C numbers only\n", rust->path);
	if (!c->present)
		printf("rust_mmap_bench: %s is missing: Rust numbers only\n", c->path);
	printf("%-22s %14s %14s %8s %8s\n", "operation", "rust-mmap", "c-mmap", "rust/c",
	       "c/c");
	for (int op = 0; op < NOPS; op++) {
		double mr = rust->present ? median(rust->samples[op], rounds) : 0;
		double mc = c->present ? median(c->samples[op], rounds) : 0;
		double mc2 = c2->present ? median(c2->samples[op], rounds) : 0;
		char rs[32] = "-", cs[32] = "-", ratio[32] = "-", noise[32] = "-";

		if (rust->present)
			snprintf(rs, sizeof(rs), "%.0f", mr);
		if (c->present)
			snprintf(cs, sizeof(cs), "%.0f", mc);
		if (rust->present && c->present && mc > 0)
			snprintf(ratio, sizeof(ratio), "%.2f", mr / mc);
		if (c->present && mc > 0)
			snprintf(noise, sizeof(noise), "%.2f", mc2 / mc);
		printf("%-22s %14s %14s %8s %8s\n", op_names[op], rs, cs, ratio, noise);
	}

	/* The machine-readable table; the samples are sorted by median() above. */
	printf("# device bench: rounds=%d (ns per operation; min median max)\n", rounds);
	printf("op rust_min rust_med rust_max c_min c_med c_max c2_min c2_med c2_max");
	printf(" rust/c c2/c\n");
	for (int op = 0; op < NOPS; op++) {
		double med[ARRAY_SIZE(devices)] = { 0 };

		printf("%s", op_keys[op]);
		for (int i = 0; i < ndev; i++) {
			double *v = devices[i].samples[op];

			if (!devices[i].present) {
				printf(" - - -");
				continue;
			}
			med[i] = median(v, rounds);
			printf(" %.1f %.1f %.1f", v[0], med[i], v[rounds - 1]);
		}
		if (rust->present && c->present && med[1] > 0)
			printf(" %.3f", med[0] / med[1]);
		else
			printf(" -");
		if (c->present && med[1] > 0)
			printf(" %.3f\n", med[2] / med[1]);
		else
			printf(" -\n");
	}
	return 0;
}
