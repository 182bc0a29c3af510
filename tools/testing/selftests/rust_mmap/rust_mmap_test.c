// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests of the rust-mmap sample devices (include/uapi/linux/rust_mmap.h).
 *
 * The same binary runs against /dev/rust-mmap and its C twin /dev/c-mmap:
 *
 *	rust_mmap_test [DEVICE] [kselftest harness options]
 *
 * DEVICE defaults to $RUST_MMAP_DEV, then to /dev/rust-mmap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/rust_mmap.h>

#include "../kselftest_harness.h"

#define PS		4096UL			/* page size (x86) */
#define NPAGES		16			/* default buffer size, pages */
#define SIZE		(NPAGES * PS)
#define NTHREADS	8
#define PER_THREAD	4

static const char *dev_path = "/dev/rust-mmap";

/* Helpers. Each returns 0 or -errno, so that tests can assert the errno. */

static int set_size(int fd, uint64_t size)
{
	return ioctl(fd, RUST_MMAP_SET_SIZE, &size) ? -errno : 0;
}

static int range_ioctl(int fd, unsigned long cmd, const void *addr,
		       uint64_t len, uint64_t *result)
{
	struct rust_mmap_range r = {
		.addr = (uintptr_t)addr, .len = len, .result = ~0ULL,
	};

	if (ioctl(fd, cmd, &r))
		return -errno;
	if (result)
		*result = r.result;
	return 0;
}

/* Resident pages in [addr, addr + len), or -errno. */
static int64_t resident(int fd, const void *addr, uint64_t len)
{
	uint64_t n = 0;
	int ret = range_ioctl(fd, RUST_MMAP_RESIDENT, addr, len, &n);

	return ret ? ret : (int64_t)n;
}

static int query(int fd, const void *addr, struct rust_mmap_query *q)
{
	memset(q, 0, sizeof(*q));
	q->addr = (uintptr_t)addr;
	return ioctl(fd, RUST_MMAP_QUERY, q) ? -errno : 0;
}

static struct rust_mmap_stats stats(int fd)
{
	struct rust_mmap_stats s;

	memset(&s, 0xff, sizeof(s));
	if (ioctl(fd, RUST_MMAP_STATS, &s))
		memset(&s, 0xff, sizeof(s));
	return s;
}

/* mmap() that returns NULL and keeps errno on failure. */
static void *map(int fd, size_t len, int prot, int flags, off_t off)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	return p == MAP_FAILED ? NULL : p;
}

/* An open, sized device file, or -1. */
static int open_sized(int oflags, uint64_t size)
{
	int fd = open(dev_path, oflags);

	if (fd >= 0 && size && set_size(fd, size)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* An address with nothing mapped at it. */
static void *unmapped_address(void)
{
	void *p = map(-1, PS, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, 0);

	if (p)
		munmap(p, PS);
	return p;
}

enum access { READ_BYTE, WRITE_BYTE };

/*
 * Access one byte in a child process. Returns the signal that killed the
 * child, 0 if the access worked (and a read saw @expect), -1 otherwise.
 */
static int child_access(char *p, enum access how, char expect)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (how == WRITE_BYTE)
			__atomic_store_n(p, expect, __ATOMIC_RELAXED);
		else if (__atomic_load_n(p, __ATOMIC_RELAXED) != expect)
			_exit(1);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return WTERMSIG(status);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void fill(char *p, size_t pages, int seed)
{
	for (size_t i = 0; i < pages; i++)
		memset(p + i * PS, seed + (int)i, PS);
}

/* 1 if every byte of page i is (char)(seed + i). */
static int check(const char *p, size_t pages, int seed)
{
	for (size_t i = 0; i < pages; i++)
		for (size_t j = 0; j < PS; j++)
			if (p[i * PS + j] != (char)(seed + (int)i))
				return 0;
	return 1;
}

/* Fixture: an O_RDWR file with a 16-page buffer, mapped shared RW. */
FIXTURE(dev) {
	int fd;
	char *p;
};

FIXTURE_SETUP(dev)
{
	self->fd = open_sized(O_RDWR, SIZE);
	ASSERT_LE(0, self->fd) TH_LOG("cannot open %s: %s", dev_path, strerror(errno));
	self->p = map(self->fd, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	ASSERT_NE(NULL, self->p) TH_LOG("mmap: %s", strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	if (self->p)
		munmap(self->p, SIZE);
	if (self->fd >= 0)
		close(self->fd);
}

/* RUST_MMAP_SET_SIZE */

TEST(set_size_zero)
{
	int fd = open_sized(O_RDWR, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, set_size(fd, 0));
	EXPECT_EQ(0, stats(fd).size);
	close(fd);
}

TEST(set_size_misaligned)
{
	int fd = open_sized(O_RDWR, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, set_size(fd, 1));
	EXPECT_EQ(-EINVAL, set_size(fd, PS + 1));
	EXPECT_EQ(-EINVAL, set_size(fd, PS - 1));
	EXPECT_EQ(0, stats(fd).size);
	close(fd);
}

TEST(set_size_oversized)
{
	int fd = open_sized(O_RDWR, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, set_size(fd, RUST_MMAP_MAX_SIZE + PS));
	EXPECT_EQ(-EINVAL, set_size(fd, 1ULL << 63));
	EXPECT_EQ(-EINVAL, set_size(fd, ~0ULL & ~(PS - 1)));
	/* The maximum itself is fine. */
	EXPECT_EQ(0, set_size(fd, RUST_MMAP_MAX_SIZE));
	EXPECT_EQ(RUST_MMAP_MAX_SIZE, stats(fd).size);
	close(fd);
}

TEST(set_size_twice_ebusy)
{
	int fd = open_sized(O_RDWR, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_size(fd, 2 * PS));
	EXPECT_EQ(-EBUSY, set_size(fd, 2 * PS));
	EXPECT_EQ(-EBUSY, set_size(fd, 4 * PS));
	EXPECT_EQ(2 * PS, stats(fd).size);
	close(fd);
}

TEST(set_size_bad_pointer_efault)
{
	int fd = open_sized(O_RDWR, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, RUST_MMAP_SET_SIZE, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, stats(fd).size);
	close(fd);
}

TEST(per_open_buffers)
{
	int a = open_sized(O_RDWR, 2 * PS), b = open_sized(O_RDWR, 0);

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	/* The size belongs to the open file, not to the device. */
	EXPECT_EQ(0, stats(b).size);
	EXPECT_EQ(0, set_size(b, 3 * PS));
	EXPECT_EQ(2 * PS, stats(a).size);
	EXPECT_EQ(3 * PS, stats(b).size);
	close(a);
	close(b);
}

/* mmap(2) */

TEST(mmap_before_size_enodev)
{
	int fd = open_sized(O_RDWR, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(NULL, map(fd, PS, PROT_READ, MAP_SHARED, 0));
	EXPECT_EQ(ENODEV, errno);
	close(fd);
}

TEST(mmap_private_einval)
{
	int fd = open_sized(O_RDWR, SIZE);

	ASSERT_LE(0, fd);
	EXPECT_EQ(NULL, map(fd, PS, PROT_READ, MAP_PRIVATE, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(NULL, map(fd, PS, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST(mmap_offset_beyond_buffer_einval)
{
	int fd = open_sized(O_RDWR, SIZE);
	char *p;

	ASSERT_LE(0, fd);
	EXPECT_EQ(NULL, map(fd, PS, PROT_READ, MAP_SHARED, SIZE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(NULL, map(fd, PS, PROT_READ, MAP_SHARED, 100 * SIZE));
	EXPECT_EQ(EINVAL, errno);
	/* The last page is a valid offset. */
	p = map(fd, PS, PROT_READ, MAP_SHARED, SIZE - PS);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, p[0]);
	munmap(p, PS);
	close(fd);
}

TEST(mmap_oversized_length_einval)
{
	int fd = open_sized(O_RDWR, SIZE);
	char *p;

	ASSERT_LE(0, fd);
	EXPECT_EQ(NULL, map(fd, RUST_MMAP_MAX_SIZE + PS, PROT_READ, MAP_SHARED, 0));
	EXPECT_EQ(EINVAL, errno);
	/* Exactly the maximum is allowed, even past the end of the buffer. */
	p = map(fd, RUST_MMAP_MAX_SIZE, PROT_READ, MAP_SHARED, 0);
	ASSERT_NE(NULL, p);
	munmap(p, RUST_MMAP_MAX_SIZE);
	close(fd);
}

TEST(mmap_write_on_rdonly_fd_eacces)
{
	int fd = open_sized(O_RDONLY, SIZE);

	ASSERT_LE(0, fd);
	EXPECT_EQ(NULL, map(fd, PS, PROT_READ | PROT_WRITE, MAP_SHARED, 0));
	EXPECT_EQ(EACCES, errno);
	close(fd);
}

TEST(mprotect_write_on_rdonly_fd_eacces)
{
	int fd = open_sized(O_RDONLY, SIZE);
	char *p;

	ASSERT_LE(0, fd);
	p = map(fd, SIZE, PROT_READ, MAP_SHARED, 0);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, p[0]);
	EXPECT_EQ(-1, mprotect(p, SIZE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(SIGSEGV, child_access(p, WRITE_BYTE, 1));
	munmap(p, SIZE);
	close(fd);
}

TEST(mprotect_write_on_rdwr_fd_allowed)
{
	int fd = open_sized(O_RDWR, SIZE);
	char *p;

	ASSERT_LE(0, fd);
	p = map(fd, SIZE, PROT_READ, MAP_SHARED, 0);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, p[0]);	/* fault the page in read-only first */
	ASSERT_EQ(0, mprotect(p, SIZE, PROT_READ | PROT_WRITE));
	p[0] = 42;
	p[PS] = 43;
	EXPECT_EQ(42, p[0]);
	EXPECT_EQ(43, p[PS]);
	munmap(p, SIZE);
	close(fd);
}

TEST(mmap_exec_eperm)
{
	int fd = open_sized(O_RDWR, SIZE);

	ASSERT_LE(0, fd);
	EXPECT_EQ(NULL, map(fd, PS, PROT_READ | PROT_EXEC, MAP_SHARED, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(NULL, map(fd, PS, PROT_EXEC, MAP_SHARED, 0));
	EXPECT_EQ(EPERM, errno);
	close(fd);
}

TEST_F(dev, mprotect_exec_fails)
{
	EXPECT_EQ(-1, mprotect(self->p, SIZE, PROT_READ | PROT_EXEC));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, mprotect(self->p, PS, PROT_EXEC));
	EXPECT_EQ(EACCES, errno);
}

TEST_F(dev, pages_zeroed)
{
	for (size_t i = 0; i < SIZE; i++) {
		ASSERT_EQ(0, self->p[i])
			TH_LOG("byte %zu is not zero", i);
	}
}

TEST_F(dev, shared_between_mappings)
{
	char *q = map(self->fd, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	char *r = map(self->fd, 2 * PS, PROT_READ, MAP_SHARED, 3 * PS);

	ASSERT_NE(NULL, q);
	ASSERT_NE(NULL, r);
	fill(self->p, NPAGES, 1);
	EXPECT_TRUE(check(q, NPAGES, 1));
	/* r maps pages 3 and 4 of the buffer. */
	EXPECT_TRUE(check(r, 2, 4));
	q[5 * PS] = 99;
	EXPECT_EQ(99, self->p[5 * PS]);
	munmap(q, SIZE);
	munmap(r, 2 * PS);
}

TEST(sigbus_past_buffer_end)
{
	int fd = open_sized(O_RDWR, 2 * PS);
	char *p;

	ASSERT_LE(0, fd);
	/* Mapping 4 pages of a 2-page buffer is allowed... */
	p = map(fd, 4 * PS, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, child_access(p + PS, WRITE_BYTE, 7));
	EXPECT_EQ(7, p[PS]);
	/* ...but touching the pages past the end raises SIGBUS. */
	EXPECT_EQ(SIGBUS, child_access(p + 2 * PS, READ_BYTE, 0));
	EXPECT_EQ(SIGBUS, child_access(p + 3 * PS + 100, WRITE_BYTE, 1));
	/* So does a mapping at an offset that ends past the buffer. */
	munmap(p, 4 * PS);
	p = map(fd, 2 * PS, PROT_READ, MAP_SHARED, PS);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, child_access(p, READ_BYTE, 7));
	EXPECT_EQ(SIGBUS, child_access(p + PS, READ_BYTE, 0));
	EXPECT_EQ(1, stats(fd).pages);
	munmap(p, 2 * PS);
	close(fd);
}

TEST_F(dev, mremap_grow_efault)
{
	EXPECT_EQ(MAP_FAILED, mremap(self->p, SIZE, 2 * SIZE, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(MAP_FAILED, mremap(self->p, SIZE, 2 * SIZE, MREMAP_MAYMOVE));
	EXPECT_EQ(EFAULT, errno);
	/* Still mapped and usable. */
	self->p[SIZE - 1] = 5;
	EXPECT_EQ(5, self->p[SIZE - 1]);
}

TEST_F(dev, fork_shares_pages)
{
	self->p[0] = 1;
	/* The child writes into the shared pages; the parent sees it. */
	ASSERT_EQ(0, child_access(self->p + 2 * PS, WRITE_BYTE, 77));
	EXPECT_EQ(77, self->p[2 * PS]);
	EXPECT_EQ(0, child_access(self->p, READ_BYTE, 1));
}

TEST_F(dev, dontcopy_child_sigsegv)
{
	uint64_t flags = 0;

	self->p[0] = 3;
	ASSERT_EQ(0, range_ioctl(self->fd, RUST_MMAP_DONTCOPY, self->p, 0, &flags));
	EXPECT_EQ(RUST_MMAP_F_READ | RUST_MMAP_F_WRITE | RUST_MMAP_F_MAYWRITE |
		  RUST_MMAP_F_DONTCOPY | RUST_MMAP_F_SHARED, flags);
	EXPECT_EQ(SIGSEGV, child_access(self->p, READ_BYTE, 3));
	/* The parent keeps its mapping. */
	EXPECT_EQ(3, self->p[0]);
}

TEST_F(dev, stats_mappings_fork)
{
	int status;
	pid_t pid;

	/* The child's copy of the VMA maps the same open file. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(stats(self->fd).mappings == 2 ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(1, stats(self->fd).mappings);

	ASSERT_EQ(0, range_ioctl(self->fd, RUST_MMAP_DONTCOPY, self->p, 0, NULL));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(stats(self->fd).mappings == 1 ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* ioctl(2) errors */

TEST_F(dev, unknown_ioctl_enotty)
{
	uint64_t x = 0;

	EXPECT_EQ(-1, ioctl(self->fd, _IO(RUST_MMAP_IOC, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOW(RUST_MMAP_IOC, 7, __u64), &x));
	EXPECT_EQ(ENOTTY, errno);
	/* Right number, wrong size or direction. */
	EXPECT_EQ(-1, ioctl(self->fd, _IOW(RUST_MMAP_IOC, 0, __u32), &x));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IO(RUST_MMAP_IOC, 1)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR('x', 2, struct rust_mmap_range), &x));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(dev, bad_pointer_efault)
{
	static const unsigned long cmds[] = {
		RUST_MMAP_STATS, RUST_MMAP_RESIDENT, RUST_MMAP_SEAL,
		RUST_MMAP_DONTCOPY, RUST_MMAP_QUERY, RUST_MMAP_ZAP,
	};
	void *none = map(-1, PS, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, 0);

	ASSERT_NE(NULL, none);
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], NULL));
		EXPECT_EQ(EFAULT, errno) TH_LOG("ioctl %#lx", cmds[i]);
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], none));
		EXPECT_EQ(EFAULT, errno) TH_LOG("ioctl %#lx", cmds[i]);
	}
	munmap(none, PS);
	/* Nothing was sealed or marked on the way. */
	struct rust_mmap_query q;

	ASSERT_EQ(0, query(self->fd, self->p, &q));
	EXPECT_EQ(RUST_MMAP_F_READ | RUST_MMAP_F_WRITE | RUST_MMAP_F_MAYWRITE |
		  RUST_MMAP_F_SHARED, q.flags);
}

TEST_F(dev, range_errors)
{
	static const unsigned long cmds[] = {
		RUST_MMAP_RESIDENT, RUST_MMAP_ZAP, RUST_MMAP_DONTCOPY, RUST_MMAP_SEAL,
	};
	char *anon = map(-1, PS, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, 0);
	int other = open_sized(O_RDWR, SIZE);
	char *theirs;
	void *hole;

	ASSERT_NE(NULL, anon);
	ASSERT_LE(0, other);
	theirs = map(other, PS, PROT_READ, MAP_SHARED, 0);
	ASSERT_NE(NULL, theirs);
	hole = unmapped_address();	/* after the last mmap() */

	/* Every error is checked before anything changes, so SEAL goes last. */
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		unsigned long c = cmds[i];

		/* unaligned address or length */
		EXPECT_EQ(-EINVAL, range_ioctl(self->fd, c, self->p + 1, PS, NULL));
		EXPECT_EQ(-EINVAL, range_ioctl(self->fd, c, self->p, 1, NULL));
		EXPECT_EQ(-EINVAL, range_ioctl(self->fd, c, self->p, PS + 8, NULL));
		/* range not inside the mapping, or wrapping around */
		EXPECT_EQ(-EINVAL, range_ioctl(self->fd, c, self->p, SIZE + PS, NULL));
		EXPECT_EQ(-EINVAL, range_ioctl(self->fd, c, self->p + PS, SIZE, NULL));
		EXPECT_EQ(-EINVAL, range_ioctl(self->fd, c, self->p,
					       -(uint64_t)(uintptr_t)self->p, NULL));
		/* no VMA at addr */
		EXPECT_EQ(-ENOENT, range_ioctl(self->fd, c, hole, 0, NULL));
		EXPECT_EQ(-ENOENT, range_ioctl(self->fd, c, NULL, PS, NULL));
		/* not a mapping of this open file */
		EXPECT_EQ(-EINVAL, range_ioctl(self->fd, c, anon, 0, NULL));
		EXPECT_EQ(-EINVAL, range_ioctl(self->fd, c, theirs, 0, NULL));
		EXPECT_EQ(-EINVAL, range_ioctl(other, c, self->p, 0, NULL));
	}
	/* After all that, the mappings are unchanged. */
	struct rust_mmap_query q;

	ASSERT_EQ(0, query(self->fd, self->p, &q));
	EXPECT_EQ(RUST_MMAP_F_READ | RUST_MMAP_F_WRITE | RUST_MMAP_F_MAYWRITE |
		  RUST_MMAP_F_SHARED, q.flags);
	munmap(anon, PS);
	munmap(theirs, PS);
	close(other);
}

/* RUST_MMAP_RESIDENT */

TEST_F(dev, resident_counts)
{
	EXPECT_EQ(0, resident(self->fd, self->p, 0));
	EXPECT_EQ(0, resident(self->fd, self->p, SIZE));
	for (int i = 0; i < 5; i++)
		self->p[i * 3 * PS] = 1;	/* pages 0, 3, 6, 9, 12 */
	EXPECT_EQ(5, resident(self->fd, self->p, 0));
	EXPECT_EQ(5, resident(self->fd, self->p, SIZE));
	/* Ranges inside the mapping. */
	EXPECT_EQ(1, resident(self->fd, self->p, PS));
	EXPECT_EQ(0, resident(self->fd, self->p + PS, 2 * PS));
	EXPECT_EQ(2, resident(self->fd, self->p + 3 * PS, 4 * PS));
	/* len 0 runs to the end of the mapping. */
	EXPECT_EQ(2, resident(self->fd, self->p + 7 * PS, 0));
	EXPECT_EQ(0, resident(self->fd, self->p + 13 * PS, 0));
	/* A read fault also makes a page resident. */
	EXPECT_EQ(0, self->p[15 * PS]);
	EXPECT_EQ(6, resident(self->fd, self->p, 0));
}

TEST_F(dev, resident_prot_none)
{
	/*
	 * A PROT_NONE page stays present in the page tables (x86: _PAGE_PROTNONE
	 * instead of _PAGE_PRESENT); pte_present() is not 0/1, so each one must
	 * count as 1, not as the raw bit value.
	 */
	self->p[0] = 1;
	self->p[5 * PS] = 2;
	ASSERT_EQ(0, mprotect(self->p, SIZE, PROT_NONE));
	EXPECT_EQ(2, resident(self->fd, self->p, 0));
	EXPECT_EQ(1, resident(self->fd, self->p, PS));
	ASSERT_EQ(0, mprotect(self->p, SIZE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(1, self->p[0]);
	EXPECT_EQ(2, self->p[5 * PS]);
}

/*
 * Every range ioctl on @addr must refuse a mapping that is not this file's:
 * user space may have replaced ours with another mapping at the same address
 * since the previous ioctl (MAP_FIXED), and the driver must then not zap,
 * count, seal or mark it.
 */
static void expect_refused(struct __test_metadata *_metadata, int fd, void *addr)
{
	struct rust_mmap_query q;

	EXPECT_EQ(-EINVAL, resident(fd, addr, 0));
	EXPECT_EQ(-EINVAL, range_ioctl(fd, RUST_MMAP_ZAP, addr, 0, NULL));
	EXPECT_EQ(-EINVAL, range_ioctl(fd, RUST_MMAP_SEAL, addr, 0, NULL));
	EXPECT_EQ(-EINVAL, range_ioctl(fd, RUST_MMAP_DONTCOPY, addr, 0, NULL));
	EXPECT_EQ(-EINVAL, query(fd, addr, &q));
}

TEST_F(dev, replaced_by_anonymous_mapping)
{
	struct rust_mmap_query q;
	char *anon;

	fill(self->p, NPAGES, 1);
	ASSERT_EQ(0, query(self->fd, self->p, &q));
	/* Between two ioctls, an anonymous mapping takes our place. */
	anon = mmap(self->p, SIZE, PROT_READ | PROT_WRITE,
		    MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_EQ(self->p, anon);
	fill(anon, NPAGES, 40);
	expect_refused(_metadata, self->fd, anon);
	/* Untouched: data, residency (no zap) and writability (no seal). */
	EXPECT_TRUE(check(anon, NPAGES, 40));
	anon[0] = 40;
	EXPECT_EQ(0, child_access(anon, READ_BYTE, 40));
	EXPECT_EQ(0, stats(self->fd).mappings);
}

TEST_F(dev, replaced_by_other_device_mapping)
{
	int other = open_sized(O_RDWR, SIZE);
	char *q;

	ASSERT_LE(0, other);
	fill(self->p, NPAGES, 1);
	/* Between two ioctls, another open file of the same device takes our place. */
	q = mmap(self->p, SIZE, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_SHARED, other, 0);
	ASSERT_EQ(self->p, q);
	fill(q, NPAGES, 60);
	expect_refused(_metadata, self->fd, q);
	/* The other file's mapping kept its pages and is still writable and copied on fork. */
	EXPECT_EQ(NPAGES, resident(other, q, 0));
	EXPECT_TRUE(check(q, NPAGES, 60));
	q[PS] = 7;
	EXPECT_EQ(0, child_access(q + PS, READ_BYTE, 7));
	EXPECT_EQ(0, stats(self->fd).mappings);
	EXPECT_EQ(1, stats(other).mappings);
	munmap(q, SIZE);
	self->p = NULL;
	close(other);
}

TEST_F(dev, resident_after_split)
{
	/* Unmapping the middle splits the VMA: both halves still work. */
	fill(self->p, NPAGES, 10);
	ASSERT_EQ(0, munmap(self->p + 4 * PS, 4 * PS));
	EXPECT_EQ(4, resident(self->fd, self->p, 0));
	EXPECT_EQ(8, resident(self->fd, self->p + 8 * PS, 0));
	EXPECT_EQ(-ENOENT, resident(self->fd, self->p + 4 * PS, 0));
	EXPECT_EQ(-EINVAL, resident(self->fd, self->p, 8 * PS));
	EXPECT_EQ(2, stats(self->fd).mappings);
	EXPECT_TRUE(check(self->p, 4, 10));
	EXPECT_TRUE(check(self->p + 8 * PS, 8, 18));
	ASSERT_EQ(0, munmap(self->p, 4 * PS));
	ASSERT_EQ(0, munmap(self->p + 8 * PS, 8 * PS));
	EXPECT_EQ(0, stats(self->fd).mappings);
	self->p = NULL;
}

/* RUST_MMAP_ZAP */

TEST_F(dev, zap_then_refault)
{
	uint64_t n = 0;
	struct rust_mmap_stats s0, s1;

	fill(self->p, NPAGES, 20);
	s0 = stats(self->fd);
	EXPECT_EQ(NPAGES, s0.faults);
	EXPECT_EQ(NPAGES, s0.pages);
	EXPECT_EQ(NPAGES, resident(self->fd, self->p, 0));

	/* Zap 4 pages in the middle. */
	ASSERT_EQ(0, range_ioctl(self->fd, RUST_MMAP_ZAP, self->p + 2 * PS, 4 * PS, &n));
	EXPECT_EQ(4, n);
	EXPECT_EQ(NPAGES - 4, resident(self->fd, self->p, 0));
	EXPECT_EQ(0, resident(self->fd, self->p + 2 * PS, 4 * PS));

	/* Zap everything: result counts what was still resident. */
	ASSERT_EQ(0, range_ioctl(self->fd, RUST_MMAP_ZAP, self->p, 0, &n));
	EXPECT_EQ(NPAGES - 4, n);
	EXPECT_EQ(0, resident(self->fd, self->p, 0));
	ASSERT_EQ(0, range_ioctl(self->fd, RUST_MMAP_ZAP, self->p, 0, &n));
	EXPECT_EQ(0, n);

	/* The data survives: the same pages fault back in. */
	EXPECT_TRUE(check(self->p, NPAGES, 20));
	EXPECT_EQ(NPAGES, resident(self->fd, self->p, 0));
	s1 = stats(self->fd);
	EXPECT_EQ(2 * NPAGES, s1.faults);
	EXPECT_EQ(NPAGES, s1.pages);
}

/* RUST_MMAP_STATS */

TEST(stats_initial)
{
	int fd = open_sized(O_RDWR, 0);
	struct rust_mmap_stats s;

	ASSERT_LE(0, fd);
	s = stats(fd);
	EXPECT_EQ(0, s.size);
	EXPECT_EQ(0, s.faults);
	EXPECT_EQ(0, s.pages);
	EXPECT_EQ(0, s.mappings);
	ASSERT_EQ(0, set_size(fd, 5 * PS));
	s = stats(fd);
	EXPECT_EQ(5 * PS, s.size);
	EXPECT_EQ(0, s.faults);
	EXPECT_EQ(0, s.pages);	/* pages are allocated lazily */
	close(fd);
}

TEST_F(dev, fault_counter)
{
	struct rust_mmap_stats s;

	EXPECT_EQ(0, stats(self->fd).faults);
	self->p[0] = 1;
	EXPECT_EQ(1, stats(self->fd).faults);
	/* A second access to a resident page does not fault. */
	self->p[1] = 1;
	EXPECT_EQ(0, self->p[PS]);
	EXPECT_EQ(0, self->p[2 * PS]);
	s = stats(self->fd);
	EXPECT_EQ(3, s.faults);
	EXPECT_EQ(3, s.pages);
	/* A second mapping of the same buffer faults, but allocates nothing. */
	char *q = map(self->fd, SIZE, PROT_READ, MAP_SHARED, 0);

	ASSERT_NE(NULL, q);
	EXPECT_EQ(1, q[0]);
	s = stats(self->fd);
	EXPECT_EQ(4, s.faults);
	EXPECT_EQ(3, s.pages);
	munmap(q, SIZE);
}

TEST(stats_mappings)
{
	int fd = open_sized(O_RDWR, SIZE), other = open_sized(O_RDWR, SIZE);
	char *a, *b, *c;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, other);
	EXPECT_EQ(0, stats(fd).mappings);
	a = map(fd, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(1, stats(fd).mappings);
	b = map(fd, PS, PROT_READ, MAP_SHARED, PS);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(2, stats(fd).mappings);
	/* Mappings of another open file of the same device do not count. */
	c = map(other, SIZE, PROT_READ, MAP_SHARED, 0);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(2, stats(fd).mappings);
	EXPECT_EQ(1, stats(other).mappings);
	munmap(a, SIZE);
	EXPECT_EQ(1, stats(fd).mappings);
	munmap(b, PS);
	EXPECT_EQ(0, stats(fd).mappings);
	munmap(c, SIZE);
	EXPECT_EQ(0, stats(other).mappings);
	close(fd);
	close(other);
}

/* RUST_MMAP_SEAL */

TEST_F(dev, seal_write_sigsegv)
{
	uint64_t flags = 0;

	fill(self->p, NPAGES, 30);
	ASSERT_EQ(0, range_ioctl(self->fd, RUST_MMAP_SEAL, self->p + PS, PS, &flags));
	EXPECT_EQ(RUST_MMAP_F_READ | RUST_MMAP_F_SHARED, flags);
	/* The whole mapping was sealed and its PTEs zapped. */
	EXPECT_EQ(0, resident(self->fd, self->p, 0));
	EXPECT_EQ(SIGSEGV, child_access(self->p, WRITE_BYTE, 1));
	EXPECT_EQ(SIGSEGV, child_access(self->p + SIZE - 1, WRITE_BYTE, 1));
	/* Reads still work and see the data. */
	EXPECT_TRUE(check(self->p, NPAGES, 30));
	EXPECT_EQ(NPAGES, resident(self->fd, self->p, 0));
	EXPECT_EQ(SIGSEGV, child_access(self->p + 3 * PS, WRITE_BYTE, 1));
	/* Sealing again is harmless. */
	ASSERT_EQ(0, range_ioctl(self->fd, RUST_MMAP_SEAL, self->p, 0, &flags));
	EXPECT_EQ(RUST_MMAP_F_READ | RUST_MMAP_F_SHARED, flags);
}

/* The result is written back last: a failed write-back leaves the seal applied. */
TEST_F(dev, seal_writeback_efault_still_sealed)
{
	struct rust_mmap_query q;
	struct rust_mmap_range *r = mmap(NULL, PS, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, r);
	r->addr = (uintptr_t)self->p;
	r->len = 0;
	r->result = ~0ULL;
	ASSERT_EQ(0, mprotect(r, PS, PROT_READ));
	EXPECT_EQ(-1, ioctl(self->fd, RUST_MMAP_SEAL, r));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(~0ULL, r->result);
	ASSERT_EQ(0, query(self->fd, self->p, &q));
	EXPECT_EQ(RUST_MMAP_F_READ | RUST_MMAP_F_SHARED, q.flags);
	EXPECT_EQ(SIGSEGV, child_access(self->p, WRITE_BYTE, 1));
	munmap(r, PS);
}

TEST_F(dev, seal_mprotect_write_eacces)
{
	struct rust_mmap_query q;
	char *other = map(self->fd, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);

	ASSERT_NE(NULL, other);
	ASSERT_EQ(0, range_ioctl(self->fd, RUST_MMAP_SEAL, self->p, 0, NULL));
	EXPECT_EQ(-1, mprotect(self->p, SIZE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, mprotect(self->p, PS, PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	ASSERT_EQ(0, query(self->fd, self->p, &q));
	EXPECT_EQ(RUST_MMAP_F_READ | RUST_MMAP_F_SHARED, q.flags);
	/* Only that mapping is sealed: the other one still writes. */
	other[0] = 9;
	EXPECT_EQ(9, self->p[0]);
	ASSERT_EQ(0, query(self->fd, other, &q));
	EXPECT_EQ(RUST_MMAP_F_READ | RUST_MMAP_F_WRITE | RUST_MMAP_F_MAYWRITE |
		  RUST_MMAP_F_SHARED, q.flags);
	munmap(other, SIZE);
}

/* RUST_MMAP_QUERY */

TEST_F(dev, query_own_mapping)
{
	struct rust_mmap_query q;
	char *r = map(self->fd, 3 * PS, PROT_READ, MAP_SHARED, 2 * PS);

	ASSERT_EQ(0, query(self->fd, self->p + 5 * PS + 123, &q));
	EXPECT_EQ((uintptr_t)self->p + 5 * PS + 123, q.addr);
	EXPECT_EQ((uintptr_t)self->p, q.start);
	EXPECT_EQ((uintptr_t)self->p + SIZE, q.end);
	EXPECT_EQ(0, q.pgoff);
	EXPECT_EQ(RUST_MMAP_F_READ | RUST_MMAP_F_WRITE | RUST_MMAP_F_MAYWRITE |
		  RUST_MMAP_F_SHARED, q.flags);

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, query(self->fd, r + 3 * PS - 1, &q));
	EXPECT_EQ((uintptr_t)r, q.start);
	EXPECT_EQ((uintptr_t)r + 3 * PS, q.end);
	EXPECT_EQ(2, q.pgoff);
	EXPECT_EQ(RUST_MMAP_F_READ | RUST_MMAP_F_MAYWRITE | RUST_MMAP_F_SHARED, q.flags);
	munmap(r, 3 * PS);
}

TEST(query_rdonly_mapping)
{
	int fd = open_sized(O_RDONLY, SIZE);
	struct rust_mmap_query q;
	char *p;

	ASSERT_LE(0, fd);
	p = map(fd, SIZE, PROT_READ, MAP_SHARED, 0);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, query(fd, p, &q));
	/* MAP_SHARED of an O_RDONLY file: shared, but never writable. */
	EXPECT_EQ(RUST_MMAP_F_READ | RUST_MMAP_F_SHARED, q.flags);
	munmap(p, SIZE);
	close(fd);
}

TEST_F(dev, query_anonymous_einval)
{
	struct rust_mmap_query q;
	char *anon = map(-1, PS, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, 0);

	ASSERT_NE(NULL, anon);
	EXPECT_EQ(-EINVAL, query(self->fd, anon, &q));
	munmap(anon, PS);
	anon = map(-1, PS, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, 0);
	ASSERT_NE(NULL, anon);
	EXPECT_EQ(-EINVAL, query(self->fd, anon, &q));
	munmap(anon, PS);
	/* The stack and the program text are not ours either. */
	EXPECT_EQ(-EINVAL, query(self->fd, &q, &q));
	EXPECT_EQ(-EINVAL, query(self->fd, (void *)(uintptr_t)&stats, &q));
}

TEST_F(dev, query_unmapped_enoent)
{
	struct rust_mmap_query q;

	EXPECT_EQ(-ENOENT, query(self->fd, unmapped_address(), &q));
	EXPECT_EQ(-ENOENT, query(self->fd, NULL, &q));
	EXPECT_EQ(-ENOENT, query(self->fd, (void *)~0UL, &q));
	munmap(self->p, SIZE);
	EXPECT_EQ(-ENOENT, query(self->fd, self->p, &q));
	self->p = NULL;
}

TEST_F(dev, query_other_open_einval)
{
	struct rust_mmap_query q;
	int other = open(dev_path, O_RDWR);

	ASSERT_LE(0, other);
	/* Same device, same inode, but another open file. */
	EXPECT_EQ(-EINVAL, query(other, self->p, &q));
	close(other);
}

/* Lifetime */

TEST(close_while_mapped)
{
	int fd = open_sized(O_RDWR, SIZE);
	char *p, *q;

	ASSERT_LE(0, fd);
	p = map(fd, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	q = map(fd, SIZE, PROT_READ, MAP_SHARED, 0);
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, q);
	fill(p, NPAGES / 2, 40);	/* half the pages before the close */
	ASSERT_EQ(0, close(fd));
	/* The buffer lives on with its mappings; untouched pages fault in. */
	EXPECT_TRUE(check(q, NPAGES / 2, 40));
	fill(p + SIZE / 2, NPAGES / 2, 40 + NPAGES / 2);
	EXPECT_TRUE(check(q, NPAGES, 40));
	munmap(p, SIZE);
	EXPECT_TRUE(check(q, NPAGES, 40));
	munmap(q, SIZE);
	/* A new open gets a new, zeroed buffer. */
	fd = open_sized(O_RDWR, SIZE);
	ASSERT_LE(0, fd);
	p = map(fd, SIZE, PROT_READ, MAP_SHARED, 0);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, p[0]);
	munmap(p, SIZE);
	close(fd);
}

/* Concurrency */

struct fault_thread {
	pthread_barrier_t *barrier;
	char *base;
	int index;
};

static void *fault_thread(void *arg)
{
	struct fault_thread *t = arg;

	pthread_barrier_wait(t->barrier);
	for (int i = 0; i < PER_THREAD; i++) {
		/* Pages interleaved across threads: t, t + 8, t + 16, ... */
		char *page = t->base + (size_t)(i * NTHREADS + t->index) * PS;

		memset(page, t->index + 1, PS);
	}
	return NULL;
}

TEST(threads_fault_concurrently)
{
	const size_t pages = NTHREADS * PER_THREAD;
	int fd = open_sized(O_RDWR, pages * PS);
	struct fault_thread t[NTHREADS];
	pthread_t tid[NTHREADS];
	pthread_barrier_t barrier;
	struct rust_mmap_stats s;
	char *p;

	ASSERT_LE(0, fd);
	p = map(fd, pages * PS, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, pthread_barrier_init(&barrier, NULL, NTHREADS));
	for (int i = 0; i < NTHREADS; i++) {
		t[i] = (struct fault_thread){ &barrier, p, i };
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, fault_thread, &t[i]));
	}
	for (int i = 0; i < NTHREADS; i++) {
		/* Braces: ASSERT_EQ() expands to more than one statement. */
		ASSERT_EQ(0, pthread_join(tid[i], NULL));
	}
	pthread_barrier_destroy(&barrier);

	EXPECT_EQ(pages, resident(fd, p, 0));
	s = stats(fd);
	EXPECT_EQ(pages, s.faults);
	EXPECT_EQ(pages, s.pages);
	for (size_t i = 0; i < pages; i++) {
		/* Braces: EXPECT_EQ() expands to more than one statement. */
		EXPECT_EQ(i % NTHREADS + 1, p[i * PS + PS - 1]);
	}
	munmap(p, pages * PS);
	close(fd);
}

static void *same_page_thread(void *arg)
{
	struct fault_thread *t = arg;

	pthread_barrier_wait(t->barrier);
	/* Everyone reads every page: each page is inserted exactly once. */
	for (int i = 0; i < NTHREADS * PER_THREAD; i++)
		(void)__atomic_load_n(t->base + (size_t)i * PS, __ATOMIC_RELAXED);
	return NULL;
}

TEST(threads_fault_same_pages)
{
	const size_t pages = NTHREADS * PER_THREAD;
	int fd = open_sized(O_RDWR, pages * PS);
	struct fault_thread t[NTHREADS];
	pthread_t tid[NTHREADS];
	pthread_barrier_t barrier;
	struct rust_mmap_stats s;
	char *p;

	ASSERT_LE(0, fd);
	p = map(fd, pages * PS, PROT_READ, MAP_SHARED, 0);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, pthread_barrier_init(&barrier, NULL, NTHREADS));
	for (int i = 0; i < NTHREADS; i++) {
		t[i] = (struct fault_thread){ &barrier, p, i };
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, same_page_thread, &t[i]));
	}
	for (int i = 0; i < NTHREADS; i++) {
		/* Braces: ASSERT_EQ() expands to more than one statement. */
		ASSERT_EQ(0, pthread_join(tid[i], NULL));
	}
	pthread_barrier_destroy(&barrier);

	EXPECT_EQ(pages, resident(fd, p, 0));
	s = stats(fd);
	EXPECT_EQ(pages, s.faults);
	EXPECT_EQ(pages, s.pages);
	munmap(p, pages * PS);
	close(fd);
}

int main(int argc, char **argv)
{
	const char *env = getenv("RUST_MMAP_DEV");

	if (env && *env)
		dev_path = env;
	/* An optional first argument that is not an option names the device. */
	if (argc > 1 && argv[1][0] != '-') {
		dev_path = argv[1];
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "-h"))
			return test_harness_run(argc, argv);
	if (access(dev_path, R_OK | W_OK)) {
		ksft_print_header();
		ksft_exit_skip("%s: %s\n", dev_path, strerror(errno));
	}
	ksft_print_msg("device: %s\n", dev_path);
	return test_harness_run(argc, argv);
}
