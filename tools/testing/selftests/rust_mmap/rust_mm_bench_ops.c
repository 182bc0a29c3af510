// SPDX-License-Identifier: GPL-2.0
/*
 * Per-operation benchmark of the mm lock guards (not a test):
 * /dev/rust-mm-bench (samples/rust/rust_mm_bench.rs, the kernel::mm guards)
 * against /dev/c-mm-bench (samples/rust/c_mm_bench.c, the same C calls by
 * hand), both implementing include/uapi/linux/rust_mm_bench.h.
 *
 *	rust_mm_bench_ops [ROUNDS]	(default 30)
 *
 * Every RUST_MM_BENCH_RUN call runs one operation `iters` times in a loop in
 * the kernel and reports how long the whole loop took, so that the syscall
 * and the ioctl dispatch stay out of the numbers.
 *
 * Setup: a private anonymous mapping of RUST_MM_BENCH_LEN bytes aligned to
 * RUST_MM_BENCH_LEN (one PTE table on x86-64; MADV_NOHUGEPAGE so that it is
 * mapped by that table and not by a huge page), every page written, and a few
 * small extra mappings so that the VMA walk sees about 20 VMAs. Nothing is
 * mapped, unmapped or allocated once the measurement starts: the address
 * space, and so every checksum, stays the same.
 *
 * Calibration: per operation, iters starts at 64 and doubles (up to
 * RUST_MM_BENCH_MAX_ITERS) until one call takes at least 1 ms on both
 * devices, 1-5 ms under QEMU TCG; all three series then use those iters.
 *
 * Three series: rust, c and c2, the C device again through its own file as
 * an independent A/A series, whose c2/c ratio is the noise floor of rust/c.
 * Each round measures every operation once per series, the series
 * interleaved per operation and their order rotating from round to round so
 * that drift in the machine hits all alike. Recorded is the kernel's time
 * per iteration; printed are min, median and max over the rounds in ns per
 * operation and the ratios of the medians. The `result` checksums of the
 * three series must be identical in every round (a benchmark must not differ
 * in what it does): if not, a "# checksum mismatch op=..." line is printed
 * and the exit status is 1.
 *
 * A missing device is not an error: "# skipped: ..." and exit status 0.
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
#include <unistd.h>

#include <linux/rust_mm_bench.h>

#define PS		4096UL
#define LEN		RUST_MM_BENCH_LEN
#define START_ITERS	64
#define TARGET_NS	1000000ULL	/* at least 1 ms per call */
#define EXTRA_PAGES	8		/* alternating protections: 8 VMAs */
#define MAX_ROUNDS	1000

#define NOPS		RUST_MM_BENCH_NR_OPS
static const char *const op_names[NOPS] = {
	[RUST_MM_BENCH_MMAP_READ]	= "mmap_read",
	[RUST_MM_BENCH_MMAP_WRITE]	= "mmap_write",
	[RUST_MM_BENCH_VMA_READ]	= "vma_read",
	[RUST_MM_BENCH_LOCK_VMA]	= "lock_vma",
	[RUST_MM_BENCH_VMA_LOOKUP]	= "vma_lookup",
	[RUST_MM_BENCH_VMA_ITER]	= "vma_iter",
	[RUST_MM_BENCH_PTE_SCAN]	= "pte_scan",
	[RUST_MM_BENCH_I_MMAP]		= "i_mmap",
};

enum { S_RUST, S_C, S_C2, NSERIES };

struct series {
	const char *name;
	const char *path;
	int fd;
	double samples[NOPS][MAX_ROUNDS];	/* ns per iteration */
	uint64_t result[NOPS];			/* of the current round */
};

static struct series series[NSERIES] = {
	[S_RUST]	= { .name = "rust", .path = "/dev/rust-mm-bench" },
	[S_C]		= { .name = "c", .path = "/dev/c-mm-bench" },
	[S_C2]		= { .name = "c2", .path = "/dev/c-mm-bench" },
};

static uint64_t bench_addr;
static unsigned int iters[NOPS];	/* 0: the operation failed, not measured */
static int mismatches[NOPS];
static uint64_t first_mismatch[NOPS][NSERIES];

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "rust_mm_bench_ops: %s: %s: %s\n", what, detail, strerror(errno));
	exit(1);
}

/* One call: `n` iterations of `op`; returns 0 or an errno. */
static int run(struct series *s, int op, unsigned int n, uint64_t *ns, uint64_t *result)
{
	struct rust_mm_bench b = { .op = op, .iters = n, .addr = bench_addr };

	if (ioctl(s->fd, RUST_MM_BENCH_RUN, &b))
		return errno;
	*ns = b.ns;
	*result = b.result;
	return 0;
}

/* The number of VMAs, from /proc/self/maps (less [vsyscall]); -1 if unreadable. */
static int count_vmas(void)
{
	static char buf[1 << 16];
	int fd = open("/proc/self/maps", O_RDONLY), n = 0;
	size_t len = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	while (len < sizeof(buf) && (r = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += r;
	close(fd);
	for (size_t i = 0; i < len; i++)
		n += buf[i] == '\n';
	return n - !!memmem(buf, len, "[vsyscall]", 10);
}

static void setup(void)
{
	char *p, *start, *extra;

	/* The bench region: over-allocate, trim to an aligned LEN, touch. */
	p = mmap(NULL, 2 * LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap", "bench region");
	start = (char *)(((uintptr_t)p + LEN - 1) & ~(uintptr_t)(LEN - 1));
	if (start > p)
		munmap(p, start - p);
	munmap(start + LEN, p + LEN - start);
	/* PTEs, not a huge page (fails harmlessly without THP). */
	madvise(start, LEN, MADV_NOHUGEPAGE);
	for (size_t off = 0; off < LEN; off += PS)
		__atomic_store_n(&start[off], 1, __ATOMIC_RELAXED);
	bench_addr = (uintptr_t)start;

	/* Extra VMAs: pages of alternating protections do not merge. */
	extra = mmap(NULL, EXTRA_PAGES * PS, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (extra == MAP_FAILED)
		die("mmap", "extra mappings");
	for (int i = 1; i < EXTRA_PAGES; i += 2) {
		if (mprotect(extra + i * PS, PS, PROT_READ | PROT_WRITE))
			die("mprotect", "extra mappings");
		__atomic_store_n(&extra[i * PS], 1, __ATOMIC_RELAXED);
	}
}

/*
 * Find iters for `op`: double from START_ITERS until one call takes at
 * least TARGET_NS on both devices. Returns 0 if a call failed.
 */
static unsigned int calibrate(int op)
{
	struct series *r = &series[S_RUST], *c = &series[S_C];
	uint64_t tr = 0, tc = 0, res;
	unsigned int n = START_ITERS;
	int err;

	/* The first pass is a warm-up, not counted. */
	for (int pass = 0;; pass++) {
		err = run(r, op, n, &tr, &res);
		if (!err)
			err = run(c, op, n, &tc, &res);
		if (err)
			goto fail;
		if (!pass)
			continue;
		if ((tr >= TARGET_NS && tc >= TARGET_NS) || n >= RUST_MM_BENCH_MAX_ITERS)
			break;
		n = n > RUST_MM_BENCH_MAX_ITERS / 2 ? RUST_MM_BENCH_MAX_ITERS : n * 2;
	}
	printf("# calibrated op=%s iters=%u (rust %.2f ms, c %.2f ms per call)\n",
	       op_names[op], n, tr / 1e6, tc / 1e6);
	return n;
fail:
	printf("# op=%s: RUST_MM_BENCH_RUN iters=%u failed: %s: not measured\n",
	       op_names[op], n, strerror(err));
	return 0;
}

static void round_one(int r)
{
	for (int op = 0; op < NOPS; op++) {
		if (!iters[op])
			continue;
		for (int k = 0; k < NSERIES; k++) {
			/* Rotate which series goes first. */
			struct series *s = &series[(k + r) % NSERIES];
			uint64_t ns = 0;
			int err = run(s, op, iters[op], &ns, &s->result[op]);

			if (err) {
				errno = err;
				die(s->path, op_names[op]);
			}
			s->samples[op][r] = (double)ns / iters[op];
		}
		if (series[S_RUST].result[op] == series[S_C].result[op] &&
		    series[S_C2].result[op] == series[S_C].result[op])
			continue;
		/* Printed after the rounds: printing now could grow the heap. */
		if (!mismatches[op]++)
			for (int k = 0; k < NSERIES; k++)
				first_mismatch[op][k] = series[k].result[op];
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts v: min v[0], max v[n - 1]. */
static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 30;
	int status = 0;

	if (rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: %s [ROUNDS (1..%d)]\n", argv[0], MAX_ROUNDS);
		return 2;
	}
	for (int k = 0; k < NSERIES; k++) {
		struct series *s = &series[k];

		s->fd = open(s->path, O_RDWR);
		if (s->fd < 0) {
			printf("rust_mm_bench_ops: cannot open %s: %s\n", s->path, strerror(errno));
			printf("# skipped: %s not available (per-op bench needs both %s and %s)\n",
			       s->path, series[S_RUST].path, series[S_C].path);
			return 0;
		}
	}

	setup();
	/* Also allocates stdout's buffer before anything is measured. */
	printf("# per-op setup: region %#llx + %lu KiB, %d VMAs\n",
	       (unsigned long long)bench_addr, LEN >> 10, count_vmas());
	fflush(stdout);

	for (int op = 0; op < NOPS; op++) {
		iters[op] = calibrate(op);
		if (!iters[op])
			status = 1;
	}
	fflush(stdout);
	for (int r = 0; r < rounds; r++)
		round_one(r);

	printf("# per-op bench: rounds=%d (ns per operation; min median max)\n", rounds);
	printf("op");
	for (int k = 0; k < NSERIES; k++)
		printf(" %s_min %s_med %s_max", series[k].name, series[k].name, series[k].name);
	printf(" rust/c c2/c\n");
	for (int op = 0; op < NOPS; op++) {
		double med[NSERIES];

		printf("%s", op_names[op]);
		if (!iters[op]) {
			printf("%s\n", " - - - - - - - - - - -");
			continue;
		}
		for (int k = 0; k < NSERIES; k++) {
			double *v = series[k].samples[op];

			med[k] = median(v, rounds);
			printf(" %.1f %.1f %.1f", v[0], med[k], v[rounds - 1]);
		}
		if (med[S_C] > 0)
			printf(" %.3f %.3f\n", med[S_RUST] / med[S_C], med[S_C2] / med[S_C]);
		else
			printf(" - -\n");
	}

	for (int op = 0; op < NOPS; op++) {
		if (!mismatches[op])
			continue;
		printf("# checksum mismatch op=%s: %d of %d rounds, first:",
		       op_names[op], mismatches[op], rounds);
		printf(" rust %#llx c %#llx c2 %#llx\n",
		       (unsigned long long)first_mismatch[op][S_RUST],
		       (unsigned long long)first_mismatch[op][S_C],
		       (unsigned long long)first_mismatch[op][S_C2]);
		status = 1;
	}
	return status;
}
