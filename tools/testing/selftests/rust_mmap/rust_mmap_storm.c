// SPDX-License-Identifier: GPL-2.0
/*
 * Storm test of the rust-mmap sample devices (include/uapi/linux/rust_mmap.h):
 * /dev/rust-mmap (samples/rust/rust_mmap.rs) and its C twin /dev/c-mmap
 * (samples/rust/c_mmap.c).
 *
 *	rust_mmap_storm DEVICE [-t THREADS] [-s SECONDS] [-S SEED]
 *	rust_mmap_storm DEVICE -d [-n OPS] [-S SEED]
 *
 * Every thread runs a seeded random mix (own xorshift PRNG, seed + thread
 * index) of opens, RUST_MMAP_SET_SIZE, mmap with valid and invalid arguments,
 * page reads and writes, munmap, mremap, mprotect, madvise, fork, every ioctl
 * with valid and hostile arguments (bad, unaligned and overflowing ranges,
 * NULL, kernel and PROT_NONE argument pointers, argument structs inside the
 * device's own mappings, addresses of other files' and of anonymous
 * mappings) and /proc/self/mem accesses.
 *
 * Each thread keeps a model of its own open files (size, contents of every
 * page as pattern + generation, fault and page counters) and of its own
 * mappings (VMAs with their protection, seal and DONTCOPY state and which
 * pages are resident), laid out in a private arena of the address space.
 * Every result is compared with the model: errnos as the ABI states them,
 * ioctl outputs, data read through other mappings, /proc/self/mem and fork
 * children. A few files are shared by all threads through a small table; they
 * are mapped, touched and queried concurrently, and replaced under the feet
 * of the other threads, with checks that do not depend on the races.
 *
 * -d runs a fixed sequence of OPS (default 2000) operations in one thread and
 * prints a digest of every result (no addresses, pids or fd numbers go into
 * it), which must be the same for both devices.
 *
 * Output: TAP (storm_ops, storm_integrity, storm_abi, storm_no_leak) and
 * "# storm:" comment lines. A watchdog aborts the run (non-zero exit) if it
 * takes longer than SECONDS * 3 + 30 seconds.
 *
 * Debugging: -v prints every mismatch and coverage counters, -P checks the
 * resident pages of every mapping after every operation, -x T:A:B traces
 * operations A to B of thread T (a thread's sequence depends only on its seed).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/rust_mmap.h>

#include "../kselftest.h"

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE	0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC		0x80000
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4
#endif
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK		18
#endif
#ifndef BIT
#define BIT(n)			(1UL << (n))
#endif

/* Accesses to the mappings that must really happen (they may fault). */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

#define PS		4096UL			/* page size (x86) */
#define MAXPG		(RUST_MMAP_MAX_SIZE / PS)	/* largest buffer / mapping, pages */
#define MAX_THREADS	16
#define NFILES		6			/* model files per thread */
#define NVMAS		48			/* model VMAs per thread */
#define VMA_SOFT_MAX	32			/* mmap only below this many VMAs */
#define ARENA_PAGES	2048			/* per-thread arena: 8 MiB */
#define NSHARED		4			/* files shared by all threads */
#define SHARED_PAGES	16			/* their size (and mapping length) */
#define SHARED_STRIDE	(SHARED_PAGES + 16)
#define SHARED_POOL	64
#define MAX_PRINT	20			/* mismatch lines printed */
#define DET_OPS		2000
#define GEN_UNKNOWN	0xffffffffu		/* page content not modelled */
#define NOALT		1L			/* no alternative result */
#define PATK		0x9e3779b97f4a7c15ULL
#define REPORT_MAGIC	0x53746f72U
#define KERNEL_PTR	0xffff888000000000ULL

#define F_ALL		(RUST_MMAP_F_READ | RUST_MMAP_F_WRITE | RUST_MMAP_F_MAYWRITE | \
			 RUST_MMAP_F_SHARED)

/* The model of one open file of a thread. */
struct mfile {
	bool used;
	int fd, dupfd;			/* -1 once closed; dupfd: same open file */
	bool rdonly;
	uint32_t npages;		/* 0 until RUST_MMAP_SET_SIZE */
	uint32_t uid;			/* pattern seed */
	uint32_t next_gen;
	uint32_t gen[MAXPG];		/* 0: zeroed page, GEN_UNKNOWN: not checked */
	uint8_t alloc[MAXPG];		/* page allocated by the driver */
	uint64_t faults, pages;		/* expected RUST_MMAP_STATS counters */
	int nvmas;			/* model VMAs that map it */
};

/* The model of one VMA in the thread's arena. */
struct mvma {
	bool used;
	int file;
	uint32_t start, len, pgoff;	/* arena page, pages, buffer page */
	int prot;			/* PROT_READ / PROT_WRITE bits */
	bool maywrite, dontcopy;
	uint64_t res[MAXPG / 64];	/* resident (present PTE) pages */
	uint64_t made_op, res_op;	/* for messages: op that made it, that last */
	const char *made_by, *res_by;	/* changed its resident pages */
};

struct child_report {
	uint32_t magic, abi, integ;
	uint64_t digest;
	char msg[240];
};

struct th {
	int idx;
	bool mt;			/* other threads run concurrently */
	uint64_t rng;
	char *arena;
	char *scratch;			/* two pages: read-write, PROT_NONE */
	int memfd;			/* /proc/self/mem */
	struct mfile f[NFILES];
	struct mvma v[NVMAS];
	uint32_t next_uid;
	uint64_t ops, abi, integ, digest;
	uint64_t nop[32], nloc[16], nfatal[8], nerr[160];	/* coverage (-v) */
	const char *opname;
	bool in_child;
	struct child_report *crep;
	pthread_t tid;
};

/* A file of the shared table; users hold a reference across their use of fd. */
struct sentry {
	bool inuse, retired;
	int fd, refs;
};

struct sslot {
	char *addr;
	struct sentry *cur;
};

static const char *dev_path;
static char dev_real[PATH_MAX];
static int nthreads = 4, seconds = 10;
static uint64_t seed = 1;
static bool det, verbose, paranoid;
static int trace_thread = -1;		/* -x THREAD:FROM:TO */
static unsigned long long trace_from, trace_to;
static uint64_t det_ops = DET_OPS;
static uint64_t deadline_ns;

static struct th ths[MAX_THREADS];
static struct sslot sslots[NSHARED];
static struct sentry spool[SHARED_POOL];
static char *shared_arena;
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int printed;
static atomic_int results_started;
static unsigned int watchdog_secs;

/* Utilities */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* xorshift64 */
static uint64_t rnd(struct th *t)
{
	uint64_t x = t->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return t->rng = x;
}

static uint32_t rn(struct th *t, uint64_t n)
{
	return n ? (uint32_t)(rnd(t) % n) : 0;
}

static bool chance(struct th *t, int pct)
{
	return rn(t, 100) < (uint32_t)pct;
}

/* Every result goes into the digest; only address-independent values. */
static void dig(struct th *t, uint64_t v)
{
	t->digest = (t->digest ^ mix64(v + 0x51ed27)) * 0x100000001b3ULL;
	t->digest ^= t->digest >> 29;
}

static const char *en(long r, char *buf, size_t n)
{
	const char *name;

	if (r == 0)
		return "0";
	name = r < 0 && r > -4096 ? strerrorname_np((int)-r) : NULL;
	if (name) {
		snprintf(buf, n, "-%s", name);
		return buf;
	}
	snprintf(buf, n, "%ld", r);
	return buf;
}

static void print_line(const char *kind, struct th *t, const char *msg)
{
	if (atomic_fetch_add(&printed, 1) >= MAX_PRINT && !verbose)
		return;
	pthread_mutex_lock(&print_lock);
	printf("# %s: thread %d op %llu (%s): %s\n", kind, t->idx, (unsigned long long)t->ops,
	       t->opname ? t->opname : "-", msg);
	fflush(stdout);
	pthread_mutex_unlock(&print_lock);
}

/* -x: a line per checked result and per page access of one thread. */
static bool tracing(struct th *t)
{
	return t->idx == trace_thread && !t->in_child && t->ops >= trace_from && t->ops <= trace_to;
}

static void __printf(2, 3) trace(struct th *t, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (!tracing(t))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&print_lock);
	printf("# trace: thread %d op %llu (%s): %s\n", t->idx, (unsigned long long)t->ops,
	       t->opname, msg);
	pthread_mutex_unlock(&print_lock);
}

/* An ABI mismatch or (integ) a data integrity failure. */
static void __printf(3, 4)
report(struct th *t, bool integ, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (t->in_child) {
		if (integ)
			t->crep->integ++;
		else
			t->crep->abi++;
		if (!t->crep->msg[0])
			snprintf(t->crep->msg, sizeof(t->crep->msg), "%.200s", msg);
		return;
	}
	if (integ)
		t->integ++;
	else
		t->abi++;
	print_line(integ ? "integrity failure" : "abi mismatch", t, msg);
}

/* Compare a 0 / -errno result (alt: a second acceptable result, or NOALT). */
static bool chk(struct th *t, const char *what, long exp, long alt, long got)
{
	char a[32], b[32], c[32];

	dig(t, (uint64_t)got);
	if (exp <= 0 && exp > -150)
		t->nerr[-exp]++;
	if (tracing(t))
		trace(t, "%s -> %s", what, en(got, b, sizeof(b)));
	if (got == exp || (alt != NOALT && got == alt))
		return true;
	if (alt != NOALT)
		report(t, false, "%s: expected %s or %s, got %s", what,
		       en(exp, a, sizeof(a)), en(alt, c, sizeof(c)), en(got, b, sizeof(b)));
	else
		report(t, false, "%s: expected %s, got %s", what,
		       en(exp, a, sizeof(a)), en(got, b, sizeof(b)));
	return false;
}

static bool chk_u64(struct th *t, const char *what, uint64_t exp, uint64_t got)
{
	dig(t, got);
	if (exp == got)
		return true;
	report(t, false, "%s: expected %#llx, got %#llx", what, (unsigned long long)exp,
	       (unsigned long long)got);
	return false;
}

static long xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/* Signals: the watchdog and faults that must not happen in this process. */

static void say(const char *s)
{
	ssize_t r = write(STDOUT_FILENO, s, strlen(s));

	(void)r;
}

static void fail_all(void)
{
	if (atomic_load(&results_started))
		return;
	atomic_store(&results_started, 1);
	say("not ok 1 storm_ops\nnot ok 2 storm_integrity\nnot ok 3 storm_abi\n"
	    "not ok 4 storm_no_leak\n");
}

static void on_alarm(int sig)
{
	char buf[96];
	unsigned int s = watchdog_secs;
	int i = sizeof(buf) - 1;

	(void)sig;
	buf[i] = 0;
	say("# storm: watchdog: the run exceeded ");
	do {
		buf[--i] = (char)('0' + s % 10);
		s /= 10;
	} while (s);
	say(buf + i);
	say(" s (SECONDS * 3 + 30), aborting\n");
	fail_all();
	_exit(2);
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	static const char hex[] = "0123456789abcdef";
	uintptr_t a = (uintptr_t)si->si_addr;
	char buf[24];
	int i = sizeof(buf) - 1;

	(void)uc;
	buf[i] = 0;
	do {
		buf[--i] = hex[a & 15];
		a >>= 4;
	} while (a && i > 2);
	buf[--i] = 'x';
	buf[--i] = '0';
	say(sig == SIGBUS ? "# storm: unexpected SIGBUS" : "# storm: unexpected SIGSEGV");
	say(" at ");
	say(buf + i);
	say(" in the storm process: a mapping does not behave as its model, aborting\n");
	fail_all();
	_exit(3);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* The model */

static char *pg_addr(struct th *t, uint32_t apg)
{
	return t->arena + (size_t)apg * PS;
}

static uint64_t rel(struct th *t, uint64_t addr)
{
	return addr - (uintptr_t)t->arena;
}

static bool in_arena(struct th *t, uint64_t addr)
{
	return addr >= (uintptr_t)t->arena && addr < (uintptr_t)t->arena + ARENA_PAGES * PS;
}

static bool res_get(const struct mvma *v, uint32_t i)
{
	return v->res[i / 64] >> (i % 64) & 1;
}

static void res_set(struct mvma *v, uint32_t i, bool on)
{
	if (on)
		v->res[i / 64] |= 1ULL << (i % 64);
	else
		v->res[i / 64] &= ~(1ULL << (i % 64));
}

static uint64_t res_count(const struct mvma *v, uint32_t off, uint32_t n)
{
	uint64_t c = 0;

	for (uint32_t i = off; i < off + n; i++)
		c += res_get(v, i);
	return c;
}

static uint64_t vflags(const struct mvma *v)
{
	uint64_t fl = RUST_MMAP_F_SHARED;

	if (v->prot & PROT_READ)
		fl |= RUST_MMAP_F_READ;
	if (v->prot & PROT_WRITE)
		fl |= RUST_MMAP_F_WRITE;
	if (v->maywrite)
		fl |= RUST_MMAP_F_MAYWRITE;
	if (v->dontcopy)
		fl |= RUST_MMAP_F_DONTCOPY;
	return fl;
}

static uint64_t pat_base(uint32_t uid, uint32_t pg, uint32_t gen)
{
	return gen ? mix64(((uint64_t)uid << 40) ^ ((uint64_t)pg << 24) ^ gen) : 0;
}

static uint64_t pat_word(uint64_t base, uint32_t i)
{
	return base ? base + i * PATK : 0;
}

static void file_maybe_free(struct th *t, int fi)
{
	struct mfile *f = &t->f[fi];

	if (f->used && f->fd < 0 && f->dupfd < 0 && !f->nvmas)
		f->used = false;
}

static int vma_free_count(struct th *t)
{
	int n = 0;

	for (int i = 0; i < NVMAS; i++)
		n += !t->v[i].used;
	return n;
}

static int vma_count(struct th *t)
{
	return NVMAS - vma_free_count(t);
}

static int vma_new(struct th *t, int fi, uint32_t start, uint32_t len, uint32_t pgoff,
		   int prot)
{
	for (int i = 0; i < NVMAS; i++) {
		struct mvma *v = &t->v[i];

		if (v->used)
			continue;
		memset(v, 0, sizeof(*v));
		v->used = true;
		v->file = fi;
		v->start = start;
		v->len = len;
		v->pgoff = pgoff;
		v->prot = prot;
		v->maywrite = !t->f[fi].rdonly;
		v->made_op = t->ops;
		v->res_op = t->ops;
		v->made_by = t->opname;
		v->res_by = t->opname;
		t->f[fi].nvmas++;
		return i;
	}
	return -1;
}

static void vma_remove(struct th *t, int vi)
{
	struct mvma *v = &t->v[vi];

	v->used = false;
	t->f[v->file].nvmas--;
	file_maybe_free(t, v->file);
}

static int vma_at(struct th *t, uint32_t apg)
{
	for (int i = 0; i < NVMAS; i++)
		if (t->v[i].used && apg >= t->v[i].start && apg < t->v[i].start + t->v[i].len)
			return i;
	return -1;
}

static bool range_free(struct th *t, uint32_t s, uint32_t n)
{
	for (int i = 0; i < NVMAS; i++) {
		struct mvma *v = &t->v[i];

		if (v->used && s < v->start + v->len && v->start < s + n)
			return false;
	}
	return true;
}

static long find_free(struct th *t, uint32_t n)
{
	for (int tries = 0; tries < 16; tries++) {
		uint32_t s = rn(t, ARENA_PAGES - n + 1);

		if (range_free(t, s, n))
			return s;
	}
	return -1;
}

/* Split VMA vi at page at (0 < at < len); returns the upper part. */
static int vma_split(struct th *t, int vi, uint32_t at)
{
	struct mvma *a = &t->v[vi];
	int ni = vma_new(t, a->file, a->start + at, a->len - at, a->pgoff + at, a->prot);
	struct mvma *b;

	if (ni < 0) {
		report(t, false, "model: out of VMA slots");
		return vi;
	}
	b = &t->v[ni];
	b->maywrite = a->maywrite;
	b->dontcopy = a->dontcopy;
	b->made_op = a->made_op;
	b->made_by = a->made_by;
	b->res_op = a->res_op;
	b->res_by = a->res_by;
	for (uint32_t i = 0; i < b->len; i++) {
		res_set(b, i, res_get(a, at + i));
		res_set(a, at + i, false);
	}
	a->len = at;
	return ni;
}

/* Make pages [off, off + n) of VMA vi a VMA of their own; returns it. */
static int vma_isolate(struct th *t, int vi, uint32_t off, uint32_t n)
{
	if (off)
		vi = vma_split(t, vi, off);
	if (n < t->v[vi].len)
		vma_split(t, vi, n);
	return vi;
}

/* The model side of unmapping arena pages [s, s + n). */
static void model_unmap(struct th *t, uint32_t s, uint32_t n)
{
	for (int i = 0; i < NVMAS; i++) {
		struct mvma *v = &t->v[i];
		uint32_t a, b;

		if (!v->used || s >= v->start + v->len || v->start >= s + n)
			continue;
		a = s > v->start ? s : v->start;
		b = s + n < v->start + v->len ? s + n : v->start + v->len;
		vma_remove(t, vma_isolate(t, i, a - v->start, b - a));
		i = -1;	/* the table changed: rescan */
	}
}

/* An access (user, kernel or GUP) to page i of VMA vi, inside the buffer. */
static void model_touch(struct th *t, int vi, uint32_t i)
{
	struct mvma *v = &t->v[vi];
	struct mfile *f = &t->f[v->file];
	uint32_t pg = v->pgoff + i;

	if (res_get(v, i))
		return;
	res_set(v, i, true);
	v->res_op = t->ops;
	v->res_by = t->opname;
	f->faults++;
	if (!f->alloc[pg]) {
		f->alloc[pg] = 1;
		f->pages++;
	}
}

static uint32_t inbuf_pages(struct th *t, const struct mvma *v)
{
	uint32_t np = t->f[v->file].npages;

	if (v->pgoff >= np)
		return 0;
	return v->len < np - v->pgoff ? v->len : np - v->pgoff;
}

static uint32_t new_gen(struct mfile *f)
{
	uint32_t g = f->next_gen++;

	if (f->next_gen == GEN_UNKNOWN)
		f->next_gen = 1;
	return g;
}

/* Check n words from word first of a page against the model. */
static void verify(struct th *t, const uint64_t *p, uint32_t first, uint32_t n,
		   struct mfile *f, uint32_t pg, const char *how)
{
	uint32_t gen = f->gen[pg];
	uint64_t base;

	if (gen == GEN_UNKNOWN) {
		/* Not checked (it may hold addresses), but accessed all the same. */
		for (uint32_t i = 0; i < n; i++)
			(void)READ_ONCE(p[i]);
		dig(t, 0x5eed);
		return;
	}
	base = pat_base(f->uid, pg, gen);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t want = pat_word(base, first + i), got = READ_ONCE(p[i]);

		if (got == want)
			continue;
		report(t, true, "%s: file %u page %u (gen %u) byte %u: expected %#llx, got %#llx",
		       how, f->uid, pg, gen, (first + i) * 8, (unsigned long long)want,
		       (unsigned long long)got);
		dig(t, 0xbad);
		return;
	}
	dig(t, pat_word(base, first));
}

static void touch_read(struct th *t, int vi, uint32_t i, bool exec)
{
	struct mvma *v = &t->v[vi];
	struct mfile *f = &t->f[v->file];

	if (exec) {
		trace(t, "read arena+%#lx (file %u page %u, was resident %d)",
		      (v->start + i) * PS, f->uid, v->pgoff + i, res_get(v, i));
		verify(t, (const uint64_t *)pg_addr(t, v->start + i), 0, PS / 8, f,
		       v->pgoff + i, "read through a mapping");
	}
	model_touch(t, vi, i);
}

static void touch_write(struct th *t, int vi, uint32_t i, bool exec)
{
	struct mvma *v = &t->v[vi];
	struct mfile *f = &t->f[v->file];
	uint32_t pg = v->pgoff + i, gen = new_gen(f);

	if (exec) {
		uint64_t *p = (uint64_t *)pg_addr(t, v->start + i);
		uint64_t base = pat_base(f->uid, pg, gen);

		trace(t, "write arena+%#lx (file %u page %u, was resident %d)",
		      (v->start + i) * PS, f->uid, pg, res_get(v, i));
		for (uint32_t w = 0; w < PS / 8; w++)
			WRITE_ONCE(p[w], pat_word(base, w));
		dig(t, gen);
	}
	model_touch(t, vi, i);
	f->gen[pg] = gen;
}

/* Pickers */

#define V_R		BIT(0)		/* PROT_READ */
#define V_W		BIT(1)		/* PROT_WRITE */
#define V_NOW		BIT(2)		/* no PROT_WRITE */
#define V_NONE		BIT(3)		/* PROT_NONE */
#define V_INBUF		BIT(4)		/* a page inside the buffer */
#define V_BEYOND	BIT(5)		/* a page past the end of the buffer */
#define V_FD		BIT(6)		/* its file is open */
#define V_COPIED	BIT(7)		/* inherited by fork */
#define V_DONTCOPY	BIT(8)

static bool vma_ok(struct th *t, const struct mvma *v, unsigned int req)
{
	const struct mfile *f = &t->f[v->file];
	uint32_t in = inbuf_pages(t, v);

	if (!v->used)
		return false;
	if ((req & V_R) && !(v->prot & PROT_READ))
		return false;
	if ((req & V_W) && !(v->prot & PROT_WRITE))
		return false;
	if ((req & V_NOW) && (v->prot & PROT_WRITE))
		return false;
	if ((req & V_NONE) && v->prot)
		return false;
	if ((req & V_INBUF) && !in)
		return false;
	if ((req & V_BEYOND) && in == v->len)
		return false;
	if ((req & V_FD) && f->fd < 0 && f->dupfd < 0)
		return false;
	if ((req & V_COPIED) && v->dontcopy)
		return false;
	if ((req & V_DONTCOPY) && !v->dontcopy)
		return false;
	return true;
}

static int pick_vma(struct th *t, unsigned int req, int file)
{
	int cand[NVMAS], n = 0;

	for (int i = 0; i < NVMAS; i++)
		if (vma_ok(t, &t->v[i], req) && (file < 0 || t->v[i].file == file))
			cand[n++] = i;
	return n ? cand[rn(t, n)] : -1;
}

static uint32_t pick_inbuf(struct th *t, const struct mvma *v)
{
	return rn(t, inbuf_pages(t, v));
}

static uint32_t pick_beyond(struct th *t, const struct mvma *v)
{
	uint32_t in = inbuf_pages(t, v);

	return in + rn(t, v->len - in);
}

#define PF_FD		BIT(0)		/* an open fd */
#define PF_SIZED	BIT(1)		/* size set */
#define PF_UNSIZED	BIT(2)

static int pick_file(struct th *t, unsigned int req)
{
	int cand[NFILES], n = 0;

	for (int i = 0; i < NFILES; i++) {
		struct mfile *f = &t->f[i];

		if (!f->used)
			continue;
		if ((req & PF_FD) && f->fd < 0 && f->dupfd < 0)
			continue;
		if ((req & PF_SIZED) && !f->npages)
			continue;
		if ((req & PF_UNSIZED) && f->npages)
			continue;
		cand[n++] = i;
	}
	return n ? cand[rn(t, n)] : -1;
}

/* An open fd of file fi: the original or its dup (the same open file). */
static int file_fd(struct th *t, int fi)
{
	struct mfile *f = &t->f[fi];

	if (f->fd >= 0 && f->dupfd >= 0)
		return chance(t, 50) ? f->fd : f->dupfd;
	return f->fd >= 0 ? f->fd : f->dupfd;
}

static uint32_t pick_size(struct th *t)
{
	int r = rn(t, 100);

	if (r < 60)
		return 1 + rn(t, 8);
	if (r < 90)
		return 9 + rn(t, 24);
	if (r < 97)
		return 33 + rn(t, MAXPG - 33);
	return MAXPG;
}

/* Where an ioctl argument lives. */
enum {
	AL_STACK, AL_UNALIGNED, AL_SCRATCH,	/* ordinary memory */
	AL_NULL, AL_NONE, AL_CROSS, AL_KERNEL,	/* every access faults */
	AL_DEV_RW,	/* in a readable, writable mapping of ours */
	AL_DEV_RO,	/* in a read-only mapping; written through another one */
	AL_DEV_BEYOND,	/* past the end of a buffer: SIGBUS inside the kernel */
	AL_DEV_PROTNONE,
};

struct iarg {
	int loc;
	char *p;
	int vi, wi;			/* AL_DEV_*: the mapping (and the writer) */
	uint32_t vpage, wpage, off;
	bool bad;			/* copy_{from,to}_user must fail */
	int sfile;			/* file whose page was overwritten, or -1 */
	uint32_t spg;
	uint64_t buf[16];
};

static void arg_choose(struct th *t, struct iarg *a, size_t size, bool hostile)
{
	int r = hostile ? (int)rn(t, 100) : 0;

	memset(a, 0, sizeof(*a));
	a->vi = -1;
	a->wi = -1;
	a->sfile = -1;
	a->loc = r < 55 ? AL_STACK : r < 62 ? AL_UNALIGNED : r < 65 ? AL_SCRATCH :
		 r < 68 ? AL_NULL : r < 71 ? AL_NONE : r < 74 ? AL_CROSS : r < 76 ? AL_KERNEL :
		 r < 88 ? AL_DEV_RW : r < 94 ? AL_DEV_RO : r < 97 ? AL_DEV_BEYOND : AL_DEV_PROTNONE;

	switch (a->loc) {
	case AL_DEV_RW:
		a->vi = pick_vma(t, V_R | V_W | V_INBUF, -1);
		if (a->vi >= 0)
			a->vpage = pick_inbuf(t, &t->v[a->vi]);
		break;
	case AL_DEV_RO:
		a->vi = pick_vma(t, V_R | V_NOW | V_INBUF, -1);
		if (a->vi >= 0) {
			struct mvma *v = &t->v[a->vi];
			uint32_t pg;

			a->vpage = pick_inbuf(t, v);
			pg = v->pgoff + a->vpage;
			for (int i = 0; i < NVMAS; i++) {
				struct mvma *w = &t->v[i];

				if (vma_ok(t, w, V_W) && w->file == v->file && pg >= w->pgoff &&
				    pg < w->pgoff + w->len) {
					a->wi = i;
					a->wpage = pg - w->pgoff;
					break;
				}
			}
			if (a->wi < 0)
				a->vi = -1;
		}
		break;
	case AL_DEV_BEYOND:
		a->vi = pick_vma(t, V_BEYOND, -1);
		if (a->vi >= 0)
			a->vpage = pick_beyond(t, &t->v[a->vi]);
		break;
	case AL_DEV_PROTNONE:
		a->vi = pick_vma(t, V_NONE | V_INBUF, -1);
		if (a->vi >= 0)
			a->vpage = pick_inbuf(t, &t->v[a->vi]);
		break;
	}
	if (a->loc >= AL_DEV_RW && a->vi < 0)
		a->loc = AL_STACK;
	if (hostile)
		t->nloc[a->loc]++;

	a->off = rn(t, PS - size + 1);
	switch (a->loc) {
	case AL_STACK:
		a->p = (char *)a->buf;
		break;
	case AL_UNALIGNED:
		a->p = (char *)a->buf + 1 + rn(t, 7);
		break;
	case AL_SCRATCH:
		a->p = t->scratch + a->off;
		break;
	case AL_NULL:
		a->p = NULL;
		a->bad = true;
		break;
	case AL_NONE:
		a->p = t->scratch + PS + a->off;
		a->bad = true;
		break;
	case AL_CROSS:
		a->p = t->scratch + PS - size / 2;
		a->bad = true;
		break;
	case AL_KERNEL:
		a->p = (char *)(uintptr_t)(KERNEL_PTR + a->off);
		a->bad = true;
		break;
	default:
		a->p = pg_addr(t, t->v[a->vi].start + a->vpage) + a->off;
		a->bad = a->loc == AL_DEV_BEYOND || a->loc == AL_DEV_PROTNONE;
		break;
	}
}

static void arg_stomp(struct th *t, struct iarg *a, int vi, uint32_t page)
{
	struct mvma *v = &t->v[vi];

	a->sfile = v->file;
	a->spg = v->pgoff + page;
	t->f[a->sfile].gen[a->spg] = GEN_UNKNOWN;
}

static void vcopy(char *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		WRITE_ONCE(dst[i], READ_ONCE(src[i]));
}

/* User space writes the input (n bytes) of the ioctl at a->p. */
static void arg_put(struct th *t, struct iarg *a, const void *in, size_t n)
{
	if (!n || a->bad)
		return;
	switch (a->loc) {
	case AL_DEV_RW:
		model_touch(t, a->vi, a->vpage);
		arg_stomp(t, a, a->vi, a->vpage);
		vcopy(a->p, in, n);
		break;
	case AL_DEV_RO:
		/* Through the writable mapping of the same page. */
		model_touch(t, a->wi, a->wpage);
		arg_stomp(t, a, a->wi, a->wpage);
		vcopy(pg_addr(t, t->v[a->wi].start + a->wpage) + a->off, in, n);
		break;
	default:
		memcpy(a->p, in, n);
		break;
	}
}

/* The model of copy_from_user() of the input (after arg_put, unless bad). */
static void arg_kernel_read(struct th *t, struct iarg *a)
{
	if (a->loc == AL_DEV_RO)
		model_touch(t, a->vi, a->vpage);
}

/* The model of copy_to_user() of the output: false if it faults (EFAULT). */
static bool arg_kernel_write(struct th *t, struct iarg *a)
{
	if (a->bad || a->loc == AL_DEV_RO)
		return false;
	if (a->loc == AL_DEV_RW) {
		/* SEAL may just have made the argument's own mapping read-only. */
		if (!(t->v[a->vi].prot & PROT_WRITE))
			return false;
		model_touch(t, a->vi, a->vpage);
		arg_stomp(t, a, a->vi, a->vpage);
	}
	return true;
}

static void arg_get(struct iarg *a, void *out, size_t n)
{
	vcopy(out, a->p, n);
}

/* Give an overwritten buffer page a known content again, if still writable. */
static void arg_restore(struct th *t, struct iarg *a)
{
	if (a->sfile < 0)
		return;
	for (int i = 0; i < NVMAS; i++) {
		struct mvma *w = &t->v[i];

		if (vma_ok(t, w, V_W) && w->file == a->sfile && a->spg >= w->pgoff &&
		    a->spg < w->pgoff + w->len && a->spg < t->f[a->sfile].npages) {
			touch_write(t, i, a->spg - w->pgoff, true);
			return;
		}
	}
}

/* Model semantics of the ioctls */

enum { AC_OWN, AC_NOTOURS, AC_NOENT, AC_RACY };

static long m_set_size(struct th *t, int fi, uint64_t size)
{
	struct mfile *f = &t->f[fi];

	if (!size || size % PS || size > RUST_MMAP_MAX_SIZE)
		return -EINVAL;
	if (f->npages)
		return -EBUSY;
	f->npages = (uint32_t)(size / PS);
	return 0;
}

/* VMAs of file fi in this process (and in the fork child running this). */
static uint64_t m_mappings(struct th *t, int fi)
{
	uint64_t n = (uint64_t)t->f[fi].nvmas;

	if (t->in_child)
		for (int i = 0; i < NVMAS; i++)
			n += t->v[i].used && t->v[i].file == fi && !t->v[i].dontcopy;
	return n;
}

static long m_range(struct th *t, int fi, unsigned long cmd, uint64_t addr, uint64_t len,
		    int cls, uint64_t *result, long *alt)
{
	struct mvma *v;
	uint32_t apg, off, n;
	int vi;

	*alt = NOALT;
	if (addr % PS || len % PS || addr + len < addr)
		return -EINVAL;
	if (cls == AC_NOENT)
		return -ENOENT;
	if (cls == AC_NOTOURS)
		return -EINVAL;
	if (cls == AC_RACY) {
		*alt = -ENOENT;
		return -EINVAL;
	}
	apg = (uint32_t)(rel(t, addr) / PS);
	vi = vma_at(t, apg);
	if (vi < 0 || t->v[vi].file != fi)
		return -EINVAL;
	v = &t->v[vi];
	off = apg - v->start;
	if (!len) {
		n = v->len - off;
	} else {
		if (len / PS > v->len - off)
			return -EINVAL;
		n = (uint32_t)(len / PS);
	}
	switch (cmd) {
	case RUST_MMAP_RESIDENT:
		*result = res_count(v, off, n);
		break;
	case RUST_MMAP_ZAP:
		*result = res_count(v, off, n);
		for (uint32_t i = off; i < off + n; i++)
			res_set(v, i, false);
		v->res_op = t->ops;
		v->res_by = t->opname;
		break;
	case RUST_MMAP_SEAL:
		/* The whole VMA: read-only for good; its PTEs zapped if it was writable. */
		if (v->prot & PROT_WRITE) {
			memset(v->res, 0, sizeof(v->res));
			v->res_op = t->ops;
			v->res_by = t->opname;
		}
		v->prot &= ~PROT_WRITE;
		v->maywrite = false;
		*result = vflags(v);
		break;
	case RUST_MMAP_DONTCOPY:
		v->dontcopy = true;
		*result = vflags(v);
		break;
	}
	return 0;
}

static long m_query(struct th *t, int fi, uint64_t addr, int cls, struct rust_mmap_query *q,
		    long *alt)
{
	struct mvma *v;
	int vi;

	*alt = NOALT;
	if (cls == AC_NOENT)
		return -ENOENT;
	if (cls == AC_NOTOURS)
		return -EINVAL;
	if (cls == AC_RACY) {
		*alt = -ENOENT;
		return -EINVAL;
	}
	vi = vma_at(t, (uint32_t)(rel(t, addr) / PS));
	if (vi < 0 || t->v[vi].file != fi)
		return -EINVAL;
	v = &t->v[vi];
	q->addr = addr;
	q->start = (uintptr_t)pg_addr(t, v->start);
	q->end = (uintptr_t)pg_addr(t, v->start + v->len);
	q->pgoff = v->pgoff;
	q->flags = vflags(v);
	return 0;
}

static const char *cmd_name(unsigned long cmd)
{
	switch (cmd) {
	case RUST_MMAP_SET_SIZE: return "SET_SIZE";
	case RUST_MMAP_STATS: return "STATS";
	case RUST_MMAP_RESIDENT: return "RESIDENT";
	case RUST_MMAP_SEAL: return "SEAL";
	case RUST_MMAP_DONTCOPY: return "DONTCOPY";
	case RUST_MMAP_QUERY: return "QUERY";
	case RUST_MMAP_ZAP: return "ZAP";
	}
	return "?";
}

static const char *const al_names[] = {
	"stack", "unaligned", "anon", "NULL", "PROT_NONE anon", "crossing into PROT_NONE",
	"kernel pointer", "own rw mapping", "own read-only mapping", "own mapping past the buffer",
	"own PROT_NONE mapping",
};

/* An address for messages: arena-relative when it is in our arena. */
static const char *adesc(struct th *t, uint64_t addr, char *buf, size_t n)
{
	if (in_arena(t, addr))
		snprintf(buf, n, "arena+%#llx", (unsigned long long)rel(t, addr));
	else
		snprintf(buf, n, "%#llx", (unsigned long long)addr);
	return buf;
}

/* The ioctls, checked against the model */

static void do_set_size(struct th *t, int fi, int fd, uint64_t size, bool hostile)
{
	struct iarg a;
	char what[128];
	long exp;

	arg_choose(t, &a, sizeof(size), hostile);
	arg_put(t, &a, &size, sizeof(size));
	if (a.bad) {
		exp = -EFAULT;
	} else {
		arg_kernel_read(t, &a);
		exp = m_set_size(t, fi, size);
	}
	snprintf(what, sizeof(what), "SET_SIZE(%#llx) arg in %s", (unsigned long long)size,
		 al_names[a.loc]);
	chk(t, what, exp, NOALT, xioctl(fd, RUST_MMAP_SET_SIZE, a.p));
	arg_restore(t, &a);
}

/* residency_scan(): the kernel (res) and the model differ on page i of VMA v. */
static void residency_report(struct th *t, const struct mvma *v, uint32_t i, uint64_t res,
			     const char *why)
{
	char vma[128], hist[160];

	snprintf(vma, sizeof(vma),
		 "VMA arena+%#lx, %u pages, pgoff %u, prot %d, maywrite %d, dontcopy %d",
		 v->start * PS, v->len, v->pgoff, v->prot, v->maywrite, v->dontcopy);
	snprintf(hist, sizeof(hist),
		 "VMA made by op %llu (%s), residency last changed by op %llu (%s)",
		 (unsigned long long)v->made_op, v->made_by, (unsigned long long)v->res_op,
		 v->res_by);
	report(t, false, "%s: file %u page %u (%s): resident %llu, model %d; %s", why,
	       t->f[v->file].uid, v->pgoff + i, vma, (unsigned long long)res, res_get(v, i), hist);
}

/*
 * The kernel's resident pages of every mapping of file fi, page by page,
 * against the model: report where they differ, then follow the kernel (so
 * that one divergence does not cascade into a mismatch per later fault).
 */
static void residency_scan(struct th *t, int fi, const char *why)
{
	struct mfile *f = &t->f[fi];
	int fd, shown = 0;

	if (t->in_child || (f->fd < 0 && f->dupfd < 0))
		return;
	fd = f->fd >= 0 ? f->fd : f->dupfd;
	for (int vi = 0; vi < NVMAS; vi++) {
		struct mvma *v = &t->v[vi];

		if (!v->used || v->file != fi)
			continue;
		for (uint32_t i = 0; i < v->len; i++) {
			struct rust_mmap_range r = {
				.addr = (uintptr_t)pg_addr(t, v->start + i), .len = PS,
			};

			if (xioctl(fd, RUST_MMAP_RESIDENT, &r) || r.result == res_get(v, i))
				continue;
			if (shown++ < 4)
				residency_report(t, v, i, r.result, why);
			res_set(v, i, r.result);
		}
	}
}

/* -P: after every operation, the resident pages of every mapping of ours. */
static void paranoid_check(struct th *t)
{
	for (int vi = 0; vi < NVMAS; vi++) {
		struct mvma *v = &t->v[vi];
		struct mfile *f = &t->f[v->file];
		struct rust_mmap_range r;

		if (!v->used || (f->fd < 0 && f->dupfd < 0))
			continue;
		r = (struct rust_mmap_range){ .addr = (uintptr_t)pg_addr(t, v->start), .len = 0 };
		if (xioctl(f->fd >= 0 ? f->fd : f->dupfd, RUST_MMAP_RESIDENT, &r)) {
			report(t, false, "paranoid RESIDENT of VMA arena+%#lx failed",
			       v->start * PS);
			continue;
		}
		if (r.result != res_count(v, 0, v->len))
			residency_scan(t, v->file, "after this op");
	}
}

/* The expected counters of file fi now. */
static struct rust_mmap_stats m_stats(struct th *t, int fi)
{
	struct mfile *f = &t->f[fi];

	return (struct rust_mmap_stats){
		.size = (uint64_t)f->npages * PS,
		.faults = f->faults,
		.pages = f->pages,
		.mappings = m_mappings(t, fi),
	};
}

static void check_stats(struct th *t, int fi, const struct rust_mmap_stats *e,
			const struct rust_mmap_stats *s)
{
	chk_u64(t, "STATS.size", e->size, s->size);
	if (!chk_u64(t, "STATS.faults", e->faults, s->faults)) {
		/* Where does the model's residency differ? Then follow the kernel. */
		residency_scan(t, fi, "STATS.faults mismatch");
		t->f[fi].faults += s->faults - e->faults;
	}
	chk_u64(t, "STATS.pages", e->pages, s->pages);
	/* Fork children of other threads hold copies of our VMAs for a while. */
	if (t->mt && s->mappings > e->mappings) {
		dig(t, e->mappings);
		return;
	}
	chk_u64(t, "STATS.mappings", e->mappings, s->mappings);
}

static void do_stats(struct th *t, int fi, int fd, bool hostile)
{
	struct rust_mmap_stats s, e;
	struct iarg a;
	char what[96];
	long exp, got;

	arg_choose(t, &a, sizeof(s), hostile);
	/* The counters are read before the copy out may fault a page in. */
	e = m_stats(t, fi);
	exp = a.bad || !arg_kernel_write(t, &a) ? -EFAULT : 0;
	snprintf(what, sizeof(what), "STATS arg in %s", al_names[a.loc]);
	got = xioctl(fd, RUST_MMAP_STATS, a.p);
	if (chk(t, what, exp, NOALT, got) && !got) {
		arg_get(&a, &s, sizeof(s));
		check_stats(t, fi, &e, &s);
	}
	arg_restore(t, &a);
}

static void do_range(struct th *t, int fi, int fd, unsigned long cmd, uint64_t addr,
		     uint64_t len, int cls, bool hostile)
{
	struct rust_mmap_range in = { .addr = addr, .len = len, .result = 0x5a5a5a5a5a5a5a5aULL };
	struct rust_mmap_range out;
	uint64_t eres = 0;
	struct iarg a;
	char what[160], ab[40];
	long exp, alt = NOALT, got;

	arg_choose(t, &a, sizeof(in), hostile);
	arg_put(t, &a, &in, sizeof(in));
	if (a.bad) {
		exp = -EFAULT;
	} else {
		arg_kernel_read(t, &a);
		exp = m_range(t, fi, cmd, addr, len, cls, &eres, &alt);
		if (!exp && !arg_kernel_write(t, &a))
			exp = -EFAULT;
	}
	snprintf(what, sizeof(what), "%s(addr %s, len %#llx) arg in %s", cmd_name(cmd),
		 adesc(t, addr, ab, sizeof(ab)), (unsigned long long)len, al_names[a.loc]);
	got = xioctl(fd, cmd, a.p);
	if (chk(t, what, exp, alt, got) && !got && !exp) {
		arg_get(&a, &out, sizeof(out));
		chk_u64(t, what, eres, out.result);
		chk_u64(t, "range.addr echo", 1, out.addr == addr);
		chk_u64(t, "range.len echo", 1, out.len == len);
	}
	arg_restore(t, &a);
}

static void do_query(struct th *t, int fi, int fd, uint64_t addr, int cls, bool hostile)
{
	struct rust_mmap_query in = { .addr = addr, .start = 1, .end = 2, .pgoff = 3, .flags = 4 };
	struct rust_mmap_query out, eq = { 0 };
	struct iarg a;
	char what[160], ab[40];
	long exp, alt = NOALT, got;

	arg_choose(t, &a, sizeof(in), hostile);
	arg_put(t, &a, &in, sizeof(in));
	if (a.bad) {
		exp = -EFAULT;
	} else {
		arg_kernel_read(t, &a);
		exp = m_query(t, fi, addr, cls, &eq, &alt);
		if (!exp && !arg_kernel_write(t, &a))
			exp = -EFAULT;
	}
	snprintf(what, sizeof(what), "QUERY(%s) arg in %s", adesc(t, addr, ab, sizeof(ab)),
		 al_names[a.loc]);
	got = xioctl(fd, RUST_MMAP_QUERY, a.p);
	if (chk(t, what, exp, alt, got) && !got && !exp) {
		arg_get(&a, &out, sizeof(out));
		chk_u64(t, "QUERY.addr echo", 1, out.addr == addr);
		chk_u64(t, "QUERY.start", rel(t, eq.start), rel(t, out.start));
		chk_u64(t, "QUERY.end", rel(t, eq.end), rel(t, out.end));
		chk_u64(t, "QUERY.pgoff", eq.pgoff, out.pgoff);
		chk_u64(t, "QUERY.flags", eq.flags, out.flags);
	}
	arg_restore(t, &a);
}

/* An own arena page with no VMA of ours (PROT_NONE anonymous), or -1. */
static long placeholder_page(struct th *t)
{
	for (int i = 0; i < 8; i++) {
		uint32_t apg = rn(t, ARENA_PAGES);

		if (vma_at(t, apg) < 0)
			return apg;
	}
	return -1;
}

/* An address for the range ioctls and QUERY, and what it is (AC_*). */
static uint64_t pick_addr(struct th *t, int fi, int *cls)
{
	int r = rn(t, 100), vi;
	long apg;

	*cls = AC_OWN;
	/* A mapping of this file, of any file of ours, an arena placeholder. */
	vi = r < 62 ? pick_vma(t, 0, fi) : -1;
	if (vi < 0 && r < 70)
		vi = pick_vma(t, 0, -1);
	if (vi >= 0)
		return (uintptr_t)pg_addr(t, t->v[vi].start + rn(t, t->v[vi].len));
	apg = r < 76 ? placeholder_page(t) : -1;
	if (apg >= 0)
		return (uintptr_t)pg_addr(t, (uint32_t)apg);
	*cls = AC_NOTOURS;
	if (r < 79)
		return (uintptr_t)t->scratch + (r & 1) * PS;
	if (r < 81)
		return (uintptr_t)&r & ~(PS - 1);
	if (r < 83)
		return (uintptr_t)&pick_addr & ~(PS - 1);
	if (r < 87)
		return (uintptr_t)sslots[rn(t, NSHARED)].addr + rn(t, SHARED_PAGES) * PS;
	if (r < 90 && t->mt && nthreads > 1) {
		struct th *o = &ths[(t->idx + 1 + rn(t, nthreads - 1)) % nthreads];

		*cls = AC_RACY;
		return (uintptr_t)pg_addr(o, rn(t, ARENA_PAGES));
	}
	*cls = AC_NOENT;
	if (r < 93)
		return 0;
	if (r < 96)
		return KERNEL_PTR;
	return ~0ULL & ~(PS - 1);
}

/* Operations */

static void hole_check(struct th *t, uint32_t apg)
{
	int fi = pick_file(t, PF_FD);

	if (fi >= 0)
		do_query(t, fi, file_fd(t, fi), (uintptr_t)pg_addr(t, apg), AC_NOENT, false);
}

static void placeholder(struct th *t, uint32_t s, uint32_t n)
{
	void *p = mmap(pg_addr(t, s), n * PS, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);

	trace(t, "%s arena+%#lx, %u pages", __func__, s * PS, n);

	if (p == MAP_FAILED)
		report(t, false, "%s mmap: %s", __func__, strerror(errno));
}

static void op_set_size(struct th *t);

static void op_open(struct th *t)
{
	static const uint64_t bad_sizes[] = {
		0, 1, PS - 1, PS + 1, RUST_MMAP_MAX_SIZE + PS, 2 * RUST_MMAP_MAX_SIZE,
		1ULL << 63, ~0ULL & ~(PS - 1),
	};
	struct mfile *f;
	int fi = -1, fd;

	for (int i = 0; i < NFILES; i++)
		if (!t->f[i].used) {
			fi = i;
			break;
		}
	if (fi < 0) {
		op_set_size(t);
		return;
	}
	f = &t->f[fi];
	memset(f, 0, sizeof(*f));
	f->rdonly = chance(t, 15);
	fd = open(dev_path, (f->rdonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (!chk(t, "open", 0, NOALT, fd < 0 ? -errno : 0))
		return;
	f->used = true;
	f->fd = fd;
	f->dupfd = -1;
	f->uid = (uint32_t)t->idx << 24 | t->next_uid++;
	f->next_gen = 1;
	if (chance(t, 25)) {
		f->dupfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		chk(t, "dup", 0, NOALT, f->dupfd < 0 ? -errno : 0);
	}
	if (chance(t, 20))
		do_stats(t, fi, fd, false);
	if (chance(t, 15))
		do_set_size(t, fi, fd, bad_sizes[rn(t, 8)], false);
	if (chance(t, 90))
		do_set_size(t, fi, file_fd(t, fi), pick_size(t) * PS, chance(t, 30));
}

static void op_close(struct th *t)
{
	int fi = pick_file(t, PF_FD);
	struct mfile *f;
	int *fdp;

	if (fi < 0)
		return;
	f = &t->f[fi];
	fdp = f->fd >= 0 && (f->dupfd < 0 || chance(t, 50)) ? &f->fd : &f->dupfd;
	chk(t, "close", 0, NOALT, close(*fdp) ? -errno : 0);
	*fdp = -1;
	file_maybe_free(t, fi);
}

static void op_set_size(struct th *t)
{
	static const uint64_t bad_sizes[] = {
		0, 1, PS - 1, PS + 1, RUST_MMAP_MAX_SIZE + PS, 2 * RUST_MMAP_MAX_SIZE,
		1ULL << 63, ~0ULL & ~(PS - 1), RUST_MMAP_MAX_SIZE - 1, 1ULL << 32,
	};
	int fi = pick_file(t, PF_FD);
	uint64_t size;

	if (fi < 0)
		return;
	size = chance(t, 50) ? pick_size(t) * PS : bad_sizes[rn(t, 10)];
	do_set_size(t, fi, file_fd(t, fi), size, true);
}

static void op_stats(struct th *t)
{
	int fi = pick_file(t, PF_FD);

	if (fi >= 0)
		do_stats(t, fi, file_fd(t, fi), true);
}

static void op_munmap(struct th *t);

static void op_mmap(struct th *t)
{
	static const int prots_rw[] = {
		PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE,
		PROT_READ, PROT_READ, PROT_WRITE, PROT_NONE,
	};
	int fi = pick_file(t, PF_FD | PF_SIZED), prot, flags, r, vi;
	struct mfile *f;
	uint32_t len, pgoff;
	long s;
	char what[128];
	void *p;

	if (fi < 0 || vma_count(t) >= VMA_SOFT_MAX || vma_free_count(t) < 4) {
		op_munmap(t);
		return;
	}
	f = &t->f[fi];
	r = rn(t, 100);
	len = r < 70 ? 1 + rn(t, 16) : r < 95 ? 1 + rn(t, 64) : MAXPG - rn(t, 2);
	pgoff = chance(t, 50) ? 0 : rn(t, f->npages);
	prot = f->rdonly ? (chance(t, 85) ? PROT_READ : PROT_NONE) : prots_rw[rn(t, 7)];
	flags = (chance(t, 80) ? MAP_SHARED : MAP_SHARED_VALIDATE) | MAP_FIXED;
	if ((prot & PROT_READ) && chance(t, 15))
		flags |= MAP_POPULATE;

	vi = chance(t, 10) ? pick_vma(t, 0, -1) : -1;
	if (vi >= 0) {
		/* Over one of our mappings: MAP_FIXED replaces it. */
		s = t->v[vi].start;
		if (s + len > ARENA_PAGES)
			s = ARENA_PAGES - len;
		if (chance(t, 30)) {
			/* MAP_FIXED_NOREPLACE refuses (so it does for the placeholders). */
			p = mmap(pg_addr(t, (uint32_t)s), len * PS, prot,
				 (flags & ~MAP_FIXED) | MAP_FIXED_NOREPLACE, file_fd(t, fi),
				 (off_t)pgoff * PS);
			chk(t, "mmap(MAP_FIXED_NOREPLACE over a mapping)", -EEXIST, NOALT,
			    p == MAP_FAILED ? -errno : 0);
			if (p != MAP_FAILED)
				munmap(p, len * PS);
			return;
		}
	} else {
		s = find_free(t, len);
		if (s < 0)
			return;
	}
	p = mmap(pg_addr(t, (uint32_t)s), len * PS, prot, flags, file_fd(t, fi),
		 (off_t)pgoff * PS);
	snprintf(what, sizeof(what),
		 "mmap(arena+%#lx, len %u pages, pgoff %u of %u (file %u), prot %d, flags %#x)",
		 s * PS, len, pgoff, f->npages, f->uid, prot, flags);
	if (!chk(t, what, 0, NOALT, p == MAP_FAILED ? -errno : 0)) {
		placeholder(t, (uint32_t)s, len);
		return;
	}
	chk_u64(t, "mmap address", 1, p == pg_addr(t, (uint32_t)s));
	model_unmap(t, (uint32_t)s, len);
	vi = vma_new(t, fi, (uint32_t)s, len, pgoff, prot);
	if (vi >= 0 && (flags & MAP_POPULATE))
		for (uint32_t i = 0; i < inbuf_pages(t, &t->v[vi]); i++)
			model_touch(t, vi, i);
}

/* mmap calls that must fail, with the errno of the ABI (or of the mm core). */
static void op_mmap_bad(struct th *t)
{
	int fi = pick_file(t, PF_FD | PF_SIZED), fd, prot, flags, r = rn(t, 100);
	size_t len = PS;
	off_t off = 0;
	long exp;
	struct mfile *f;
	char what[160];
	void *p, *hint = NULL;

	if (r < 12 || fi < 0) {
		/* A fresh open file: no size yet. */
		fd = open(dev_path, O_RDWR | O_CLOEXEC);
		if (!chk(t, "open", 0, NOALT, fd < 0 ? -errno : 0))
			return;
		flags = chance(t, 50) ? MAP_SHARED : MAP_PRIVATE;
		p = mmap(NULL, PS * (1 + rn(t, 4)), PROT_READ, flags, fd, 0);
		chk(t, "mmap before SET_SIZE", -ENODEV, NOALT, p == MAP_FAILED ? -errno : 0);
		if (p != MAP_FAILED)
			munmap(p, PS);
		chk(t, "close", 0, NOALT, close(fd) ? -errno : 0);
		return;
	}
	f = &t->f[fi];
	fd = file_fd(t, fi);
	prot = f->rdonly ? PROT_READ : PROT_READ | PROT_WRITE;
	flags = MAP_SHARED;
	if (r < 24) {
		flags = MAP_PRIVATE;
		prot = chance(t, 50) ? PROT_READ : PROT_READ | PROT_WRITE;
		exp = -EINVAL;
	} else if (r < 36) {
		prot |= PROT_EXEC;
		exp = (prot & PROT_WRITE) && f->rdonly ? -EACCES : -EPERM;
	} else if (r < 48) {
		off = (off_t)(f->npages + (chance(t, 50) ? 0 : rn(t, 1000))) * PS;
		if (chance(t, 20))
			off = (off_t)1 << 40;
		exp = -EINVAL;
	} else if (r < 58) {
		len = RUST_MMAP_MAX_SIZE + PS * (1 + rn(t, 4));
		exp = -EINVAL;
	} else if (r < 64) {
		len = 0;
		exp = -EINVAL;
	} else if (r < 72) {
		if (!f->rdonly) {
			/* The O_RDONLY twin of this case: a new file. */
			int rfd = open(dev_path, O_RDONLY | O_CLOEXEC);
			uint64_t sz = PS;

			if (!chk(t, "open O_RDONLY", 0, NOALT, rfd < 0 ? -errno : 0))
				return;
			chk(t, "SET_SIZE O_RDONLY", 0, NOALT, xioctl(rfd, RUST_MMAP_SET_SIZE, &sz));
			p = mmap(NULL, PS, PROT_READ | PROT_WRITE, MAP_SHARED, rfd, 0);
			chk(t, "mmap(PROT_WRITE, MAP_SHARED) of O_RDONLY", -EACCES, NOALT,
			    p == MAP_FAILED ? -errno : 0);
			if (p != MAP_FAILED)
				munmap(p, PS);
			chk(t, "close", 0, NOALT, close(rfd) ? -errno : 0);
			return;
		}
		prot = PROT_READ | PROT_WRITE;
		exp = -EACCES;
	} else if (r < 78) {
		off = 1 + rn(t, PS - 1);
		exp = -EINVAL;
	} else if (r < 84) {
		flags = MAP_SHARED_VALIDATE | MAP_SYNC;
		exp = -EOPNOTSUPP;
	} else if (r < 90) {
		flags = 0;
		exp = -EINVAL;
	} else if (r < 95) {
		hint = t->arena + 1 + rn(t, PS - 1);
		flags |= MAP_FIXED;
		exp = -EINVAL;
	} else {
		/* Order of the driver's checks: MAP_PRIVATE before the offset. */
		flags = MAP_PRIVATE;
		off = (off_t)f->npages * PS;
		exp = -EINVAL;
	}
	p = mmap(hint, len, prot, flags, fd, off);
	snprintf(what, sizeof(what),
		 "bad mmap(len %#zx, prot %d, flags %#x, off %#llx) of %u pages",
		 len, prot, flags, (unsigned long long)off, f->npages);
	chk(t, what, exp, NOALT, p == MAP_FAILED ? -errno : 0);
	if (p != MAP_FAILED)
		munmap(p, len);
}

static void op_touch_write(struct th *t)
{
	int vi = pick_vma(t, V_W | V_INBUF, -1);
	struct mvma *v;
	uint32_t i, n, pg;

	if (vi < 0)
		return;
	v = &t->v[vi];
	i = pick_inbuf(t, v);
	n = 1 + rn(t, 4);
	for (uint32_t k = i; k < i + n && k < inbuf_pages(t, v); k++)
		touch_write(t, vi, k, true);
	/* Read it back through another mapping of the same page, if any. */
	pg = v->pgoff + i;
	for (int k = 0; k < NVMAS; k++) {
		struct mvma *w = &t->v[k];

		if (k != vi && vma_ok(t, w, V_R) && w->file == v->file && pg >= w->pgoff &&
		    pg < w->pgoff + w->len) {
			touch_read(t, k, pg - w->pgoff, true);
			break;
		}
	}
}

static void op_touch_read(struct th *t)
{
	int vi = pick_vma(t, V_R | V_INBUF, -1);

	if (vi >= 0)
		touch_read(t, vi, pick_inbuf(t, &t->v[vi]), true);
}

static void op_procmem(struct th *t)
{
	uint64_t buf[PS / 8];
	int r = rn(t, 100), vi;
	struct mvma *v;
	struct mfile *f;
	uint32_t i, off = 0, n = PS;
	char *addr;
	char what[96];
	ssize_t got;

	if (t->memfd < 0)
		return;
	if (r < 15) {
		/* Past the end of the buffer: the fault fails, the read too. */
		vi = pick_vma(t, V_BEYOND, -1);
		if (vi < 0)
			return;
		addr = pg_addr(t, t->v[vi].start + pick_beyond(t, &t->v[vi]));
		got = pread(t->memfd, buf, PS, (off_t)(uintptr_t)addr);
		chk(t, "pread /proc/self/mem past the buffer", -EIO, NOALT, got < 0 ? -errno : got);
		return;
	}
	/*
	 * Reads only through VM_READ mappings: without FOLL_FORCE (it depends on
	 * CONFIG_PROC_MEM_*, and on being ptraced) the others fail.
	 */
	vi = pick_vma(t, V_INBUF | (r < 40 ? 0 : V_R), -1);
	if (vi < 0)
		return;
	v = &t->v[vi];
	f = &t->f[v->file];
	i = pick_inbuf(t, v);
	addr = pg_addr(t, v->start + i);
	if (r < 40) {
		/* ptrace-style write: only through a VM_WRITE mapping. */
		uint32_t gen = f->gen[v->pgoff + i];
		bool ok = v->prot & PROT_WRITE;

		if (ok)
			gen = new_gen(f);
		for (uint32_t w = 0; w < PS / 8; w++)
			buf[w] = pat_word(pat_base(f->uid, v->pgoff + i, gen), w);
		got = pwrite(t->memfd, buf, PS, (off_t)(uintptr_t)addr);
		snprintf(what, sizeof(what), "pwrite /proc/self/mem (prot %d)", v->prot);
		chk(t, what, ok ? (long)PS : -EIO, NOALT, got < 0 ? -errno : got);
		if (ok) {
			model_touch(t, vi, i);
			f->gen[v->pgoff + i] = gen;
		}
		return;
	}
	if (chance(t, 30)) {
		off = rn(t, PS / 8) * 8;
		n = 8 * (1 + rn(t, (PS - off) / 8));
	}
	got = pread(t->memfd, buf, n, (off_t)(uintptr_t)(addr + off));
	snprintf(what, sizeof(what), "pread /proc/self/mem (prot %d)", v->prot);
	if (chk(t, what, n, NOALT, got < 0 ? -errno : got))
		verify(t, buf, off / 8, n / 8, f, v->pgoff + i, "read through /proc/self/mem");
	model_touch(t, vi, i);
}

static void op_munmap(struct th *t)
{
	int vi = pick_vma(t, 0, -1), r = rn(t, 100);
	struct mvma *v;
	uint32_t s, n;
	size_t bytes;
	char what[96];

	if (vi < 0 || vma_free_count(t) < 2)
		return;
	v = &t->v[vi];
	if (r < 6) {
		chk(t, "munmap(unaligned)", -EINVAL, NOALT,
		    munmap(pg_addr(t, v->start) + 1 + rn(t, PS - 1), PS) ? -errno : 0);
		return;
	}
	if (r < 9) {
		chk(t, "munmap(len 0)", -EINVAL, NOALT,
		    munmap(pg_addr(t, v->start), 0) ? -errno : 0);
		return;
	}
	if (r < 50) {
		s = v->start;
		n = v->len;
	} else if (r < 87) {
		uint32_t off = rn(t, v->len);

		s = v->start + off;
		n = 1 + rn(t, v->len - off);
	} else {
		/* Around the mapping: neighbours and placeholders go too. */
		uint32_t lo = rn(t, 3), hi = rn(t, 3);

		s = v->start >= lo ? v->start - lo : 0;
		n = v->start + v->len + hi - s;
		if (s + n > ARENA_PAGES)
			n = ARENA_PAGES - s;
	}
	bytes = n * PS - (chance(t, 10) ? rn(t, PS - 1) : 0);	/* rounded up */
	snprintf(what, sizeof(what), "munmap(arena+%#lx, %#zx)", s * PS, bytes);
	if (chk(t, what, 0, NOALT, munmap(pg_addr(t, s), bytes) ? -errno : 0)) {
		model_unmap(t, s, n);
		hole_check(t, s);
	}
	placeholder(t, s, n);
}

static void op_mremap(struct th *t)
{
	int vi = pick_vma(t, 0, -1), r = rn(t, 100), fl;
	struct mvma *v;
	uint32_t off, avail, oldn, newn;
	char *src, what[128];
	void *p;
	long tgt;

	if (vi < 0 || vma_free_count(t) < 4)
		return;
	v = &t->v[vi];
	off = rn(t, v->len);
	avail = v->len - off;
	src = pg_addr(t, v->start + off);

	if (r < 18) {
		/* Growing: never (VM_DONTEXPAND). */
		oldn = avail - (chance(t, 50) ? rn(t, avail) : 0);
		newn = oldn + 1 + rn(t, 8);
		fl = chance(t, 50) ? MREMAP_MAYMOVE : 0;
		if (chance(t, 15))
			oldn = 0;	/* "duplicate" a shared mapping: grows too */
		tgt = chance(t, 30) ? find_free(t, newn) : -1;
		if (tgt >= 0) {
			p = mremap(src, oldn * PS, newn * PS, MREMAP_MAYMOVE | MREMAP_FIXED,
				   pg_addr(t, (uint32_t)tgt));
			snprintf(what, sizeof(what), "mremap(grow %u -> %u pages, FIXED)", oldn,
				 newn);
		} else {
			p = mremap(src, oldn * PS, newn * PS, fl);
			snprintf(what, sizeof(what), "mremap(grow %u -> %u pages, flags %d)", oldn,
				 newn, fl);
		}
		chk(t, what, -EFAULT, NOALT, p == MAP_FAILED ? -errno : 0);
		return;
	}
	if (r < 24) {
		p = mremap(src, avail * PS, avail * PS, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
		chk(t, "mremap(MREMAP_DONTUNMAP)", -EINVAL, NOALT, p == MAP_FAILED ? -errno : 0);
		return;
	}
	if (r < 30) {
		switch (rn(t, 4)) {
		case 0:
			p = mremap(src + 1 + rn(t, PS - 1), PS, PS, 0);
			snprintf(what, sizeof(what), "mremap(unaligned)");
			break;
		case 1:
			p = mremap(src, avail * PS, 0, MREMAP_MAYMOVE);
			snprintf(what, sizeof(what), "mremap(new_len 0)");
			break;
		case 2:
			p = mremap(src, avail * PS, avail * PS, MREMAP_FIXED, t->scratch);
			snprintf(what, sizeof(what), "mremap(FIXED without MAYMOVE)");
			break;
		default:
			p = mremap(src, avail * PS, avail * PS, MREMAP_MAYMOVE | MREMAP_FIXED,
				   src + rn(t, avail) * PS);
			snprintf(what, sizeof(what), "mremap(overlapping target)");
			break;
		}
		chk(t, what, -EINVAL, NOALT, p == MAP_FAILED ? -errno : 0);
		return;
	}
	if (r < 60) {
		/* Shrinking in place. */
		if (avail < 2)
			return;
		oldn = avail - (chance(t, 30) ? rn(t, avail - 1) : 0);
		newn = 1 + rn(t, oldn - 1);
		fl = chance(t, 50) ? MREMAP_MAYMOVE : 0;
		p = mremap(src, oldn * PS, newn * PS, fl);
		snprintf(what, sizeof(what), "mremap(arena+%#lx, shrink %u -> %u pages, flags %d)",
			 (v->start + off) * PS, oldn, newn, fl);
		if (chk(t, what, 0, NOALT, p == MAP_FAILED ? -errno : 0)) {
			chk_u64(t, "mremap(shrink) address", 1, p == src);
			model_unmap(t, v->start + off + newn, oldn - newn);
			hole_check(t, v->start + off + newn);
			placeholder(t, v->start + off + newn, oldn - newn);
		}
		return;
	}
	/* Moving (and maybe shrinking) to a fixed address. */
	oldn = 1 + rn(t, avail);
	newn = oldn > 1 && chance(t, 30) ? 1 + rn(t, oldn - 1) : oldn;
	tgt = -1;
	if (chance(t, 15)) {
		/* Over another mapping of ours, which goes. */
		int wi = pick_vma(t, 0, -1);
		uint32_t so = v->start + off;

		if (wi >= 0 && wi != vi) {
			tgt = t->v[wi].start;
			if (tgt + newn > ARENA_PAGES ||
			    ((uint32_t)tgt < so + oldn && so < (uint32_t)tgt + newn))
				tgt = -1;
		}
	}
	if (tgt < 0)
		tgt = find_free(t, newn);
	if (tgt < 0)
		return;
	p = mremap(src, oldn * PS, newn * PS, MREMAP_MAYMOVE | MREMAP_FIXED,
		   pg_addr(t, (uint32_t)tgt));
	snprintf(what, sizeof(what), "mremap(arena+%#lx, move %u -> %u pages to arena+%#lx)",
		 (v->start + off) * PS, oldn, newn, (unsigned long)tgt * PS);
	if (chk(t, what, 0, NOALT, p == MAP_FAILED ? -errno : 0)) {
		uint32_t so = v->start + off;
		int mi;

		chk_u64(t, "mremap(move) address", 1, p == pg_addr(t, (uint32_t)tgt));
		model_unmap(t, (uint32_t)tgt, newn);
		if (newn < oldn)
			model_unmap(t, so + newn, oldn - newn);
		mi = vma_at(t, so);
		if (mi >= 0) {
			mi = vma_isolate(t, mi, so - t->v[mi].start, newn);
			t->v[mi].start = (uint32_t)tgt;
		}
		hole_check(t, so);
		placeholder(t, so, oldn);
	} else {
		placeholder(t, (uint32_t)tgt, newn);
	}
}

static void op_mprotect(struct th *t)
{
	static const int prots[] = {
		PROT_NONE, PROT_READ, PROT_WRITE, PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE,
		PROT_READ | PROT_EXEC, PROT_READ | PROT_WRITE | PROT_EXEC,
	};
	int vi = pick_vma(t, 0, -1), prot;
	struct mvma *v;
	uint32_t off = 0, n;
	long exp;
	char what[96];

	if (vi < 0 || vma_free_count(t) < 2)
		return;
	v = &t->v[vi];
	n = v->len;
	if (chance(t, 50)) {
		off = rn(t, v->len);
		n = 1 + rn(t, v->len - off);
	}
	prot = prots[rn(t, 7)];
	if (chance(t, 5)) {
		chk(t, "mprotect(unaligned)", -EINVAL, NOALT,
		    mprotect(pg_addr(t, v->start + off) + 1 + rn(t, PS - 1), PS, prot) ?
		    -errno : 0);
		return;
	}
	/* VM_MAYEXEC is cleared by the driver, VM_MAYWRITE by SEAL and O_RDONLY. */
	if (prot & PROT_EXEC)
		exp = -EACCES;
	else if ((prot & PROT_WRITE) && !v->maywrite)
		exp = -EACCES;
	else
		exp = 0;
	snprintf(what, sizeof(what), "mprotect(arena+%#lx, %u pages, prot %d -> %d, maywrite %d)",
		 (v->start + off) * PS, n, v->prot, prot, v->maywrite);
	if (chk(t, what, exp, NOALT,
		mprotect(pg_addr(t, v->start + off), n * PS, prot) ? -errno : 0) &&
	    !exp && prot != v->prot) {
		vi = vma_isolate(t, vi, off, n);
		t->v[vi].prot = prot;
	}
}

static void op_madvise(struct th *t)
{
	int vi = pick_vma(t, 0, -1), r = rn(t, 100);
	struct mvma *v;
	uint32_t off = 0, n;
	char *addr;

	if (vi < 0 || vma_free_count(t) < 2)
		return;
	v = &t->v[vi];
	n = v->len;
	if (chance(t, 50)) {
		off = rn(t, v->len);
		n = 1 + rn(t, v->len - off);
	}
	addr = pg_addr(t, v->start + off);
	if (r < 55) {
		trace(t, "madvise arena+%#lx, %u pages", (v->start + off) * PS, n);
		if (chk(t, "madvise(MADV_DONTNEED)", 0, NOALT,
			madvise(addr, n * PS, MADV_DONTNEED) ? -errno : 0)) {
			for (uint32_t i = off; i < off + n; i++)
				res_set(v, i, false);
			v->res_op = t->ops;
			v->res_by = t->opname;
		}
	} else if (r < 75) {
		if (chk(t, "madvise(MADV_DONTFORK)", 0, NOALT,
			madvise(addr, n * PS, MADV_DONTFORK) ? -errno : 0) && !v->dontcopy) {
			vi = vma_isolate(t, vi, off, n);
			t->v[vi].dontcopy = true;
		}
	} else if (r < 87) {
		/* Not on VM_SPECIAL (VM_MIXEDMAP | VM_DONTEXPAND) mappings. */
		chk(t, "madvise(MADV_DOFORK)", -EINVAL, NOALT,
		    madvise(addr, n * PS, MADV_DOFORK) ? -errno : 0);
	} else if (r < 94) {
		chk(t, "madvise(MADV_WIPEONFORK)", -EINVAL, NOALT,
		    madvise(addr, n * PS, MADV_WIPEONFORK) ? -errno : 0);
	} else {
		chk(t, "madvise(unaligned, MADV_DONTNEED)", -EINVAL, NOALT,
		    madvise(addr + 1 + rn(t, PS - 1), PS, MADV_DONTNEED) ? -errno : 0);
	}
}

static void op_range(struct th *t)
{
	int fi = pick_file(t, PF_FD), cls, r = rn(t, 100);
	unsigned long cmd;
	uint64_t addr, len;

	if (fi < 0)
		return;
	cmd = r < 38 ? RUST_MMAP_RESIDENT : r < 72 ? RUST_MMAP_ZAP :
	      r < 90 ? RUST_MMAP_DONTCOPY : RUST_MMAP_SEAL;
	addr = pick_addr(t, fi, &cls);
	len = rn(t, 3) ? 0 : (1 + rn(t, 8)) * PS;
	if (cls == AC_OWN) {
		int vi = vma_at(t, (uint32_t)(rel(t, addr) / PS));

		if (vi >= 0) {
			uint32_t rem = t->v[vi].start + t->v[vi].len -
				       (uint32_t)(rel(t, addr) / PS);

			r = rn(t, 100);
			len = r < 35 ? 0 : r < 88 ? (1 + rn(t, rem)) * PS :
			      (rem + 1 + rn(t, 4)) * PS;
		}
	}
	r = rn(t, 100);
	if (r < 4)
		addr += 1 + rn(t, PS - 1);
	else if (r < 8)
		len += 1 + rn(t, PS - 1);
	else if (r < 11)
		len = -addr;
	else if (r < 13)
		len = ~0ULL & ~(PS - 1);
	do_range(t, fi, file_fd(t, fi), cmd, addr, len, cls, true);
}

static void op_query(struct th *t)
{
	int fi = pick_file(t, PF_FD), cls;
	uint64_t addr;

	if (fi < 0)
		return;
	addr = pick_addr(t, fi, &cls) + rn(t, PS);
	do_query(t, fi, file_fd(t, fi), addr, cls, true);
}

static void op_bad_ioctl(struct th *t)
{
	static const unsigned long real[] = {
		RUST_MMAP_SET_SIZE, RUST_MMAP_STATS, RUST_MMAP_RESIDENT, RUST_MMAP_SEAL,
		RUST_MMAP_DONTCOPY, RUST_MMAP_QUERY, RUST_MMAP_ZAP,
	};
	static const unsigned int sizes[] = { 0, 4, 8, 16, 24, 32, 40, 48 };
	int fi = pick_file(t, PF_FD);
	uint64_t buf[16] = { 0 };
	unsigned long cmd;
	bool dup;
	char what[64];

	if (fi < 0)
		return;
	do {
		unsigned int nr = rn(t, 3) ? 7 + rn(t, 249) : rn(t, 7);

		cmd = _IOC(rn(t, 4), RUST_MMAP_IOC, nr, rn(t, 4) ? sizes[rn(t, 8)] : rn(t, 64));
		dup = false;
		for (int i = 0; i < 7; i++)
			dup |= cmd == real[i];
	} while (dup);
	snprintf(what, sizeof(what), "unknown ioctl %#lx", cmd);
	chk(t, what, -ENOTTY, NOALT, xioctl(file_fd(t, fi), cmd, buf));
}

/* fork: the child checks data and counters, maybe dies as the ABI says. */

enum { CA_READ, CA_WRITE, CA_STATS, CA_RESIDENT };
enum { CF_NONE, CF_BEYOND, CF_DONTCOPY, CF_PROTNONE, CF_ROWRITE };

struct cplan {
	int n;
	struct {
		int kind, vi, fi;
		uint32_t page;
	} a[6];
	int fatal, fvi;
	uint32_t fpage;
};

/*
 * Run the plan: in the child (exec) for real, in the parent only for the
 * model (counters and contents; the child's PTEs are its own).
 */
static void child_exec(struct th *t, const struct cplan *pl, bool exec)
{
	for (int k = 0; k < pl->n; k++) {
		int vi = pl->a[k].vi;

		switch (pl->a[k].kind) {
		case CA_READ:
			touch_read(t, vi, pl->a[k].page, exec);
			break;
		case CA_WRITE:
			touch_write(t, vi, pl->a[k].page, exec);
			break;
		case CA_STATS:
			if (exec)
				do_stats(t, pl->a[k].fi, file_fd(t, pl->a[k].fi), false);
			break;
		case CA_RESIDENT:
			if (exec)
				do_range(t, t->v[vi].file, file_fd(t, t->v[vi].file),
					 RUST_MMAP_RESIDENT,
					 (uintptr_t)pg_addr(t, t->v[vi].start), 0, AC_OWN, false);
			break;
		}
	}
}

/*
 * In the child, a fault ends it with an exit code that says which signal,
 * which si_code and whether si_addr is the address it touched (rather than a
 * death by signal, which the kernel would log as a segfault).
 */
static atomic_uintptr_t child_fault_addr;

static void child_on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	_exit((sig == SIGBUS ? 0x20 : 0x10) | (si->si_code & 0xf) |
	      ((uintptr_t)si->si_addr == atomic_load(&child_fault_addr) ? 0x80 : 0));
}

static void child_main(struct th *t, const struct cplan *pl, int wfd)
{
	struct child_report rep = { .magic = REPORT_MAGIC };
	struct sigaction sa;
	char *p;
	ssize_t w;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = child_on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	signal(SIGALRM, SIG_DFL);
	alarm(30);
	t->in_child = true;
	t->crep = &rep;
	t->digest = 0;
	child_exec(t, pl, true);
	rep.digest = t->digest;
	w = write(wfd, &rep, sizeof(rep));
	(void)w;
	if (pl->fatal != CF_NONE) {
		p = pg_addr(t, t->v[pl->fvi].start + pl->fpage) + 64;
		atomic_store(&child_fault_addr, (uintptr_t)p);
		/* Stored before the access that faults, for the handler. */
		atomic_signal_fence(memory_order_seq_cst);
		if (pl->fatal == CF_ROWRITE)
			WRITE_ONCE(*p, 1);
		else
			(void)READ_ONCE(*p);
		_exit(3);
	}
	_exit(0);
}

static void op_fork(struct th *t)
{
	/*
	 * child_on_fault() codes: past the buffer BUS_ADRERR, no VMA SEGV_MAPERR,
	 * else SEGV_ACCERR.
	 */
	static const int fatal_code[] = {
		0, 0x80 | 0x20 | BUS_ADRERR, 0x80 | 0x10 | SEGV_MAPERR, 0x80 | 0x10 | SEGV_ACCERR,
		0x80 | 0x10 | SEGV_ACCERR,
	};
	uint64_t saved[NVMAS][MAXPG / 64];
	struct child_report rep;
	struct cplan pl = { 0 };
	int n = 1 + rn(t, 5), pfd[2], st = 0, got, exp;
	ssize_t rd;
	pid_t pid;

	for (int k = 0; k < n; k++) {
		int kind = rn(t, 100), vi, fi = -1;

		kind = kind < 35 ? CA_READ : kind < 65 ? CA_WRITE :
		       kind < 80 ? CA_STATS : CA_RESIDENT;
		switch (kind) {
		case CA_READ:
			vi = pick_vma(t, V_R | V_INBUF | V_COPIED, -1);
			break;
		case CA_WRITE:
			vi = pick_vma(t, V_W | V_INBUF | V_COPIED, -1);
			break;
		case CA_STATS:
			vi = 0;
			fi = pick_file(t, PF_FD);
			if (fi < 0)
				vi = -1;
			break;
		default:
			vi = pick_vma(t, V_FD | V_COPIED, -1);
			break;
		}
		if (vi < 0)
			continue;
		pl.a[pl.n].kind = kind;
		pl.a[pl.n].vi = vi;
		pl.a[pl.n].fi = fi;
		if (kind == CA_READ || kind == CA_WRITE)
			pl.a[pl.n].page = pick_inbuf(t, &t->v[vi]);
		pl.n++;
	}
	if (chance(t, 50)) {
		int kind = 1 + rn(t, 4), vi = -1;

		switch (kind) {
		case CF_BEYOND:
			vi = pick_vma(t, V_R | V_BEYOND | V_COPIED, -1);
			if (vi >= 0)
				pl.fpage = pick_beyond(t, &t->v[vi]);
			break;
		case CF_DONTCOPY:
			vi = pick_vma(t, V_DONTCOPY, -1);
			if (vi >= 0)
				pl.fpage = rn(t, t->v[vi].len);
			break;
		case CF_PROTNONE:
			vi = pick_vma(t, V_NONE | V_INBUF | V_COPIED, -1);
			if (vi >= 0)
				pl.fpage = pick_inbuf(t, &t->v[vi]);
			break;
		default:
			vi = pick_vma(t, V_R | V_NOW | V_INBUF | V_COPIED, -1);
			if (vi >= 0)
				pl.fpage = pick_inbuf(t, &t->v[vi]);
			break;
		}
		if (vi >= 0) {
			pl.fatal = kind;
			pl.fvi = vi;
		}
	}
	dig(t, pl.n * 16 + pl.fatal);
	t->nfatal[pl.fatal]++;

	if (pipe2(pfd, O_CLOEXEC | O_NONBLOCK)) {
		report(t, false, "pipe2: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0)
		child_main(t, &pl, pfd[1]);
	close(pfd[1]);
	if (pid < 0) {
		report(t, false, "fork: %s", strerror(errno));
		close(pfd[0]);
		return;
	}
	/* The child's accesses, in the model: counters and contents only. */
	for (int i = 0; i < NVMAS; i++)
		memcpy(saved[i], t->v[i].res, sizeof(saved[i]));
	child_exec(t, &pl, false);
	for (int i = 0; i < NVMAS; i++)
		memcpy(t->v[i].res, saved[i], sizeof(saved[i]));

	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	rd = read(pfd[0], &rep, sizeof(rep));
	close(pfd[0]);
	if (rd != sizeof(rep) || rep.magic != REPORT_MAGIC) {
		report(t, false, "fork child sent no report (wait status %#x)", st);
	} else {
		char msg[300];

		t->abi += rep.abi;
		t->integ += rep.integ;
		if (rep.msg[0]) {
			snprintf(msg, sizeof(msg), "%.240s (%u abi, %u integrity)", rep.msg,
				 rep.abi, rep.integ);
			print_line("in fork child", t, msg);
		}
		dig(t, rep.digest);
	}
	got = WIFSIGNALED(st) ? 0x100 | WTERMSIG(st) : WIFEXITED(st) ? WEXITSTATUS(st) : 0x200;
	exp = fatal_code[pl.fatal];
	if (got != exp) {
		static const char *const what[] = {
			"no fault", "read past the buffer: SIGBUS",
			"read of a DONTCOPY mapping: SIGSEGV",
			"read of a PROT_NONE mapping: SIGSEGV",
			"write to a read-only mapping: SIGSEGV",
		};

		/* Exit 0x10 / 0x20: SIGSEGV / SIGBUS | si_code; 0x80: at the address touched. */
		report(t, false, "fork child (%s): expected exit %#x, got wait status %#x",
		       what[pl.fatal], exp, st);
	}
	dig(t, (uint64_t)got);
	/* What the child wrote, seen by the parent. */
	for (int k = 0; k < pl.n; k++)
		if (pl.a[k].kind == CA_WRITE) {
			int vi = pick_vma(t, V_R, t->v[pl.a[k].vi].file);
			struct mvma *v = &t->v[pl.a[k].vi];
			uint32_t pg = v->pgoff + pl.a[k].page;

			if (vi >= 0 && pg >= t->v[vi].pgoff &&
			    pg - t->v[vi].pgoff < inbuf_pages(t, &t->v[vi]))
				touch_read(t, vi, pg - t->v[vi].pgoff, true);
		}
}

/* The shared files */

static struct sentry *shared_get(struct th *t, int *slot)
{
	struct sentry *e;

	pthread_mutex_lock(&shared_lock);
	*slot = rn(t, NSHARED);
	e = sslots[*slot].cur;
	e->refs++;
	pthread_mutex_unlock(&shared_lock);
	return e;
}

static void shared_put(struct th *t, struct sentry *e)
{
	pthread_mutex_lock(&shared_lock);
	if (!--e->refs && e->retired) {
		chk(t, "close (retired shared file)", 0, NOALT, close(e->fd) ? -errno : 0);
		e->inuse = false;
	}
	pthread_mutex_unlock(&shared_lock);
}

/* A new shared file mapped at slot s (caller holds shared_lock or is alone). */
static struct sentry *shared_new(struct th *t, int s)
{
	uint64_t size = SHARED_PAGES * PS;
	struct sentry *e = NULL;
	void *p;

	for (int i = 0; i < SHARED_POOL; i++)
		if (!spool[i].inuse) {
			e = &spool[i];
			break;
		}
	if (!e) {
		report(t, false, "shared pool exhausted");
		return NULL;
	}
	e->fd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (!chk(t, "open (shared)", 0, NOALT, e->fd < 0 ? -errno : 0))
		return NULL;
	chk(t, "SET_SIZE (shared)", 0, NOALT, xioctl(e->fd, RUST_MMAP_SET_SIZE, &size));
	p = mmap(sslots[s].addr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, e->fd, 0);
	if (!chk(t, "mmap (shared)", 0, NOALT, p == MAP_FAILED ? -errno : 0)) {
		close(e->fd);
		return NULL;
	}
	e->inuse = true;
	e->retired = false;
	e->refs = 0;
	return e;
}

static void op_shared_replace(struct th *t)
{
	struct sentry *e, *old;
	int s = rn(t, NSHARED);

	pthread_mutex_lock(&shared_lock);
	e = shared_new(t, s);
	if (e) {
		old = sslots[s].cur;
		sslots[s].cur = e;
		old->retired = true;
		if (!old->refs) {
			chk(t, "close (replaced shared file)", 0, NOALT,
			    close(old->fd) ? -errno : 0);
			old->inuse = false;
		}
	}
	pthread_mutex_unlock(&shared_lock);
}

/*
 * Concurrent use of a shared mapping. Another thread may replace the file
 * mapped there at any time: then the ioctls see a mapping of another file
 * (EINVAL); the contents are not checked.
 */
static void op_shared(struct th *t)
{
	int s, r = rn(t, 100);
	struct sentry *e = shared_get(t, &s);
	char *base = sslots[s].addr;
	long alt = t->mt ? -EINVAL : NOALT, got;
	uint32_t off = rn(t, SHARED_PAGES), n = 1 + rn(t, SHARED_PAGES - off);
	struct rust_mmap_range rg = { .addr = (uintptr_t)base + off * PS, .len = n * PS };
	struct rust_mmap_query q = { .addr = (uintptr_t)base + rn(t, SHARED_PAGES * PS) };
	struct rust_mmap_stats st;

	if (r < 30) {
		uint64_t *p = (uint64_t *)(base + off * PS);

		for (uint32_t i = 0; i < n * PS / 8; i += 64) {
			if (r & 1)
				WRITE_ONCE(p[i], i);
			else
				(void)READ_ONCE(p[i]);
		}
	} else if (r < 45) {
		got = xioctl(e->fd, RUST_MMAP_RESIDENT, &rg);
		if (chk(t, "RESIDENT (shared)", 0, alt, got) && !got && rg.result > n)
			report(t, false, "RESIDENT (shared): %llu of %u pages",
			       (unsigned long long)rg.result, n);
	} else if (r < 58) {
		got = xioctl(e->fd, RUST_MMAP_ZAP, &rg);
		if (chk(t, "ZAP (shared)", 0, alt, got) && !got && rg.result > n)
			report(t, false, "ZAP (shared): %llu of %u pages",
			       (unsigned long long)rg.result, n);
	} else if (r < 72) {
		got = xioctl(e->fd, RUST_MMAP_QUERY, &q);
		if (chk(t, "QUERY (shared)", 0, alt, got) && !got &&
		    (q.start != (uintptr_t)base || q.end != (uintptr_t)base + SHARED_PAGES * PS ||
		     q.pgoff || (q.flags & ~(uint64_t)RUST_MMAP_F_DONTCOPY) != F_ALL))
			report(t, false,
			       "QUERY (shared): start %+lld end %+lld pgoff %llu flags %#llx",
			       (long long)(q.start - (uintptr_t)base),
			       (long long)(q.end - (uintptr_t)base), (unsigned long long)q.pgoff,
			       (unsigned long long)q.flags);
	} else if (r < 78) {
		rg.addr = (uintptr_t)base;
		rg.len = 0;
		got = xioctl(e->fd, RUST_MMAP_DONTCOPY, &rg);
		if (chk(t, "DONTCOPY (shared)", 0, alt, got) && !got)
			chk_u64(t, "DONTCOPY (shared) flags", F_ALL | RUST_MMAP_F_DONTCOPY,
				rg.result);
	} else if (r < 90) {
		got = xioctl(e->fd, RUST_MMAP_STATS, &st);
		if (chk(t, "STATS (shared)", 0, NOALT, got) &&
		    (st.size != SHARED_PAGES * PS || st.pages > SHARED_PAGES))
			report(t, false, "STATS (shared): size %#llx faults %llu pages %llu",
			       (unsigned long long)st.size, (unsigned long long)st.faults,
			       (unsigned long long)st.pages);
	} else {
		chk(t, "madvise(MADV_DONTNEED) (shared)", 0, NOALT,
		    madvise(base + off * PS, n * PS, MADV_DONTNEED) ? -errno : 0);
	}
	shared_put(t, e);
}

/* Map a shared file into our own arena for a moment, beside the others. */
static void op_shared_cycle(struct th *t)
{
	int s;
	struct sentry *e;
	uint32_t n = 1 + rn(t, 8), pgoff = rn(t, SHARED_PAGES), touched = 0;
	struct rust_mmap_range rg;
	struct rust_mmap_query q;
	char *p;
	long at = find_free(t, n);

	if (at < 0)
		return;
	e = shared_get(t, &s);
	p = mmap(pg_addr(t, (uint32_t)at), n * PS, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 e->fd, (off_t)pgoff * PS);
	if (!chk(t, "mmap (shared file, own arena)", 0, NOALT, p == MAP_FAILED ? -errno : 0)) {
		placeholder(t, (uint32_t)at, n);
		shared_put(t, e);
		return;
	}
	for (uint32_t i = 0; i < n && pgoff + i < SHARED_PAGES; i++)
		if (chance(t, 60)) {
			WRITE_ONCE(p[i * PS + 8 * rn(t, PS / 8)], (char)i);
			touched++;
		}
	rg = (struct rust_mmap_range){ .addr = (uintptr_t)p, .len = 0 };
	if (chk(t, "RESIDENT (shared file, own mapping)", 0, NOALT,
		xioctl(e->fd, RUST_MMAP_RESIDENT, &rg)))
		chk_u64(t, "RESIDENT (shared file, own mapping) result", touched, rg.result);
	q = (struct rust_mmap_query){ .addr = (uintptr_t)p + rn(t, n * PS) };
	if (chk(t, "QUERY (shared file, own mapping)", 0, NOALT,
		xioctl(e->fd, RUST_MMAP_QUERY, &q))) {
		chk_u64(t, "QUERY.start", 0, q.start - (uintptr_t)p);
		chk_u64(t, "QUERY.end", n * PS, q.end - (uintptr_t)p);
		chk_u64(t, "QUERY.pgoff", pgoff, q.pgoff);
		chk_u64(t, "QUERY.flags", F_ALL, q.flags);
	}
	chk(t, "munmap (shared file, own mapping)", 0, NOALT, munmap(p, n * PS) ? -errno : 0);
	hole_check(t, (uint32_t)at);
	placeholder(t, (uint32_t)at, n);
	shared_put(t, e);
}

/* The thread loop */

static const struct {
	const char *name;
	void (*fn)(struct th *t);
	int weight;
} ops[] = {
	{ "open", op_open, 4 },
	{ "close", op_close, 2 },
	{ "set_size", op_set_size, 3 },
	{ "mmap", op_mmap, 9 },
	{ "mmap_bad", op_mmap_bad, 4 },
	{ "write", op_touch_write, 9 },
	{ "read", op_touch_read, 8 },
	{ "munmap", op_munmap, 5 },
	{ "mremap", op_mremap, 6 },
	{ "mprotect", op_mprotect, 5 },
	{ "madvise", op_madvise, 4 },
	{ "fork", op_fork, 2 },
	{ "stats", op_stats, 3 },
	{ "range_ioctl", op_range, 12 },
	{ "query", op_query, 6 },
	{ "bad_ioctl", op_bad_ioctl, 2 },
	{ "procmem", op_procmem, 5 },
	{ "shared", op_shared, 7 },
	{ "shared_cycle", op_shared_cycle, 3 },
	{ "shared_replace", op_shared_replace, 1 },
};

#define NOPS ((int)ARRAY_SIZE(ops))

static void *thread_main(void *arg)
{
	struct th *t = arg;
	int total = 0;

	for (int i = 0; i < NOPS; i++)
		total += ops[i].weight;
	for (;;) {
		int w, k;

		if (det ? t->ops >= det_ops : now_ns() >= deadline_ns)
			break;
		w = rn(t, total);
		for (k = 0; w >= ops[k].weight; k++)
			w -= ops[k].weight;
		t->opname = ops[k].name;
		t->nop[k]++;
		dig(t, k);
		ops[k].fn(t);
		if (paranoid)
			paranoid_check(t);
		t->ops++;
	}
	/* Unmap everything; the files stay open for the final checks. */
	t->opname = "teardown";
	for (int i = 0; i < NVMAS; i++) {
		struct mvma *v = &t->v[i];

		if (!v->used)
			continue;
		chk(t, "munmap (teardown)", 0, NOALT,
		    munmap(pg_addr(t, v->start), v->len * PS) ? -errno : 0);
		vma_remove(t, i);
	}
	return NULL;
}

/* Setup and final checks */

static void *xmap_anon(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		printf("# storm: cannot map %zu bytes: %s\n", len, strerror(errno));
		fail_all();
		exit(1);
	}
	return p;
}

/* Lines of /proc/self/maps and fds of /proc/self/fd that name the device. */
static int leak_scan(void)
{
	char line[512], path[300], target[PATH_MAX];
	int leaks = 0;
	FILE *m = fopen("/proc/self/maps", "r");
	DIR *d;
	struct dirent *de;

	if (m) {
		while (fgets(line, sizeof(line), m))
			if (strstr(line, dev_real)) {
				printf("# storm: still mapped: %s", line);
				leaks++;
			}
		fclose(m);
	}
	d = opendir("/proc/self/fd");
	if (d) {
		while ((de = readdir(d))) {
			ssize_t n;

			snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
			n = readlink(path, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = 0;
			if (!strcmp(target, dev_real)) {
				printf("# storm: still open: fd %s\n", de->d_name);
				leaks++;
			}
		}
		closedir(d);
	}
	return leaks;
}

static int final_checks(void)
{
	struct th *t0 = &ths[0];
	struct rust_mmap_stats st;
	int leaks = 0, fd;

	for (int i = 0; i < nthreads; i++) {
		struct th *t = &ths[i];

		t->mt = false;	/* every thread and child is gone */
		t->opname = "final";
		for (int fi = 0; fi < NFILES; fi++) {
			struct mfile *f = &t->f[fi];

			if (!f->used)
				continue;
			if (f->nvmas)
				report(t, false, "model: file %u still has %d VMAs", f->uid,
				       f->nvmas);
			if (f->fd >= 0 || f->dupfd >= 0) {
				int fd2 = f->fd >= 0 ? f->fd : f->dupfd;

				memset(&st, 0xff, sizeof(st));
				if (chk(t, "STATS (final)", 0, NOALT,
					xioctl(fd2, RUST_MMAP_STATS, &st))) {
					struct rust_mmap_stats e = m_stats(t, fi);

					check_stats(t, fi, &e, &st);
					if (st.mappings) {
						printf("# storm: file %u of thread %d: ",
						       f->uid, i);
						printf("%llu mappings after munmap of all\n",
						       (unsigned long long)st.mappings);
						leaks++;
					}
				}
			}
			if (f->fd >= 0)
				chk(t, "close (final)", 0, NOALT, close(f->fd) ? -errno : 0);
			if (f->dupfd >= 0)
				chk(t, "close (final)", 0, NOALT, close(f->dupfd) ? -errno : 0);
			f->used = false;
		}
	}
	t0->opname = "final";
	for (int s = 0; s < NSHARED; s++) {
		struct sentry *e = sslots[s].cur;

		chk(t0, "munmap (shared, final)", 0, NOALT,
		    munmap(sslots[s].addr, SHARED_PAGES * PS) ? -errno : 0);
		memset(&st, 0xff, sizeof(st));
		if (chk(t0, "STATS (shared, final)", 0, NOALT,
			xioctl(e->fd, RUST_MMAP_STATS, &st))) {
			chk_u64(t0, "STATS.size (shared, final)", SHARED_PAGES * PS, st.size);
			if (st.mappings) {
				printf("# storm: shared file %d: %llu mappings after munmap\n", s,
				       (unsigned long long)st.mappings);
				leaks++;
			}
		}
		chk(t0, "close (shared, final)", 0, NOALT, close(e->fd) ? -errno : 0);
		e->inuse = false;
	}
	for (int i = 0; i < SHARED_POOL; i++)
		if (spool[i].inuse) {
			printf("# storm: retired shared file %d never closed (refs %d)\n", i,
			       spool[i].refs);
			leaks++;
		}
	/* A new open file starts from nothing. */
	fd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (chk(t0, "open (final)", 0, NOALT, fd < 0 ? -errno : 0)) {
		memset(&st, 0xff, sizeof(st));
		if (chk(t0, "STATS (fresh)", 0, NOALT, xioctl(fd, RUST_MMAP_STATS, &st)) &&
		    (st.size || st.faults || st.pages || st.mappings)) {
			printf("# storm: a fresh open file has stats %llu/%llu/%llu/%llu\n",
			       (unsigned long long)st.size, (unsigned long long)st.faults,
			       (unsigned long long)st.pages, (unsigned long long)st.mappings);
			leaks++;
		}
		close(fd);
	}
	for (int i = 0; i < nthreads; i++) {
		munmap(ths[i].arena, ARENA_PAGES * PS);
		munmap(ths[i].scratch, 2 * PS);
		if (ths[i].memfd >= 0)
			close(ths[i].memfd);
	}
	munmap(shared_arena, NSHARED * SHARED_STRIDE * PS);
	leaks += leak_scan();
	return leaks;
}

/* -v: how often each operation, argument location and expected result came up. */
static void print_coverage(void)
{
	static const char *const fatal[] = { "none", "beyond", "dontcopy", "protnone", "rowrite" };
	uint64_t n[160];
	char line[1024];
	int len;

	len = snprintf(line, sizeof(line), "# storm: ops:");
	for (int k = 0; k < NOPS; k++) {
		uint64_t c = 0;

		for (int i = 0; i < nthreads; i++)
			c += ths[i].nop[k];
		len += snprintf(line + len, sizeof(line) - len, " %s=%llu", ops[k].name,
				(unsigned long long)c);
	}
	printf("%s\n", line);
	len = snprintf(line, sizeof(line), "# storm: hostile ioctl args:");
	for (int k = 0; k <= AL_DEV_PROTNONE; k++) {
		uint64_t c = 0;

		for (int i = 0; i < nthreads; i++)
			c += ths[i].nloc[k];
		len += snprintf(line + len, sizeof(line) - len, " [%s]=%llu", al_names[k],
				(unsigned long long)c);
	}
	printf("%s\n", line);
	len = snprintf(line, sizeof(line), "# storm: fork children ending:");
	for (int k = 0; k < 5; k++) {
		uint64_t c = 0;

		for (int i = 0; i < nthreads; i++)
			c += ths[i].nfatal[k];
		len += snprintf(line + len, sizeof(line) - len, " %s=%llu", fatal[k],
				(unsigned long long)c);
	}
	printf("%s\n", line);
	memset(n, 0, sizeof(n));
	for (int i = 0; i < nthreads; i++)
		for (int k = 0; k < 150; k++)
			n[k] += ths[i].nerr[k];
	len = snprintf(line, sizeof(line), "# storm: expected results: 0/success=%llu",
		       (unsigned long long)n[0]);
	for (int k = 1; k < 150; k++)
		if (n[k])
			len += snprintf(line + len, sizeof(line) - len, " %s=%llu",
					strerrorname_np(k) ? strerrorname_np(k) : "?",
					(unsigned long long)n[k]);
	printf("%s\n", line);
}

static void usage_exit(const char *argv0)
{
	fprintf(stderr,
		"usage: %s DEVICE [-t THREADS] [-s SECONDS] [-S SEED]\n"
		"       %s DEVICE -d [-n OPS] [-S SEED]\n"
		"  -t THREADS  threads (1..%d, default 4)\n"
		"  -s SECONDS  duration (default 10); watchdog at SECONDS * 3 + 30\n"
		"  -S SEED     seed of thread i: SEED + i (default 1)\n"
		"  -d          deterministic: one thread, OPS operations (default %d), digest\n"
		"  -v          print every mismatch (default: the first %d)\n"
		"  -P          check the resident pages of every mapping after every operation\n"
		"  -x T:A:B    trace operations A to B of thread T\n",
		argv0, argv0, MAX_THREADS, DET_OPS, MAX_PRINT);
	exit(2);
}

int main(int argc, char **argv)
{
	uint64_t ops = 0, abi = 0, integ = 0, t0ns;
	int opt, leaks, fails = 0;
	bool ops_ok;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "t:s:S:dn:vPx:h")) != -1) {
		switch (opt) {
		case 't':
			nthreads = atoi(optarg);
			break;
		case 's':
			seconds = atoi(optarg);
			break;
		case 'S':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'd':
			det = true;
			break;
		case 'n':
			det_ops = strtoull(optarg, NULL, 0);
			break;
		case 'v':
			verbose = true;
			break;
		case 'P':
			paranoid = true;
			break;
		case 'x':
			if (sscanf(optarg, "%d:%llu:%llu", &trace_thread, &trace_from,
				   &trace_to) != 3)
				usage_exit(argv[0]);
			break;
		default:
			usage_exit(argv[0]);
		}
	}
	if (optind != argc - 1 || nthreads < 1 || nthreads > MAX_THREADS || seconds < 1)
		usage_exit(argv[0]);
	dev_path = argv[optind];
	if (det)
		nthreads = 1;

	printf("TAP version 13\n");
	if (access(dev_path, R_OK | W_OK)) {
		printf("1..0 # SKIP %s: %s\n", dev_path, strerror(errno));
		return 4;
	}
	if (!realpath(dev_path, dev_real))
		snprintf(dev_real, sizeof(dev_real), "%s", dev_path);
	printf("1..4\n");
	printf("# storm: device=%s threads=%d seconds=%d seed=%llu%s\n", dev_path, nthreads,
	       seconds, (unsigned long long)seed, det ? " deterministic" : "");

	install_signals();
	watchdog_secs = (unsigned int)seconds * 3 + 30;
	alarm(watchdog_secs);

	shared_arena = xmap_anon(NSHARED * SHARED_STRIDE * PS, PROT_NONE);
	for (int i = 0; i < nthreads; i++) {
		struct th *t = &ths[i];

		t->idx = i;
		t->mt = nthreads > 1;
		t->rng = mix64(seed + (uint64_t)i) | 1;
		t->arena = xmap_anon(ARENA_PAGES * PS, PROT_NONE);
		t->scratch = xmap_anon(2 * PS, PROT_READ | PROT_WRITE);
		mprotect(t->scratch + PS, PS, PROT_NONE);
		t->memfd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
		for (int k = 0; k < NFILES; k++) {
			t->f[k].fd = -1;
			t->f[k].dupfd = -1;
		}
	}
	ths[0].opname = "setup";
	for (int s = 0; s < NSHARED; s++) {
		sslots[s].addr = shared_arena + (size_t)s * SHARED_STRIDE * PS;
		sslots[s].cur = shared_new(&ths[0], s);
		if (!sslots[s].cur) {
			printf("# storm: cannot set up the shared files\n");
			fail_all();
			return 1;
		}
	}

	t0ns = now_ns();
	deadline_ns = t0ns + (uint64_t)seconds * 1000000000ULL;
	for (int i = 0; i < nthreads; i++)
		if (pthread_create(&ths[i].tid, NULL, thread_main, &ths[i])) {
			printf("# storm: pthread_create failed\n");
			fail_all();
			return 1;
		}
	for (int i = 0; i < nthreads; i++)
		pthread_join(ths[i].tid, NULL);

	leaks = final_checks();
	alarm(0);
	atomic_store(&results_started, 1);
	for (int i = 0; i < nthreads; i++) {
		ops += ths[i].ops;
		abi += ths[i].abi;
		integ += ths[i].integ;
		printf("# storm: thread %d: ops=%llu abi_mismatches=%llu integrity_failures=%llu\n",
		       i, (unsigned long long)ths[i].ops, (unsigned long long)ths[i].abi,
		       (unsigned long long)ths[i].integ);
	}
	printf("# storm: elapsed %.1f s, %d mismatch lines not printed\n",
	       (now_ns() - t0ns) / 1e9,
	       atomic_load(&printed) > MAX_PRINT ? atomic_load(&printed) - MAX_PRINT : 0);
	printf("# storm: ops=%llu threads=%d seconds=%d ", (unsigned long long)ops, nthreads,
	       det ? 0 : seconds);
	printf("integrity_failures=%llu abi_mismatches=%llu\n", (unsigned long long)integ,
	       (unsigned long long)abi);
	if (verbose)
		print_coverage();
	if (det)
		printf("# storm-deterministic: ops=%llu digest=%016llx\n",
		       (unsigned long long)ops, (unsigned long long)ths[0].digest);
	ops_ok = det ? ops == det_ops : ops >= 100ULL * (uint64_t)nthreads;
	printf("%s 1 storm_ops\n", ops_ok ? "ok" : "not ok");
	printf("%s 2 storm_integrity\n", integ ? "not ok" : "ok");
	printf("%s 3 storm_abi\n", abi ? "not ok" : "ok");
	printf("%s 4 storm_no_leak\n", leaks ? "not ok" : "ok");
	fails = !ops_ok + !!integ + !!abi + !!leaks;
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n", 4 - fails, fails);
	return fails ? 1 : 0;
}
