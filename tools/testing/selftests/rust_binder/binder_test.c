// SPDX-License-Identifier: GPL-2.0
/*
 * Rust Binder (drivers/android/binder/) driven from userspace: its binderfs,
 * transactions whose buffers span several pages, the buffer page shrinker,
 * and receivers that replace their binder mapping.
 *
 *	binder_test [kselftest harness options]
 *
 * Needs root, CONFIG_ANDROID_BINDER_IPC_RUST=y and, for the shrinker cases,
 * /proc/sys/vm/drop_caches. Binderfs is mounted at /dev/binderfs (created if
 * missing) and every case after the first gets a binder device of its own
 * from binder-control, hence a context manager of its own.
 *
 * A case is two or more processes: the test process is a client, a forked
 * child is the server (the context manager, handle 0). Each opens the device
 * itself and maps it read-only, as libbinder does.
 *
 * The Binder code the cases drive, in 7.3:
 *  - process.rs Process::mmap: read-only mappings (VM_MAYWRITE cleared),
 *    VM_DONTCOPY, one mapping per open file, only by the opening process;
 *  - page_range.rs ShrinkablePageRange::use_range/use_page_slow: a
 *    transaction allocates its buffer in the receiver's range, allocates
 *    the missing pages and vm_insert_page()s them into the receiver's
 *    mapping, after check_vma() has found that the VMA at the registered
 *    address still has Binder's vm_ops and this range as vm_private_data;
 *    pages still cached from earlier buffers are reused without touching
 *    the VMA;
 *  - page_range.rs stop_using_range and the shrinker (rust_shrink_scan,
 *    rust_shrink_free_page): freed buffer pages go on the shrinker's LRU,
 *    and drop_caches frees them, zapping them from the mapping with
 *    zap_vma_range() only if check_vma() accepts the VMA found there.
 *
 * binder_storm runs all of it at once for BINDER_STORM_SECONDS (default 8):
 * calls from several threads and processes, the shrinker, and callers and
 * servers that die in the middle of a transaction (see the case).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/android/binder.h>
#include <linux/android/binderfs.h>

#include "../kselftest_harness.h"

#define PS		4096UL			/* page size (x86) */
#define MAP_SZ		(1024UL * 1024)		/* binder mapping, as libbinder's 1 MiB */
#define MAP_PAGES	(MAP_SZ / PS)
#define MAX_PAYLOAD	(6 * PS)
#define MAX_HELD	8
#define BINDERFS	"/dev/binderfs"
#define DROP_CACHES	"/proc/sys/vm/drop_caches"
/* drivers/android/binder/rust_binder_internal.h; the C binderfs uses ...70. */
#define RUST_BINDERFS_SUPER_MAGIC 0x6c6f6f71
/* What a hostile receiver writes into the anonymous mapping it puts in place. */
#define FILL		0x5a

/* Transaction codes the server understands. */
enum {
	CODE_CHECK = 1,		/* verify payload and pages, reply with a payload */
	CODE_RESIDENT,		/* reply: resident pages of the mapping, this buffer excluded */
	CODE_FREE_HELD,		/* free the buffers CODE_CHECK kept (HOLD) */
	CODE_REMAP_ANON,	/* put an anonymous mapping filled with FILL over the binder one */
	CODE_PEEK,		/* reply: how many bytes of this buffer read as FILL */
	CODE_STOP,		/* reply, leave the binder loop, run the final checks */
	CODE_QUIT,		/* reply, exit */
	CODE_HOLD_TILL_DEAD,	/* binder_storm: reply once the caller is dead */
	CODE_ECHO,		/* --bench: reply with reply_len bytes, no checks */
};

#define HOLD		1	/* CODE_CHECK flag: keep the buffer until CODE_FREE_HELD */

/* Statuses the server returns in its replies. */
enum {
	ST_OK,
	ST_RANGE,		/* buffer outside the binder mapping */
	ST_RESIDENT,		/* buffer pages not mapped when the transaction arrived */
	ST_DATA,		/* payload differs from what the client sent */
	ST_SIZE,		/* bad size or header */
	ST_MMAP,		/* could not replace the mapping */
};

/* Start of every CODE_CHECK payload and of every reply. */
struct msg_hdr {
	uint32_t status;	/* replies: ST_* */
	uint32_t seed;		/* the bytes after the header are pattern(seed, offset) */
	uint32_t reply_len;	/* CODE_CHECK: size of the reply to send */
	uint32_t flags;		/* CODE_CHECK: HOLD */
	uint32_t arg;		/* replies: per-code result */
	uint32_t arg2;
	uint32_t pad[2];
};

#define REPLY_SEED(seed)	((seed) ^ 0x5eed5eedu)

/* The byte at @off of a payload: depends on the page and the offset in it. */
static uint8_t pattern(uint32_t seed, size_t off)
{
	uint32_t x = seed ^ (uint32_t)(off / PS) * 0x9e3779b9u;

	x ^= (uint32_t)(off % PS) * 0x85ebca6bu;
	return (uint8_t)(x ^ x >> 11 ^ x >> 23);
}

static void fill_payload(uint8_t *buf, size_t size, uint32_t seed)
{
	for (size_t i = sizeof(struct msg_hdr); i < size; i++)
		buf[i] = pattern(seed, i);
}

/* Number of bytes after the header that differ from the pattern. */
static size_t payload_mismatch(const uint8_t *buf, size_t size, uint32_t seed,
			       size_t *first)
{
	size_t bad = 0;

	for (size_t i = sizeof(struct msg_hdr); i < size; i++) {
		if (buf[i] != pattern(seed, i) && !bad++)
			*first = i;
	}
	return bad;
}

/* Resident pages in [addr, addr + len) per mincore(), or -errno. */
static long resident(const void *addr, size_t len)
{
	unsigned char vec[MAP_PAGES];
	size_t pages = (len + PS - 1) / PS;
	long n = 0;

	if (pages > MAP_PAGES)
		return -EINVAL;
	if (mincore((void *)addr, len, vec))
		return -errno;
	for (size_t i = 0; i < pages; i++)
		n += vec[i] & 1;
	return n;
}

/* Pages of [buf, buf + size), page-aligned outwards. */
static void page_span(uintptr_t buf, size_t size, uintptr_t *start, size_t *len)
{
	*start = buf & ~(PS - 1);
	*len = ((buf + (size ? size : 1) + PS - 1) & ~(PS - 1)) - *start;
}

/* Writes @val ("2": run the shrinkers, "4": stop logging drop_caches). */
static int write_drop_caches(const char *val)
{
	int fd = open(DROP_CACHES, O_WRONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		ret = -errno;
	close(fd);
	return ret;
}

static int drop_caches(void)
{
	return write_drop_caches("2");
}

/* binderfs at BINDERFS, served by Rust Binder's binderfs; 0 or -errno. */
static int binderfs_ensure(void)
{
	struct statfs st;

	if (mkdir(BINDERFS, 0755) && errno != EEXIST)
		return -errno;
	if (statfs(BINDERFS, &st))
		return -errno;
	if (st.f_type == RUST_BINDERFS_SUPER_MAGIC)
		return 0;
	if (mount("binder", BINDERFS, "binder", 0, NULL))
		return -errno;
	if (statfs(BINDERFS, &st))
		return -errno;
	return st.f_type == RUST_BINDERFS_SUPER_MAGIC ? 0 : -ENODEV;
}

/* BINDER_CTL_ADD on binderfs' binder-control; 0 or -errno. */
static int device_add(const char *name, char *path, size_t len)
{
	struct binderfs_device dev = {};
	int fd, ret = 0;

	snprintf(dev.name, sizeof(dev.name), "%s", name);
	fd = open(BINDERFS "/binder-control", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, BINDER_CTL_ADD, &dev))
		ret = -errno;
	close(fd);
	if (!ret && path)
		snprintf(path, len, BINDERFS "/%s", name);
	return ret;
}

/*
 * One BINDER_WRITE_READ exchange loop: writes @wbuf, then reads until a
 * command that ends the wait arrives. @want is BR_TRANSACTION for a thread
 * waiting for work, BR_REPLY for a caller, BR_TRANSACTION_COMPLETE for a
 * thread that only waits for its reply to be sent. Returns 0 with the command
 * that ended the wait in *@br (@want, or an error return such as
 * BR_FAILED_REPLY) and the transaction in *@tr, or -errno.
 */
static int binder_wait(int fd, const void *wbuf, size_t wlen, uint32_t want,
		       uint32_t *br, struct binder_transaction_data *tr)
{
	uint8_t rbuf[256];
	bool written = !wlen;

	for (;;) {
		struct binder_write_read bwr = {
			.write_size = written ? 0 : wlen,
			.write_buffer = (uintptr_t)wbuf,
			.read_size = sizeof(rbuf),
			.read_buffer = (uintptr_t)rbuf,
		};
		uint8_t ack[2 * (4 + sizeof(struct binder_ptr_cookie))];
		size_t nack = 0;
		uint8_t *p, *end;

		if (ioctl(fd, BINDER_WRITE_READ, &bwr)) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (bwr.write_consumed != bwr.write_size) {
			fprintf(stderr, "# binder consumed %llu of %llu written bytes\n",
				bwr.write_consumed, bwr.write_size);
			return -EPROTO;
		}
		written = true;
		p = rbuf;
		end = rbuf + bwr.read_consumed;
		while (p + 4 <= end) {
			uint32_t cmd;
			size_t size;

			memcpy(&cmd, p, 4);
			p += 4;
			size = _IOC_SIZE(cmd);
			if (p + size > end)
				return -EPROTO;
			switch (cmd) {
			case BR_TRANSACTION_COMPLETE:
				if (want == BR_TRANSACTION_COMPLETE) {
					*br = cmd;
					return 0;
				}
				break;
			case BR_NOOP:
			case BR_SPAWN_LOOPER:
			case BR_RELEASE:
			case BR_DECREFS:
				break;
			case BR_INCREFS:
			case BR_ACQUIRE:
				/* Not expected without objects; acknowledge anyway. */
				if (nack < 2) {
					uint32_t done = cmd == BR_INCREFS ?
						BC_INCREFS_DONE : BC_ACQUIRE_DONE;
					uint8_t *a = ack + nack++ *
						(4 + sizeof(struct binder_ptr_cookie));

					memcpy(a, &done, 4);
					memcpy(a + 4, p, sizeof(struct binder_ptr_cookie));
				}
				break;
			case BR_TRANSACTION:
			case BR_REPLY:
				if (cmd != want) {
					fprintf(stderr, "# unexpected %s\n", cmd == BR_REPLY ?
						"BR_REPLY" : "BR_TRANSACTION");
					return -EPROTO;
				}
				if (tr)
					memcpy(tr, p, sizeof(*tr));
				*br = cmd;
				return 0;
			case BR_FAILED_REPLY:
			case BR_DEAD_REPLY:
			case BR_FROZEN_REPLY:
				*br = cmd;
				return 0;
			default:
				fprintf(stderr, "# unexpected return command %#x\n", cmd);
				return -EPROTO;
			}
			p += size;
		}
		if (nack) {
			struct binder_write_read ab = {
				.write_size = nack * (4 + sizeof(struct binder_ptr_cookie)),
				.write_buffer = (uintptr_t)ack,
			};

			if (ioctl(fd, BINDER_WRITE_READ, &ab))
				return -errno;
		}
	}
}

/* Write-only BINDER_WRITE_READ; 0 or -errno. */
static int binder_write(int fd, const void *buf, size_t len)
{
	struct binder_write_read bwr = {
		.write_size = len,
		.write_buffer = (uintptr_t)buf,
	};

	while (ioctl(fd, BINDER_WRITE_READ, &bwr)) {
		if (errno != EINTR)
			return -errno;
	}
	return bwr.write_consumed == len ? 0 : -EPROTO;
}

static int free_buffer(int fd, uint64_t buf)
{
	uint8_t cmd[4 + sizeof(binder_uintptr_t)];
	uint32_t bc = BC_FREE_BUFFER;
	binder_uintptr_t ptr = buf;

	memcpy(cmd, &bc, 4);
	memcpy(cmd + 4, &ptr, sizeof(ptr));
	return binder_write(fd, cmd, sizeof(cmd));
}

/* Opens @dev and maps it read-only; 0 or -errno. */
static int binder_open(const char *dev, int *fd, uint8_t **map)
{
	struct binder_version v = {};
	void *m;

	*fd = open(dev, O_RDWR | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	if (ioctl(*fd, BINDER_VERSION, &v))
		return -errno;
	if (v.protocol_version != BINDER_CURRENT_PROTOCOL_VERSION)
		return -EPROTO;
	m = mmap(NULL, MAP_SZ, PROT_READ, MAP_PRIVATE, *fd, 0);
	if (m == MAP_FAILED)
		return -errno;
	*map = m;
	return 0;
}

/* The outcome of a synchronous call to handle 0. */
struct call {
	uint32_t br;		/* BR_REPLY, or the error return that ended the call */
	struct msg_hdr hdr;	/* the reply's header (BR_REPLY) */
	uint64_t size;		/* reply data size (BR_REPLY) */
	uint32_t offset;	/* reply buffer offset in the caller's mapping */
};

/*
 * BC_TRANSACTION of @size bytes at @data to the context manager, then the
 * reply: must lie in the caller's mapping, on pages Binder has inserted
 * there, and (if @seed) carry REPLY_SEED(@seed)'s pattern. The reply buffer
 * is freed (BC_FREE_BUFFER). 0, -errno, or -EBADMSG for a bad reply buffer.
 */
static int binder_call(int fd, const uint8_t *map, uint32_t code,
		       const void *data, size_t size, uint32_t seed, struct call *c)
{
	struct binder_transaction_data tr = {};
	uint8_t wr[4 + sizeof(tr)];
	uint32_t bc = BC_TRANSACTION;
	uintptr_t buf, start;
	size_t len, first = 0;
	int ret;

	memset(c, 0, sizeof(*c));
	tr.target.handle = 0;
	tr.code = code;
	tr.data_size = size;
	tr.data.ptr.buffer = (uintptr_t)data;
	memcpy(wr, &bc, 4);
	memcpy(wr + 4, &tr, sizeof(tr));
	ret = binder_wait(fd, wr, sizeof(wr), BR_REPLY, &c->br, &tr);
	if (ret || c->br != BR_REPLY)
		return ret;

	buf = tr.data.ptr.buffer;
	c->size = tr.data_size;
	c->offset = buf - (uintptr_t)map;
	ret = 0;
	if (buf < (uintptr_t)map || buf + tr.data_size > (uintptr_t)map + MAP_SZ) {
		fprintf(stderr, "# reply buffer %#lx+%llu outside the mapping %p\n",
			(unsigned long)buf, tr.data_size, map);
		return -EBADMSG;	/* not ours to free or read */
	}
	page_span(buf, tr.data_size, &start, &len);
	if (resident((void *)start, len) != (long)(len / PS)) {
		/* Reading a page Binder did not insert would be SIGBUS. */
		fprintf(stderr, "# reply pages not all inserted: %ld of %zu\n",
			resident((void *)start, len), len / PS);
		ret = -EBADMSG;
	} else if (tr.data_size >= sizeof(c->hdr)) {
		memcpy(&c->hdr, (void *)buf, sizeof(c->hdr));
		if (seed && payload_mismatch((void *)buf, tr.data_size,
					     REPLY_SEED(seed), &first)) {
			fprintf(stderr, "# reply data differs from offset %zu\n", first);
			ret = -EBADMSG;
		}
	}
	if (free_buffer(fd, buf) && !ret)
		ret = -errno;
	return ret;
}

/*
 * Sends a CODE_CHECK of @size bytes from @buf: header, then the pattern of
 * @seed; the server checks it and replies with @reply bytes, checked by
 * binder_call().
 */
static int code_check(int fd, const uint8_t *map, uint8_t *buf, size_t size,
		      size_t reply, uint32_t seed, uint32_t flags, struct call *c)
{
	struct msg_hdr *h = (void *)buf;

	memset(h, 0, sizeof(*h));
	h->seed = seed;
	h->reply_len = reply;
	h->flags = flags;
	fill_payload(buf, size, seed);
	return binder_call(fd, map, CODE_CHECK, buf, size, seed, c);
}

/*
 * A CODE_CHECK round trip: @size bytes of payload to the server, which checks
 * them byte for byte and replies with @reply bytes checked here the same way.
 * 0 or nonzero (the reason is printed).
 */
static int check_call(int fd, const uint8_t *map, size_t size, size_t reply,
		      uint32_t seed, uint32_t flags, uint32_t *srv_offset)
{
	static uint8_t buf[MAX_PAYLOAD];
	struct call c;
	int ret;

	ret = code_check(fd, map, buf, size, reply, seed, flags, &c);
	if (ret || c.br != BR_REPLY) {
		fprintf(stderr, "# CODE_CHECK of %zu bytes: ret %d, return %#x\n",
			size, ret, c.br);
		return ret ? ret : -EPROTO;
	}
	if (c.hdr.status != ST_OK || c.size != reply) {
		fprintf(stderr, "# CODE_CHECK of %zu bytes: server status %u, reply %llu bytes\n",
			size, c.hdr.status, (unsigned long long)c.size);
		return -EBADMSG;
	}
	if (srv_offset)
		*srv_offset = c.hdr.arg;
	return 0;
}

/* A call with no payload beyond the header; the reply header in *@c. */
static int simple_call(int fd, const uint8_t *map, uint32_t code, size_t size,
		       struct call *c)
{
	static uint8_t buf[MAX_PAYLOAD];

	memset(buf, 0, sizeof(struct msg_hdr));
	fill_payload(buf, size, code);
	return binder_call(fd, map, code, buf, size, 0, c);
}

/* BINDER_GET_EXTENDED_ERROR of the calling thread; 0 or -errno. */
static int extended_error(int fd, struct binder_extended_error *ee)
{
	memset(ee, 0, sizeof(*ee));
	return ioctl(fd, BINDER_GET_EXTENDED_ERROR, ee) ? -errno : 0;
}

/* ---- the server (context manager), a child process ---- */

enum srv_mode {
	SRV_SERVE,		/* serve CODE_* until CODE_QUIT or CODE_STOP */
	SRV_UNMAP,		/* munmap the binder mapping, serve nothing */
	SRV_REMAP_ANON,		/* anonymous mapping over it, filled with FILL */
	SRV_REMAP_BINDER,	/* another binder file's mapping over it */
};

enum map_state { MAPPED_BINDER, MAPPED_NONE, MAPPED_ANON, MAPPED_OTHER_BINDER };

struct server {
	int fd, fd2;
	uint8_t *map;
	enum map_state state;
	uint64_t held[MAX_HELD];
	int nheld;
	uint8_t wbuf[(MAX_HELD + 2) * 72];	/* commands for the next exchange */
	size_t wlen;
	uint8_t reply[MAX_PAYLOAD];
};

static void queue_cmd(struct server *s, uint32_t cmd, const void *arg, size_t len)
{
	memcpy(s->wbuf + s->wlen, &cmd, 4);
	memcpy(s->wbuf + s->wlen + 4, arg, len);
	s->wlen += 4 + len;
}

static void queue_free(struct server *s, uint64_t buf)
{
	binder_uintptr_t ptr = buf;

	queue_cmd(s, BC_FREE_BUFFER, &ptr, sizeof(ptr));
}

static void queue_reply(struct server *s, uint32_t status, uint32_t seed, size_t len,
			uint32_t arg, uint32_t arg2)
{
	struct binder_transaction_data tr = {};
	struct msg_hdr *h = (void *)s->reply;

	if (len < sizeof(*h) || len > sizeof(s->reply))
		len = sizeof(*h);
	memset(h, 0, sizeof(*h));
	h->status = status;
	h->seed = REPLY_SEED(seed);
	h->arg = arg;
	h->arg2 = arg2;
	fill_payload(s->reply, len, h->seed);
	tr.data_size = len;
	tr.data.ptr.buffer = (uintptr_t)s->reply;
	queue_cmd(s, BC_REPLY, &tr, sizeof(tr));
}

static int flush_cmds(struct server *s)
{
	int ret = binder_write(s->fd, s->wbuf, s->wlen);

	s->wlen = 0;
	return ret;
}

/* Checks a CODE_CHECK buffer: where it is, its pages, its bytes. */
static uint32_t server_check(struct server *s, const struct binder_transaction_data *tr,
			     const struct msg_hdr **hp)
{
	uintptr_t buf = tr->data.ptr.buffer, start;
	size_t len, first = 0, bad;
	long n;

	if (buf < (uintptr_t)s->map || buf + tr->data_size > (uintptr_t)s->map + MAP_SZ) {
		fprintf(stderr, "# server: buffer %#lx+%llu outside the mapping %p\n",
			(unsigned long)buf, tr->data_size, s->map);
		return ST_RANGE;
	}
	/* use_range() inserted every page of the buffer before delivering it. */
	page_span(buf, tr->data_size, &start, &len);
	n = resident((void *)start, len);
	if (n != (long)(len / PS)) {
		fprintf(stderr, "# server: %ld of %zu buffer pages inserted\n", n, len / PS);
		return ST_RESIDENT;
	}
	if (tr->data_size < sizeof(**hp) || tr->data_size > MAX_PAYLOAD)
		return ST_SIZE;
	*hp = (const void *)buf;
	bad = payload_mismatch((void *)buf, tr->data_size, (*hp)->seed, &first);
	if (bad) {
		fprintf(stderr, "# server: %zu of %llu bytes differ, first at %zu\n",
			bad, tr->data_size, first);
		return ST_DATA;
	}
	return ST_OK;
}

/* Replaces the binder mapping with an anonymous one full of FILL. */
static int server_remap_anon(struct server *s)
{
	void *m = mmap(s->map, MAP_SZ, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (m != s->map)
		return -errno;
	memset(s->map, FILL, MAP_SZ);
	s->state = MAPPED_ANON;
	return 0;
}

enum { SERVE_QUIT = 1, SERVE_STOP };

/* The binder loop: one transaction at a time until CODE_QUIT or CODE_STOP. */
static int serve(struct server *s)
{
	for (;;) {
		const struct msg_hdr *h = NULL;
		struct binder_transaction_data tr;
		uintptr_t buf, start;
		uint32_t br, st;
		size_t len, nfill;
		long n;
		int ret = binder_wait(s->fd, s->wbuf, s->wlen, BR_TRANSACTION, &br, &tr);

		s->wlen = 0;
		if (ret)
			return ret;
		if (br != BR_TRANSACTION) {
			fprintf(stderr, "# server: return %#x while waiting\n", br);
			return -EPROTO;
		}
		buf = tr.data.ptr.buffer;
		switch (tr.code) {
		case CODE_CHECK:
			st = server_check(s, &tr, &h);
			if (st == ST_OK && (h->flags & HOLD) && s->nheld < MAX_HELD) {
				queue_reply(s, st, h->seed, h->reply_len,
					    buf - (uintptr_t)s->map, 0);
				s->held[s->nheld++] = buf;
				break;
			}
			queue_reply(s, st, h ? h->seed : 0, h ? h->reply_len : 0,
				    buf - (uintptr_t)s->map, 0);
			queue_free(s, buf);
			break;
		case CODE_ECHO:
			len = tr.data_size >= sizeof(*h) ?
				((const struct msg_hdr *)buf)->reply_len : 0;
			queue_free(s, buf);
			queue_reply(s, ST_OK, 0, len, 0, 0);
			break;
		case CODE_RESIDENT:
			page_span(buf, tr.data_size, &start, &len);
			n = resident(s->map, MAP_SZ) - resident((void *)start, len);
			queue_free(s, buf);
			queue_reply(s, ST_OK, 0, 0, n, 0);
			break;
		case CODE_FREE_HELD:
			while (s->nheld)
				queue_free(s, s->held[--s->nheld]);
			queue_free(s, buf);
			queue_reply(s, ST_OK, 0, 0, 0, 0);
			break;
		case CODE_REMAP_ANON:
			queue_free(s, buf);
			ret = flush_cmds(s);
			if (ret)
				return ret;
			st = server_remap_anon(s) ? ST_MMAP : ST_OK;
			queue_reply(s, st, 0, 0, 0, 0);
			break;
		case CODE_PEEK:
			/*
			 * Reads what is at the buffer address now: the payload
			 * is only there if Binder mapped its pages here.
			 */
			nfill = 0;
			if (buf >= (uintptr_t)s->map &&
			    buf + tr.data_size <= (uintptr_t)s->map + MAP_SZ) {
				for (size_t i = 0; i < tr.data_size; i++)
					nfill += ((uint8_t *)buf)[i] == FILL;
			}
			queue_free(s, buf);
			queue_reply(s, ST_OK, 0, 0, nfill, tr.data_size);
			break;
		case CODE_STOP:
		case CODE_QUIT:
			while (s->nheld)
				queue_free(s, s->held[--s->nheld]);
			queue_free(s, buf);
			queue_reply(s, ST_OK, 0, 0, 0, 0);
			/* The reply is sent once its TRANSACTION_COMPLETE is read. */
			ret = binder_wait(s->fd, s->wbuf, s->wlen, BR_TRANSACTION_COMPLETE,
					  &br, NULL);
			s->wlen = 0;
			if (ret)
				return ret;
			return tr.code == CODE_QUIT ? SERVE_QUIT : SERVE_STOP;
		default:
			queue_free(s, buf);
			queue_reply(s, ST_SIZE, 0, 0, 0, 0);
			break;
		}
	}
}

/*
 * After the client is done: the replaced mapping must be as the server left
 * it, and no transaction may be queued for the server.
 */
static int server_final(struct server *s)
{
	unsigned char vec[MAP_PAGES];
	int bad = 0;
	long n;

	switch (s->state) {
	case MAPPED_ANON:
		/* A zap or an inserted page would show as other bytes. */
		for (size_t i = 0; i < MAP_SZ; i++) {
			if (s->map[i] != FILL) {
				fprintf(stderr, "# server: anonymous byte %zu is %#x\n",
					i, s->map[i]);
				bad = 1;
				break;
			}
		}
		break;
	case MAPPED_NONE:
		if (!mincore(s->map, MAP_SZ, vec) || errno != ENOMEM) {
			fprintf(stderr, "# server: something is mapped at %p\n", s->map);
			bad = 1;
		}
		break;
	case MAPPED_OTHER_BINDER:
		n = resident(s->map, MAP_SZ);
		if (n) {
			fprintf(stderr, "# server: %ld pages in the other binder mapping\n", n);
			bad = 1;
		}
		break;
	case MAPPED_BINDER:
		break;
	}

	if (fcntl(s->fd, F_SETFL, O_NONBLOCK))
		return 1;
	for (int i = 0; i < 4; i++) {
		uint8_t rbuf[256];
		struct binder_write_read bwr = {
			.read_size = sizeof(rbuf),
			.read_buffer = (uintptr_t)rbuf,
		};

		if (ioctl(s->fd, BINDER_WRITE_READ, &bwr))
			return errno == EAGAIN ? bad : 1;
		for (size_t off = 0; off + 4 <= bwr.read_consumed;) {
			uint32_t cmd;

			memcpy(&cmd, rbuf + off, 4);
			if (cmd != BR_NOOP && cmd != BR_TRANSACTION_COMPLETE) {
				fprintf(stderr, "# server: pending work %#x\n", cmd);
				return 1;
			}
			off += 4 + _IOC_SIZE(cmd);
		}
	}
	return 1;
}

static int server_main(const char *dev, enum srv_mode mode, int ready, int go)
{
	static struct server s = { .fd = -1, .fd2 = -1 };
	uint32_t looper = BC_ENTER_LOOPER;
	int zero = 0, ret;
	char c;

	ret = binder_open(dev, &s.fd, &s.map);
	if (ret) {
		fprintf(stderr, "# server: opening %s: %s\n", dev, strerror(-ret));
		return 1;
	}
	if (ioctl(s.fd, BINDER_SET_CONTEXT_MGR, &zero) ||
	    binder_write(s.fd, &looper, sizeof(looper))) {
		fprintf(stderr, "# server: becoming context manager: %s\n", strerror(errno));
		return 1;
	}
	switch (mode) {
	case SRV_SERVE:
		break;
	case SRV_UNMAP:
		if (munmap(s.map, MAP_SZ))
			return 1;
		s.state = MAPPED_NONE;
		break;
	case SRV_REMAP_ANON:
		if (server_remap_anon(&s))
			return 1;
		break;
	case SRV_REMAP_BINDER:
		/* A second open is a second binder process with its own range. */
		s.fd2 = open(dev, O_RDWR | O_CLOEXEC);
		if (s.fd2 < 0 || mmap(s.map, MAP_SZ, PROT_READ, MAP_PRIVATE | MAP_FIXED,
				      s.fd2, 0) != s.map) {
			fprintf(stderr, "# server: second binder mapping: %s\n", strerror(errno));
			return 1;
		}
		s.state = MAPPED_OTHER_BINDER;
		break;
	}
	if (write(ready, "r", 1) != 1)
		return 1;

	if (mode == SRV_SERVE) {
		ret = serve(&s);
		if (ret < 0) {
			fprintf(stderr, "# server: %s\n", strerror(-ret));
			return 1;
		}
		if (ret == SERVE_QUIT)
			return 0;
	}
	if (read(go, &c, 1) != 1)
		return 1;
	return server_final(&s);
}

/* ---- the cases ---- */

/* A case: its device, its server, the test process' end of the binder. */
struct bcase {
	char dev[64];
	pid_t server;
	int ready, go;		/* pipe ends to the server */
	int fd;			/* the test process' binder file ... */
	uint8_t *map;		/* ... and its mapping */
};

FIXTURE(binder) {
	struct bcase c;
};

FIXTURE_SETUP(binder)
{
	char name[32];
	int ret;

	self->c.server = 0;
	self->c.fd = -1;
	self->c.ready = -1;
	self->c.go = -1;
	ret = binderfs_ensure();
	if (ret == -ENODEV)
		SKIP(return, "no Rust binderfs (CONFIG_ANDROID_BINDER_IPC_RUST)");
	ASSERT_EQ(0, ret) TH_LOG("binderfs at %s: %s", BINDERFS, strerror(-ret));
	snprintf(name, sizeof(name), "rust-mm-%d", getpid());
	ret = device_add(name, self->c.dev, sizeof(self->c.dev));
	ASSERT_EQ(0, ret) TH_LOG("BINDER_CTL_ADD %s: %s", name, strerror(-ret));
}

FIXTURE_TEARDOWN(binder)
{
	struct bcase *c = &self->c;

	if (c->server > 0) {
		kill(c->server, SIGKILL);
		waitpid(c->server, NULL, 0);
	}
	if (c->fd >= 0)
		close(c->fd);
	if (c->ready >= 0)
		close(c->ready);
	if (c->go >= 0)
		close(c->go);
	unlink(c->dev);
}

/* Forks the server in @mode and waits until it is the context manager. */
static void start_server(struct __test_metadata *_metadata,
			 struct bcase *b, enum srv_mode mode)
{
	int ready[2], go[2];
	char c = 0;

	ASSERT_EQ(0, pipe2(ready, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	b->server = fork();
	ASSERT_LE(0, b->server);
	if (!b->server) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ready[0]);
		close(go[1]);
		_exit(server_main(b->dev, mode, ready[1], go[0]));
	}
	close(ready[1]);
	close(go[0]);
	b->ready = ready[0];
	b->go = go[1];
	ASSERT_EQ(1, read(b->ready, &c, 1)) TH_LOG("the server did not start");
	ASSERT_EQ('r', c);
}

/* Lets the server run its final checks (@poke) and requires it to succeed. */
static void finish_server(struct __test_metadata *_metadata,
			  struct bcase *b, bool poke)
{
	int status = -1;

	if (poke)
		ASSERT_EQ(1, write(b->go, "g", 1));
	ASSERT_EQ(b->server, waitpid(b->server, &status, 0));
	b->server = 0;
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("server status %#x", status);
	ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("the server's checks failed");
}

static void client_open(struct __test_metadata *_metadata, struct bcase *b)
{
	int ret = binder_open(b->dev, &b->fd, &b->map);

	ASSERT_EQ(0, ret) TH_LOG("opening %s: %s", b->dev, strerror(-ret));
}

static void quit_server(struct __test_metadata *_metadata, struct bcase *b)
{
	struct call c;

	ASSERT_EQ(0, simple_call(b->fd, b->map, CODE_QUIT, sizeof(struct msg_hdr), &c));
	ASSERT_EQ(BR_REPLY, c.br);
	finish_server(_metadata, b, false);
}

/*
 * The plan of a round of CODE_CHECK calls: payloads and replies of three to
 * five pages; HOLD keeps buffers allocated so that the following ones start
 * at offsets that are not page-aligned and straddle page boundaries.
 */
static const struct {
	uint32_t size, reply, flags;
} plan[] = {
	{ 3 * PS,		4 * PS + 5,	0 },
	{ 3 * PS + 1,		3 * PS,		HOLD },
	{ 4 * PS + 2049,	5 * PS - 100,	HOLD },
	{ 5 * PS - 8,		3 * PS + 7,	0 },
	{ 4 * PS + 17,		4 * PS,		HOLD },
	{ 3 * PS + PS / 2,	5 * PS,		0 },
	{ 5 * PS,		3 * PS + 1,	0 },
};

/* One round; returns how many server buffers started inside a page. */
static int run_round(struct __test_metadata *_metadata, struct bcase *b,
		     uint32_t seed)
{
	int unaligned = 0;
	struct call c;

	for (size_t i = 0; i < ARRAY_SIZE(plan); i++) {
		uint32_t off = 0;

		ASSERT_EQ(0, check_call(b->fd, b->map, plan[i].size, plan[i].reply,
					seed + i, plan[i].flags, &off))
			TH_LOG("call %zu of the round", i);
		unaligned += !!(off % PS);
	}
	ASSERT_EQ(0, simple_call(b->fd, b->map, CODE_FREE_HELD,
				 sizeof(struct msg_hdr), &c));
	ASSERT_EQ(BR_REPLY, c.br);
	return unaligned;
}

static long server_resident(struct __test_metadata *_metadata, struct bcase *b)
{
	struct call c;

	EXPECT_EQ(0, simple_call(b->fd, b->map, CODE_RESIDENT,
				 sizeof(struct msg_hdr), &c));
	EXPECT_EQ(BR_REPLY, c.br);
	return c.br == BR_REPLY ? (long)c.hdr.arg : -1;
}

/*
 * A call that Binder must refuse because it cannot insert pages into the
 * receiver's mapping: use_page_slow() finds no VMA, or one check_vma()
 * rejects, at the registered address and fails with ESRCH; the sender gets
 * BR_FAILED_REPLY and the errno as its extended error.
 */
static void expect_refused(struct __test_metadata *_metadata,
			   struct bcase *b, size_t size, uint32_t seed)
{
	static uint8_t buf[MAX_PAYLOAD];
	struct binder_extended_error ee;
	struct call c;

	memset(buf, 0, sizeof(struct msg_hdr));
	fill_payload(buf, size, seed);
	ASSERT_EQ(0, binder_call(b->fd, b->map, CODE_CHECK, buf, size, 0, &c));
	ASSERT_EQ(BR_FAILED_REPLY, c.br) TH_LOG("return %#x", c.br);
	ASSERT_EQ(0, extended_error(b->fd, &ee));
	EXPECT_EQ(BR_FAILED_REPLY, ee.command);
	EXPECT_EQ(-ESRCH, ee.param);
}

/*
 * rust_binderfs.c: the "binder" filesystem with its Rust superblock magic,
 * binder-control, the default devices (CONFIG_ANDROID_BINDER_DEVICES) and
 * the features directory.
 */
TEST(binderfs_mount)
{
	static const char * const features[] = {
		"oneway_spam_detection", "extended_error",
		"freeze_notification", "transaction_report",
	};
	char path[128];
	struct statfs st;
	struct stat sb;
	int ret = binderfs_ensure();

	if (ret == -ENODEV)
		SKIP(return, "no Rust binderfs (CONFIG_ANDROID_BINDER_IPC_RUST)");
	ASSERT_EQ(0, ret) TH_LOG("mounting binderfs at %s: %s", BINDERFS, strerror(-ret));
	ASSERT_EQ(0, statfs(BINDERFS, &st));
	ASSERT_EQ(RUST_BINDERFS_SUPER_MAGIC, st.f_type);
	ASSERT_EQ(0, stat(BINDERFS "/binder-control", &sb));
	ASSERT_TRUE(S_ISCHR(sb.st_mode));
	ASSERT_EQ(0, stat(BINDERFS "/binder", &sb)) TH_LOG("default device binder");
	ASSERT_TRUE(S_ISCHR(sb.st_mode));
	for (size_t i = 0; i < ARRAY_SIZE(features); i++) {
		snprintf(path, sizeof(path), BINDERFS "/features/%s", features[i]);
		EXPECT_EQ(0, access(path, R_OK)) TH_LOG("%s", path);
	}
}

/* binder-control: BINDER_CTL_ADD, duplicate names, unlinking devices. */
TEST_F(binder, ctl_add_device)
{
	struct bcase *b = &self->c;
	struct binder_version v = {};
	char name[32], path[64];
	int fd;

	fd = open(b->dev, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, BINDER_VERSION, &v));
	EXPECT_EQ(BINDER_CURRENT_PROTOCOL_VERSION, v.protocol_version);
	close(fd);

	EXPECT_EQ(-EEXIST, device_add(b->dev + strlen(BINDERFS "/"), NULL, 0));
	snprintf(name, sizeof(name), "rust-mm-tmp-%d", getpid());
	ASSERT_EQ(0, device_add(name, path, sizeof(path)));
	ASSERT_EQ(0, unlink(path));
	EXPECT_EQ(-1, open(path, O_RDWR | O_CLOEXEC));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, unlink(BINDERFS "/binder-control"));
	EXPECT_EQ(EPERM, errno);
}

/*
 * process.rs Process::mmap: writable mappings are refused and the mapping
 * cannot become writable (VM_MAYWRITE cleared); one mapping per open file;
 * not inherited across fork (VM_DONTCOPY); only the opening process may map.
 */
TEST_F(binder, mmap_rules)
{
	struct bcase *b = &self->c;
	uint8_t *m;
	pid_t pid;
	int status;

	b->fd = open(b->dev, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, b->fd);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, MAP_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE,
				   b->fd, 0));
	EXPECT_EQ(EPERM, errno);
	m = mmap(NULL, MAP_SZ, PROT_READ, MAP_PRIVATE, b->fd, 0);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("read-only mapping: %s", strerror(errno));
	EXPECT_EQ(-1, mprotect(m, PS, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, MAP_SZ, PROT_READ, MAP_PRIVATE, b->fd, 0));
	EXPECT_EQ(EBUSY, errno);
	/* Nothing is mapped until a transaction needs it. */
	EXPECT_EQ(0, resident(m, MAP_SZ));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		unsigned char vec;
		int bad = 0;

		if (!mincore(m, PS, &vec) || errno != ENOMEM)
			bad |= 1;	/* the mapping was copied */
		if (mmap(NULL, MAP_SZ, PROT_READ, MAP_PRIVATE, b->fd, 0) != MAP_FAILED ||
		    errno != EINVAL)
			bad |= 2;	/* another process mapped our binder file */
		_exit(bad);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("1: copied by fork, 2: mapped by a child");
}

/*
 * use_range/use_page_slow: allocating and inserting the pages of 3-5 page
 * buffers in the server's mapping (the calls) and the client's (the
 * replies), data checked byte for byte on both sides; BC_REPLY and
 * BC_FREE_BUFFER, with held buffers so that later ones straddle pages.
 */
TEST_F(binder, multipage_transactions)
{
	struct bcase *b = &self->c;
	int unaligned;

	start_server(_metadata, b, SRV_SERVE);
	client_open(_metadata, b);
	unaligned = run_round(_metadata, b, 100);
	unaligned += run_round(_metadata, b, 200);
	EXPECT_LT(0, unaligned) TH_LOG("no buffer started inside a page");
	quit_server(_metadata, b);
}

/*
 * Rust Binder's shrinker zaps a page only under the VMA read lock, a trylock
 * (as upstream's does): without CONFIG_PER_VMA_LOCK, which follows SMP, it
 * never gets one and reclaims nothing. The project's "novma" kernel passes
 * rust_mm.flavour=novma, which /init exports as RUST_MM_FLAVOUR.
 */
#define NO_RECLAIM "the shrinker needs per-VMA locks (CONFIG_PER_VMA_LOCK)"

static bool shrinker_reclaims(void)
{
	const char *flavour = getenv("RUST_MM_FLAVOUR");

	return !flavour || strcmp(flavour, "novma");
}

/*
 * stop_using_range puts freed buffer pages on the shrinker's LRU, still
 * mapped; drop_caches runs rust_shrink_scan, whose rust_shrink_free_page
 * zaps them (zap_vma_range) from both processes' mappings, the server's
 * from the client's context (a remote mm). The next transactions allocate
 * and insert them again.
 */
TEST_F_TIMEOUT(binder, shrinker_zap_reinsert, 120)
{
	struct bcase *b = &self->c;
	long before, after, own = -1;

	if (access(DROP_CACHES, W_OK))
		SKIP(return, "no %s (CONFIG_SYSCTL)", DROP_CACHES);
	if (!shrinker_reclaims())
		SKIP(return, "%s", NO_RECLAIM);
	start_server(_metadata, b, SRV_SERVE);
	client_open(_metadata, b);
	run_round(_metadata, b, 300);

	before = server_resident(_metadata, b);
	EXPECT_LE(3, before) TH_LOG("freed pages are kept mapped until the shrinker runs");
	EXPECT_LE(3, resident(b->map, MAP_SZ));
	for (int i = 0; i < 3 && own; i++) {
		ASSERT_EQ(0, drop_caches());
		own = resident(b->map, MAP_SZ);
	}
	EXPECT_EQ(0, own) TH_LOG("reply pages still mapped after drop_caches");
	after = server_resident(_metadata, b);
	EXPECT_EQ(0, after) TH_LOG("server pages still mapped after drop_caches");
	TH_LOG("server pages mapped: %ld before drop_caches, %ld after", before, after);

	/* Pages are allocated and inserted again, the data still intact. */
	run_round(_metadata, b, 400);
	EXPECT_LE(3, server_resident(_metadata, b));
	quit_server(_metadata, b);
}

#define RACE_CLIENTS	2
#define RACE_CALLS	24

/* A client process of shrinker_race: 0 if every call checked out. */
static int race_client(const char *dev, uint32_t seed)
{
	uint8_t *map;
	int fd, bad = 0;

	if (binder_open(dev, &fd, &map))
		return 1;
	for (int i = 0; i < RACE_CALLS; i++) {
		size_t size = 3 * PS + (i * 1237 + seed) % (2 * PS);
		size_t reply = 3 * PS + (i * 911 + seed) % (2 * PS);

		bad |= !!check_call(fd, map, size, reply, seed + i, 0, NULL);
	}
	return bad;
}

/*
 * The shrinker against live transactions: clients call while another
 * process runs drop_caches in a loop, so zaps race with use_range,
 * use_page_slow and stop_using_range on the same pages.
 */
TEST_F_TIMEOUT(binder, shrinker_race, 180)
{
	struct bcase *b = &self->c;
	pid_t clients[RACE_CLIENTS], dropper;
	int *stop;
	int status;

	if (access(DROP_CACHES, W_OK))
		SKIP(return, "no %s (CONFIG_SYSCTL)", DROP_CACHES);
	stop = mmap(NULL, PS, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, stop);
	start_server(_metadata, b, SRV_SERVE);

	dropper = fork();
	ASSERT_LE(0, dropper);
	if (!dropper) {
		int n = 0;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* Hundreds of runs: keep the kernel log readable. */
		write_drop_caches("4");
		while (!__atomic_load_n(stop, __ATOMIC_RELAXED) && !drop_caches())
			n++;
		_exit(n ? 0 : 1);
	}
	for (int i = 0; i < RACE_CLIENTS; i++) {
		clients[i] = fork();
		ASSERT_LE(0, clients[i]);
		if (!clients[i]) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			_exit(race_client(b->dev, 1000 * (i + 1)));
		}
	}
	for (int i = 0; i < RACE_CLIENTS; i++) {
		ASSERT_EQ(clients[i], waitpid(clients[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("client %d: status %#x", i, status);
	}
	__atomic_store_n(stop, 1, __ATOMIC_RELAXED);
	ASSERT_EQ(dropper, waitpid(dropper, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status)) TH_LOG("drop_caches failed");

	client_open(_metadata, b);
	quit_server(_metadata, b);
}

/*
 * Hostile receiver: it unmaps its binder mapping. use_page_slow finds no VMA
 * at the registered address (lock_vma_under_rcu and vma_lookup fail): the
 * transaction fails with ESRCH and nothing is queued for the receiver.
 */
TEST_F(binder, hostile_unmap)
{
	struct bcase *b = &self->c;

	start_server(_metadata, b, SRV_UNMAP);
	client_open(_metadata, b);
	expect_refused(_metadata, b, 4 * PS + 100, 500);
	expect_refused(_metadata, b, 3 * PS, 501);
	finish_server(_metadata, b, true);
}

/*
 * Hostile receiver: MAP_FIXED|MAP_ANONYMOUS over its binder mapping, filled
 * with FILL. check_vma rejects the anonymous VMA (vm_ops is not Binder's),
 * so no page is inserted into it: the transaction fails with ESRCH, the
 * anonymous pages still hold FILL, nothing is queued for the receiver.
 */
TEST_F(binder, hostile_remap_anon)
{
	struct bcase *b = &self->c;

	start_server(_metadata, b, SRV_REMAP_ANON);
	client_open(_metadata, b);
	expect_refused(_metadata, b, 4 * PS + 100, 600);
	expect_refused(_metadata, b, 5 * PS, 601);
	finish_server(_metadata, b, true);
}

/*
 * Hostile receiver: the mapping of a second binder file (another binder
 * process, same vm_ops) over its own. check_vma rejects it on
 * vm_private_data (the owner): ESRCH, and the other mapping stays empty.
 */
TEST_F(binder, hostile_remap_binder)
{
	struct bcase *b = &self->c;

	start_server(_metadata, b, SRV_REMAP_BINDER);
	client_open(_metadata, b);
	expect_refused(_metadata, b, 4 * PS + 100, 700);
	finish_server(_metadata, b, true);
}

/*
 * Hostile receiver whose buffer pages are still cached when it puts an
 * anonymous mapping over its binder mapping:
 *  - a transaction that fits the cached pages is delivered, since
 *    use_range() reuses them without touching the VMA, but the payload is
 *    not visible at the buffer address: the receiver reads its own FILL;
 *  - drop_caches then frees those pages, and rust_shrink_free_page must not
 *    zap the anonymous VMA (check_vma): FILL survives;
 *  - the next transaction needs new pages and is refused with ESRCH.
 */
TEST_F_TIMEOUT(binder, hostile_remap_cached, 120)
{
	struct bcase *b = &self->c;
	static uint8_t buf[MAX_PAYLOAD];
	size_t size = 4 * PS + 100;
	struct call c;

	if (access(DROP_CACHES, W_OK))
		SKIP(return, "no %s (CONFIG_SYSCTL)", DROP_CACHES);
	if (!shrinker_reclaims())
		SKIP(return, "%s", NO_RECLAIM);
	start_server(_metadata, b, SRV_SERVE);
	client_open(_metadata, b);
	/* Pages 0-4 of the server's range, then freed: cached, on the LRU. */
	ASSERT_EQ(0, check_call(b->fd, b->map, 5 * PS, sizeof(struct msg_hdr),
				800, 0, NULL));
	ASSERT_EQ(0, simple_call(b->fd, b->map, CODE_REMAP_ANON,
				 sizeof(struct msg_hdr), &c));
	ASSERT_EQ(BR_REPLY, c.br);
	ASSERT_EQ(ST_OK, c.hdr.status);

	memset(buf, 0, sizeof(struct msg_hdr));
	fill_payload(buf, size, 801);
	ASSERT_EQ(0, binder_call(b->fd, b->map, CODE_PEEK, buf, size, 0, &c));
	ASSERT_EQ(BR_REPLY, c.br) TH_LOG("a transaction on cached pages: %#x", c.br);
	EXPECT_EQ(size, c.hdr.arg2);
	EXPECT_EQ(size, c.hdr.arg) TH_LOG("only %u of %zu bytes read as the receiver's own",
					  c.hdr.arg, size);

	ASSERT_EQ(0, simple_call(b->fd, b->map, CODE_STOP, sizeof(struct msg_hdr), &c));
	ASSERT_EQ(BR_REPLY, c.br);
	ASSERT_EQ(0, drop_caches());
	ASSERT_EQ(0, drop_caches());
	expect_refused(_metadata, b, 3 * PS, 802);
	finish_server(_metadata, b, true);
}

/* ---- binder_storm ---- */

#define STORM_SECONDS		8	/* default length; BINDER_STORM_SECONDS overrides */
/* watchdog: seconds allowed past the end (more than one wait) */
#define STORM_GRACE		(storm_wait_ms() / 1000 + 3)
#define STORM_CLIENTS		2	/* client processes of the server ... */
#define STORM_CLIENT_THREADS	2	/* ... with this many calling threads each */
#define STORM_LOOPERS		2	/* looper threads of every server */
#define STORM_DOOMED_CALLERS	3	/* threads calling the doomed servers */
#define STORM_MAX_HELD		512	/* held transactions recorded, all generations */
#define STORM_VICTIM_GAP_MS	100	/* between two dying callers */
#define STORM_SERVE_MS		300	/* a doomed server serves this long, then holds */
/* any single wait of the storm: 5 s, or BINDER_STORM_WAIT_MS (slow debug kernels) */
#define STORM_TIMEOUT_MS	storm_wait_ms()

/* Shared by every process of the storm (MAP_SHARED). */
struct storm {
	int stop;		/* the storm is over: no new calls */
	int up;			/* the server is the context manager */
	int victim_rcvd;	/* pid whose CODE_HOLD_TILL_DEAD the server holds */
	int victim_reaped;	/* pid of the last dying caller reaped */
	int doom_gen;		/* generation of the doomed server that is up */
	int doom_hold;		/* the doomed server holds what it receives ... */
	int doom_exit;		/* ... and its holding threads exit when told */
	uint32_t nheld;		/* slots of held_seed[] claimed so far ... */
	uint32_t held_seed[STORM_MAX_HELD];	/* ... each the seed of a held call, or 0 */
	uint64_t calls;		/* round trips whose reply checked out */
	uint64_t integrity;	/* bytes, pages or sizes that did not */
	uint64_t errors;	/* anything else that went wrong */
	uint64_t dead_replies;	/* BR_DEAD_REPLY to callers of doomed servers ... */
	uint64_t failed_replies;	/* ... BR_FAILED_REPLY */
	uint64_t held_dead;	/* BR_DEAD_REPLY for a transaction a server held */
	uint64_t replies_to_dead;	/* BC_REPLY to a dead caller: BR_TRANSACTION_COMPLETE */
	uint64_t drops;		/* drop_caches runs */
	uint32_t prints;
};

static struct storm *storm;

#define STORM_ADD(x)		__atomic_fetch_add(&(x), 1, __ATOMIC_RELAXED)
#define STORM_GET(x)		__atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORM_SET(x, v)		__atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

static void storm_vlog(uint64_t *counter, const char *fmt, va_list ap)
{
	char line[256];
	int n;

	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
	/* The first few only: a broken kernel must not flood the log. */
	if (__atomic_fetch_add(&storm->prints, 1, __ATOMIC_RELAXED) >= 40)
		return;
	n = snprintf(line, sizeof(line), "# storm: ");
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* One write: lines of several processes must not interleave. */
	if (write(STDERR_FILENO, line, n) < 0)
		return;	/* nowhere to report it */
}

/* Something went wrong: counted in storm->errors, printed. */
static void __printf(1, 2) storm_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	storm_vlog(&storm->errors, fmt, ap);
	va_end(ap);
}

/* Data that did not check out: counted in storm->integrity, printed. */
static void __printf(1, 2) storm_bad(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	storm_vlog(&storm->integrity, fmt, ap);
	va_end(ap);
}

static int storm_wait_ms(void)
{
	const char *env = getenv("BINDER_STORM_WAIT_MS");
	long n = env ? strtol(env, NULL, 10) : 0;

	return n >= 1000 && n <= 120000 ? n : 5000;
}

static int storm_seconds(void)
{
	const char *env = getenv("BINDER_STORM_SECONDS");
	long n = env ? strtol(env, NULL, 10) : 0;

	return n > 0 && n <= 3600 ? n : STORM_SECONDS;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint32_t xorshift(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* A payload or reply size: a quarter within a page, the rest 1 to 6 pages. */
static size_t storm_size(uint32_t *rng)
{
	uint32_t r = xorshift(rng);

	if (!(r % 4))
		return sizeof(struct msg_hdr) + r / 4 % (PS - sizeof(struct msg_hdr));
	return PS + r / 4 % (MAX_PAYLOAD - PS + 1);
}

/* Polls @cond every millisecond for up to STORM_TIMEOUT_MS; its last value. */
#define STORM_WAIT(cond) ({						\
	long __end = now_ms() + STORM_TIMEOUT_MS;			\
	bool __ok;							\
									\
	while (!(__ok = (cond)) && now_ms() < __end)			\
		usleep(1000);						\
	__ok;								\
})

/* Forks a party of the storm; in the child, it dies with the test process. */
static pid_t storm_fork(int secs)
{
	pid_t parent = getpid(), pid;

	fflush(NULL);
	pid = fork();
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		/* Its own watchdog, should the test process' fail. */
		alarm(secs + STORM_GRACE + 10);
	}
	return pid;
}

/*
 * One CODE_CHECK round trip with random sizes: the server checks the payload
 * byte for byte and replies with a payload checked here the same way.
 * Returns the return command that ended the call (BR_REPLY if it checked
 * out), or 0 after counting and printing what went wrong.
 */
static uint32_t storm_call(int fd, const uint8_t *map, uint8_t *buf, uint32_t *rng,
			   uint32_t seed)
{
	size_t size = storm_size(rng), reply = storm_size(rng);
	struct call c;
	int ret;

	ret = code_check(fd, map, buf, size, reply, seed, 0, &c);
	if (ret == -EBADMSG) {
		storm_bad("call %#x of %zu bytes: bad reply", seed, size);
		return 0;
	}
	if (ret) {
		storm_err("call %#x: %s", seed, strerror(-ret));
		return 0;
	}
	if (c.br != BR_REPLY)
		return c.br;
	/* A status other than ST_OK: the server has counted it already. */
	if (c.hdr.status != ST_OK)
		return 0;
	if (c.size != reply) {
		storm_bad("call %#x: reply of %llu bytes instead of %zu", seed,
			  (unsigned long long)c.size, reply);
		return 0;
	}
	STORM_ADD(storm->calls);
	return BR_REPLY;
}

/* A looper thread of a server; holding, when it is a doomed one. */
struct storm_looper {
	struct server s;
	bool doomed;
	pthread_t th;
};

/*
 * A doomed server holds the transaction: no reply, until the process dies.
 * The call counts as held once its seed is in its slot: a SIGKILL between
 * claiming the slot and the store leaves the slot 0, and the caller then
 * finds no record of it either (storm_was_held() and storm_held() agree).
 */
static void __noreturn storm_hold(const struct msg_hdr *h)
{
	uint32_t i = __atomic_fetch_add(&storm->nheld, 1, __ATOMIC_ACQ_REL);

	if (i < STORM_MAX_HELD && h)
		STORM_SET(storm->held_seed[i], h->seed);
	if (STORM_WAIT(STORM_GET(storm->doom_exit)))
		_exit(0);	/* in the middle of the transaction */
	storm_err("a doomed server was neither killed nor told to exit");
	_exit(1);
}

/*
 * The server holds a dying caller's transaction until the test process has
 * reaped the caller, then replies: Binder completes the reply for the
 * replier (BR_TRANSACTION_COMPLETE) and drops it, or fails to allocate it in
 * the dead caller's range, which the replier must not see either.
 */
static void storm_reply_to_dead(struct server *s, const struct binder_transaction_data *tr,
				const struct msg_hdr *h, uint32_t st)
{
	pid_t pid = tr->sender_pid;
	uint32_t br = 0;
	int ret;

	STORM_SET(storm->victim_rcvd, pid);
	if (!STORM_WAIT(STORM_GET(storm->victim_reaped) == pid))
		storm_err("server: caller %d not reaped", pid);
	queue_free(s, tr->data.ptr.buffer);
	queue_reply(s, st, h ? h->seed : 0, h ? h->reply_len : 0, 0, 0);
	ret = binder_wait(s->fd, s->wbuf, s->wlen, BR_TRANSACTION_COMPLETE, &br, NULL);
	s->wlen = 0;
	if (ret || br != BR_TRANSACTION_COMPLETE)
		storm_err("server: reply to dead caller %d: %s, return %#x", pid,
			  ret ? strerror(-ret) : "ok", br);
	else
		STORM_ADD(storm->replies_to_dead);
}

static void *storm_looper_main(void *arg)
{
	struct storm_looper *l = arg;
	struct server *s = &l->s;
	uint32_t looper = BC_ENTER_LOOPER;

	if (binder_write(s->fd, &looper, sizeof(looper))) {
		storm_err("server: BC_ENTER_LOOPER: %s", strerror(errno));
		_exit(1);
	}
	for (;;) {
		const struct msg_hdr *h = NULL;
		struct binder_transaction_data tr;
		uint32_t br = 0, st;
		int ret = binder_wait(s->fd, s->wbuf, s->wlen, BR_TRANSACTION, &br, &tr);

		s->wlen = 0;
		if (ret || br != BR_TRANSACTION) {
			/* Its callers would wait for ever: give up the process. */
			storm_err("%s server: %s, return %#x while waiting",
				  l->doomed ? "doomed" : "the", ret ? strerror(-ret) : "ok", br);
			_exit(1);
		}
		st = server_check(s, &tr, &h);
		if (st != ST_OK)
			storm_bad("server: transaction from %d of %llu bytes: status %u",
				  tr.sender_pid, (unsigned long long)tr.data_size, st);
		if (l->doomed && STORM_GET(storm->doom_hold))
			storm_hold(h);
		if (tr.code == CODE_HOLD_TILL_DEAD) {
			storm_reply_to_dead(s, &tr, h, st);
			continue;
		}
		/*
		 * The free first: a reply Binder cannot deliver (the caller
		 * died) ends the processing of the write buffer, and a
		 * command after it would be left unconsumed.
		 */
		queue_free(s, tr.data.ptr.buffer);
		queue_reply(s, st, h ? h->seed : 0, h ? h->reply_len : 0, 0, 0);
	}
	return NULL;
}

/* A server: the context manager of @dev, STORM_LOOPERS looper threads. */
static int storm_server(const char *dev, bool doomed, int gen)
{
	static struct storm_looper loopers[STORM_LOOPERS];
	long end = now_ms() + STORM_TIMEOUT_MS;
	uint8_t *map;
	int fd, zero = 0, ret;

	ret = binder_open(dev, &fd, &map);
	if (ret) {
		storm_err("server: opening %s: %s", dev, strerror(-ret));
		return 1;
	}
	/* EBUSY until the previous doomed server's release has run. */
	while (ioctl(fd, BINDER_SET_CONTEXT_MGR, &zero)) {
		if (errno != EBUSY || now_ms() >= end) {
			storm_err("server %d: BINDER_SET_CONTEXT_MGR: %s", gen, strerror(errno));
			return 1;
		}
		usleep(5000);
	}
	for (int i = 0; i < STORM_LOOPERS; i++) {
		loopers[i].s.fd = fd;
		loopers[i].s.map = map;
		loopers[i].doomed = doomed;
		if (pthread_create(&loopers[i].th, NULL, storm_looper_main, &loopers[i])) {
			storm_err("server: pthread_create failed");
			return 1;
		}
	}
	if (doomed)
		STORM_SET(storm->doom_gen, gen);
	else
		STORM_SET(storm->up, 1);
	/* The loopers run until the process is killed, or exit it on errors. */
	for (int i = 0; i < STORM_LOOPERS; i++)
		pthread_join(loopers[i].th, NULL);
	return 1;
}

/* A calling thread: CODE_CHECK calls until the storm is over. */
struct storm_caller {
	int fd;
	const uint8_t *map;
	uint32_t id;		/* seeds are id << 24 | call number: all distinct */
	bool doomed;		/* it calls the doomed servers */
	pthread_t th;
	uint8_t buf[MAX_PAYLOAD];
};

/* Whether a doomed server held (never replied to) the call of @seed. */
static bool storm_was_held(uint32_t seed)
{
	uint32_t n = STORM_GET(storm->nheld);

	for (uint32_t i = 0; i < n && i < STORM_MAX_HELD; i++) {
		if (STORM_GET(storm->held_seed[i]) == seed)
			return true;
	}
	return false;
}

/* How many calls the doomed servers held: the slots with a seed (never 0). */
static uint32_t storm_held(void)
{
	uint32_t n = STORM_GET(storm->nheld), held = 0;

	for (uint32_t i = 0; i < n && i < STORM_MAX_HELD; i++)
		held += STORM_GET(storm->held_seed[i]) != 0;
	return held;
}

static void *storm_caller_main(void *arg)
{
	struct storm_caller *c = arg;
	uint32_t rng = 0x2545f491u * c->id, n = 0;	/* fixed seeds */

	while (!STORM_GET(storm->stop)) {
		uint32_t seed = c->id << 24 | (++n & 0xffffff);
		int gen = STORM_GET(storm->doom_gen);
		uint32_t br = storm_call(c->fd, c->map, c->buf, &rng, seed);
		bool held;

		if (!br || br == BR_REPLY)
			continue;
		if (!c->doomed) {
			/* The server outlives its callers. */
			storm_err("call %#x: return %#x", seed, br);
			usleep(1000);
			continue;
		}
		/*
		 * The server died: a transaction it held, or one still queued
		 * for it, is answered BR_DEAD_REPLY, and so is a call while
		 * there is no context manager. BR_FAILED_REPLY (ESRCH): the
		 * server's mm is gone but its binder not yet released, so no
		 * buffer can be allocated for it.
		 */
		held = storm_was_held(seed);
		if (br == BR_DEAD_REPLY) {
			STORM_ADD(storm->dead_replies);
			if (held)
				STORM_ADD(storm->held_dead);
		} else if (br == BR_FAILED_REPLY && !held) {
			STORM_ADD(storm->failed_replies);
		} else {
			storm_err("call %#x to a doomed server: return %#x%s", seed, br,
				  held ? " for a transaction it held" : "");
		}
		/* Until the next server is up. */
		STORM_WAIT(STORM_GET(storm->doom_gen) != gen || STORM_GET(storm->stop));
	}
	return NULL;
}

/* A calling process: @n threads with ids from @id; 0, or 1 if it could not start. */
static int storm_callers(const char *dev, uint32_t id, int n, bool doomed)
{
	struct storm_caller *c = calloc(n, sizeof(*c));
	uint8_t *map;
	int fd, ret;

	if (!c)
		return 1;
	ret = binder_open(dev, &fd, &map);
	if (ret) {
		storm_err("caller: opening %s: %s", dev, strerror(-ret));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		c[i].fd = fd;
		c[i].map = map;
		c[i].id = id + i;
		c[i].doomed = doomed;
		if (pthread_create(&c[i].th, NULL, storm_caller_main, &c[i])) {
			storm_err("caller: pthread_create failed");
			_exit(1);
		}
	}
	for (int i = 0; i < n; i++)
		pthread_join(c[i].th, NULL);
	return 0;
}

/* How a dying caller dies in the middle of its transaction. */
enum {
	VICTIM_KILLED,		/* SIGKILLed while the server holds its call */
	VICTIM_EXITS,		/* another of its threads exits while ... */
	VICTIM_SENDS_AND_EXITS,	/* BC_TRANSACTION and _exit, no waiting */
	VICTIM_KINDS,
};

static struct {
	int fd;
	uint8_t *map;
	size_t size;
	uint32_t seed;
	uint8_t buf[MAX_PAYLOAD];
} victim;

static void *victim_call(void *arg)
{
	struct call c;

	binder_call(victim.fd, victim.map, CODE_HOLD_TILL_DEAD, victim.buf, victim.size,
		    victim.seed, &c);
	_exit(2);	/* only its death should end the call */
}

/* A dying caller; returns only if it could not die as planned. */
static int storm_victim(const char *dev, int kind, uint32_t seed)
{
	struct binder_transaction_data tr = {};
	struct msg_hdr *h = (void *)victim.buf;
	uint32_t rng = seed, bc = BC_TRANSACTION;
	uint8_t wr[4 + sizeof(tr)];
	pthread_t th;

	if (binder_open(dev, &victim.fd, &victim.map))
		return 10;
	victim.seed = seed;
	victim.size = storm_size(&rng);
	memset(h, 0, sizeof(*h));
	h->seed = seed;
	h->reply_len = storm_size(&rng);
	fill_payload(victim.buf, victim.size, seed);
	switch (kind) {
	case VICTIM_KILLED:
		victim_call(NULL);
		break;
	case VICTIM_EXITS:
		if (pthread_create(&th, NULL, victim_call, NULL))
			return 11;
		if (STORM_WAIT(STORM_GET(storm->victim_rcvd) == getpid()))
			_exit(0);
		return 12;
	case VICTIM_SENDS_AND_EXITS:
		tr.code = CODE_CHECK;
		tr.data_size = victim.size;
		tr.data.ptr.buffer = (uintptr_t)victim.buf;
		memcpy(wr, &bc, 4);
		memcpy(wr + 4, &tr, sizeof(tr));
		return binder_write(victim.fd, wr, sizeof(wr)) ? 13 : 0;
	}
	return 14;
}

/* drop_caches "2" and "3" in turns until the storm is over. */
static int storm_dropper(void)
{
	int ret;

	write_drop_caches("4");	/* hundreds of runs: no log line each */
	for (int n = 0; !STORM_GET(storm->stop); n++) {
		ret = write_drop_caches(n % 2 ? "3" : "2");
		if (ret) {
			storm_err("drop_caches: %s", strerror(-ret));
			return 1;
		}
		STORM_ADD(storm->drops);
		usleep(1000);
	}
	return 0;
}

static bool storm_reaped(pid_t pid, int *status)
{
	return pid > 0 && waitpid(pid, status, WNOHANG) == pid;
}

/* The parties that live as long as the storm. */
enum { P_SERVER, P_CLIENT, P_DOOMED_CALLER = P_CLIENT + STORM_CLIENTS, P_DROPPER, P_N };

static const char *party_name(int i)
{
	return i == P_SERVER ? "the server" : i < P_DOOMED_CALLER ? "a client" :
		i == P_DOOMED_CALLER ? "the doomed servers' caller" : "the drop_caches process";
}

/* The doomed servers' life, driven by the test process. */
enum { DOOM_STARTING, DOOM_SERVING, DOOM_HOLDING, DOOM_DYING, DOOM_DEAD };

/*
 * Everything at once, for BINDER_STORM_SECONDS (default 8) and with fixed
 * seeds:
 *  - the server (context manager, two looper threads) and STORM_CLIENTS
 *    client processes of two threads each: CODE_CHECK calls of random sizes
 *    up to six pages both ways, checked byte for byte on both sides;
 *  - a process running drop_caches 2 and 3 in turns (the shrinker);
 *  - dying callers of the server, one after another: SIGKILLed, or exiting
 *    from another thread, while the server holds their call (it replies
 *    once they are reaped and must get BR_TRANSACTION_COMPLETE), or exiting
 *    right after BC_TRANSACTION;
 *  - on a second device, doomed servers: each serves three threads of
 *    another process for a while, then holds (never replies to) what it
 *    receives and is SIGKILLed or exits by itself; every call it held must
 *    come back BR_DEAD_REPLY; then the next one becomes context manager.
 * The test process drives it all and is the watchdog: the storm may run
 * STORM_GRACE seconds past its end, then whatever is left is killed and the
 * case fails. Every process is reaped.
 */
TEST_F_TIMEOUT(binder, binder_storm, 60)
{
	struct bcase *b = &self->c;
	int secs = storm_seconds(), status, gen = 1, nvictims = 0, vkind = 0;
	int victims[VICTIM_KINDS] = {}, deaths[2] = {};
	long t0, end, hard, now, dt = 0, vt = 0, next_victim;
	int dstate = DOOM_DEAD;
	pid_t party[P_N] = {}, doomed = 0, vpid = 0;
	bool stopping = false, watchdog = false, vkilled = false, self_exit = false;
	uint32_t held0 = 0, nheld;
	char name[32], dev2[64];
	double took;

	if (access(DROP_CACHES, W_OK))
		SKIP(return, "no %s (CONFIG_SYSCTL)", DROP_CACHES);
	storm = mmap(NULL, sizeof(*storm), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		     -1, 0);
	ASSERT_NE(MAP_FAILED, storm);
	snprintf(name, sizeof(name), "rust-mm-storm-%d", getpid());
	ASSERT_EQ(0, device_add(name, dev2, sizeof(dev2)));

	t0 = now_ms();
	end = t0 + secs * 1000L;
	hard = end + STORM_GRACE * 1000L;
	party[P_SERVER] = storm_fork(secs);
	if (!party[P_SERVER])
		_exit(storm_server(b->dev, false, 0));
	b->server = party[P_SERVER];	/* the teardown's, should we abort */
	doomed = storm_fork(secs);
	if (!doomed)
		_exit(storm_server(dev2, true, gen));
	if (party[P_SERVER] < 0 || doomed < 0 ||
	    !STORM_WAIT(STORM_GET(storm->up) && STORM_GET(storm->doom_gen) == gen)) {
		storm_err("the servers did not start");
		STORM_SET(storm->stop, 1);
		stopping = true;
	}
	dstate = DOOM_SERVING;
	dt = now_ms();
	for (int i = P_CLIENT; i < P_N && !stopping; i++) {
		party[i] = storm_fork(secs);
		if (party[i])
			continue;
		if (i == P_DROPPER)
			_exit(storm_dropper());
		if (i == P_DOOMED_CALLER)
			_exit(storm_callers(dev2, 0x10, STORM_DOOMED_CALLERS, true));
		_exit(storm_callers(b->dev, 1 + (i - P_CLIENT) * STORM_CLIENT_THREADS,
				    STORM_CLIENT_THREADS, false));
	}
	next_victim = now_ms() + STORM_VICTIM_GAP_MS;

	for (;; usleep(2000)) {
		bool left = false;

		now = now_ms();
		if (!stopping && now >= end) {
			STORM_SET(storm->stop, 1);
			stopping = true;
		}
		if (now >= hard) {
			watchdog = true;
			break;
		}

		/* The parties that must last until the end. */
		for (int i = 0; i < P_N; i++) {
			if (!storm_reaped(party[i], &status))
				continue;
			if (i == P_SERVER || !stopping || !WIFEXITED(status) ||
			    WEXITSTATUS(status))
				storm_err("%s (%d) ended: status %#x", party_name(i),
					  party[i], status);
			party[i] = 0;
		}

		/* One dying caller at a time. */
		if (vpid > 0) {
			if (vkind == VICTIM_KILLED && !vkilled &&
			    STORM_GET(storm->victim_rcvd) == vpid) {
				kill(vpid, SIGKILL);
				vkilled = true;
			}
			if (storm_reaped(vpid, &status)) {
				if (vkind == VICTIM_KILLED ?
				    !WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL :
				    !WIFEXITED(status) || WEXITSTATUS(status))
					storm_err("dying caller %d (kind %d): status %#x",
						  vpid, vkind, status);
				STORM_SET(storm->victim_reaped, vpid);
				vpid = 0;
				next_victim = now + STORM_VICTIM_GAP_MS;
			} else if (now - vt > STORM_TIMEOUT_MS && !vkilled) {
				storm_err("dying caller %d (kind %d) hangs", vpid, vkind);
				kill(vpid, SIGKILL);
				vkilled = true;
			}
		} else if (!stopping && now >= next_victim) {
			vkind = nvictims % VICTIM_KINDS;
			vpid = storm_fork(secs);
			if (!vpid)
				_exit(storm_victim(b->dev, vkind, 0x80u << 24 | (nvictims + 1)));
			if (vpid < 0) {
				storm_err("fork: %s", strerror(errno));
				vpid = 0;
			}
			victims[vkind]++;
			nvictims++;
			vkilled = false;
			vt = now;
			next_victim = now + STORM_VICTIM_GAP_MS;
		}

		/* The doomed servers. */
		nheld = STORM_GET(storm->nheld);
		switch (dstate) {
		case DOOM_STARTING:
			if (STORM_GET(storm->doom_gen) == gen) {
				dstate = DOOM_SERVING;
				dt = now;
			} else if (now - dt > STORM_TIMEOUT_MS || stopping) {
				if (!stopping)
					storm_err("doomed server %d did not start", gen);
				kill(doomed, SIGKILL);
				self_exit = false;
				dstate = DOOM_DYING;
				dt = now;
			}
			break;
		case DOOM_SERVING:
			if (!stopping && now - dt >= STORM_SERVE_MS &&
			    nheld + STORM_LOOPERS <= STORM_MAX_HELD) {
				held0 = nheld;
				STORM_SET(storm->doom_hold, 1);
				dstate = DOOM_HOLDING;
				dt = now;
			}
			break;
		case DOOM_HOLDING:
			if (nheld - held0 < STORM_LOOPERS && !stopping && now - dt < 1000)
				break;
			/* Only a thread holding a transaction exits by itself. */
			self_exit = gen % 2 == 0 && nheld > held0;
			if (self_exit)
				STORM_SET(storm->doom_exit, 1);
			else
				kill(doomed, SIGKILL);
			deaths[self_exit]++;
			dstate = DOOM_DYING;
			dt = now;
			break;
		case DOOM_DYING:
			if (storm_reaped(doomed, &status)) {
				if (self_exit ? !WIFEXITED(status) || WEXITSTATUS(status) :
				    !WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
					storm_err("doomed server %d: status %#x", gen, status);
				doomed = 0;
				dstate = DOOM_DEAD;
				dt = now;
			} else if (now - dt > STORM_TIMEOUT_MS) {
				storm_err("doomed server %d does not die", gen);
				kill(doomed, SIGKILL);
				self_exit = false;
				dt = now;
			}
			break;
		case DOOM_DEAD:
			if (stopping || now - dt < 20)
				break;
			STORM_SET(storm->doom_hold, 0);
			STORM_SET(storm->doom_exit, 0);
			gen++;
			doomed = storm_fork(secs);
			if (!doomed)
				_exit(storm_server(dev2, true, gen));
			if (doomed < 0) {
				storm_err("fork: %s", strerror(errno));
				doomed = 0;
				dt = now;
				break;
			}
			dstate = DOOM_STARTING;
			dt = now;
			break;
		}

		if (!stopping)
			continue;
		for (int i = P_CLIENT; i < P_N; i++)
			left |= party[i] > 0;
		if (!left && !vpid && dstate != DOOM_HOLDING && dstate != DOOM_DYING)
			break;
	}

	if (watchdog) {
		for (int i = 0; i < P_N; i++) {
			if (party[i] > 0 && i != P_SERVER)
				storm_err("watchdog: %s (%d) still running", party_name(i),
					  party[i]);
		}
		if (vpid > 0)
			storm_err("watchdog: dying caller %d (kind %d) still there", vpid, vkind);
		if (dstate == DOOM_HOLDING || dstate == DOOM_DYING)
			storm_err("watchdog: doomed server %d still there", gen);
	}
	/* Whatever is left: the servers, or everything after the watchdog. */
	STORM_SET(storm->stop, 1);
	for (int i = 0; i < P_N; i++) {
		if (party[i] > 0)
			kill(party[i], SIGKILL);
	}
	if (doomed > 0)
		kill(doomed, SIGKILL);
	if (vpid > 0)
		kill(vpid, SIGKILL);
	for (long until = now_ms() + 3000;; usleep(2000)) {
		bool left = false;

		for (int i = 0; i < P_N; i++) {
			if (storm_reaped(party[i], &status))
				party[i] = 0;
			left |= party[i] > 0;
		}
		if (storm_reaped(doomed, &status))
			doomed = 0;
		if (storm_reaped(vpid, &status))
			vpid = 0;
		left |= doomed > 0 || vpid > 0;
		if (!left || now_ms() >= until)
			break;
	}
	for (int i = 0; i < P_N; i++) {
		if (party[i] > 0)
			storm_err("%s (%d) could not be reaped", party_name(i), party[i]);
	}
	if (doomed > 0 || vpid > 0)
		storm_err("doomed server %d or dying caller %d could not be reaped",
			  doomed, vpid);
	if (!party[P_SERVER])
		b->server = 0;
	unlink(dev2);
	took = (now_ms() - t0) / 1000.0;

	nheld = storm_held();
	printf("# binder-storm: transactions=%llu integrity_failures=%llu dead_replies=%llu ",
	       (unsigned long long)storm->calls, (unsigned long long)storm->integrity,
	       (unsigned long long)storm->dead_replies);
	printf("seconds=%.1f\n", took);
	printf("# binder-storm: held_by_dying_servers=%u (unrecorded=%u) ",
	       nheld, STORM_GET(storm->nheld) - nheld);
	printf("answered_dead=%llu failed_replies=%llu ", (unsigned long long)storm->held_dead,
	       (unsigned long long)storm->failed_replies);
	printf("server_deaths=%d+%d (killed+exited)\n", deaths[0], deaths[1]);
	printf("# binder-storm: dying_callers=%d+%d+%d (killed+exited+sent-and-exited) ",
	       victims[VICTIM_KILLED], victims[VICTIM_EXITS], victims[VICTIM_SENDS_AND_EXITS]);
	printf("replies_to_dead=%llu drop_caches=%llu errors=%llu storm_seconds=%d%s\n",
	       (unsigned long long)storm->replies_to_dead, (unsigned long long)storm->drops,
	       (unsigned long long)storm->errors, secs, watchdog ? " WATCHDOG FIRED" : "");
	fflush(stdout);

	EXPECT_FALSE(watchdog) TH_LOG("the storm did not end within %d s", secs + STORM_GRACE);
	EXPECT_EQ(0, storm->integrity);
	EXPECT_EQ(0, storm->errors);
	EXPECT_LT(0, storm->calls);
	EXPECT_LT(0, storm->drops);
	EXPECT_LT(0, storm->replies_to_dead) TH_LOG("no reply to a dead caller");
	EXPECT_LT(0, nheld) TH_LOG("no server died holding a transaction");
	EXPECT_EQ(nheld, storm->held_dead) TH_LOG("held transactions not answered BR_DEAD_REPLY");
	/* No child left, not even a zombie. */
	EXPECT_EQ(-1, waitpid(-1, &status, WNOHANG));
	EXPECT_EQ(ECHILD, errno);
	munmap(storm, sizeof(*storm));
	storm = NULL;
}

/* The harness' timeout for binder_storm follows BINDER_STORM_SECONDS. */
static void __attribute__((constructor(KSELFTEST_PRIO_TEST + 1))) storm_timeout(void)
{
	if (_binder_binder_storm_object)
		_binder_binder_storm_object->timeout = storm_seconds() + STORM_GRACE + 30;
}

/*
 * ---- binder_test --bench [ROUNDS]: the round-trip benchmark of make bench ----
 *
 * Synchronous CODE_ECHO transactions to a server process, per round trip in
 * ns: a header-only call, and one of four pages each way (Binder allocates
 * the buffer pages in both mappings). Rounds alternate between two series, a
 * and b, so b/a is the A/A noise of one kernel; scripts/binder_bench.py sets
 * our kernel's series against a pristine kernel's (make bench BINDER_BASELINE=1).
 */
#define BENCH_ITERS	200
#define BENCH_ROUNDS	100

static const struct {
	const char *name;
	size_t size;
} bench_ops[] = {
	{ "rt_hdr", sizeof(struct msg_hdr) },
	{ "rt_4pages", 4 * PS },
};

static int bench_call(int fd, const uint8_t *map, uint8_t *buf, size_t size)
{
	struct binder_transaction_data tr = {};
	uint8_t wr[4 + sizeof(tr)];
	uint32_t bc = BC_TRANSACTION, br;
	int ret;

	((struct msg_hdr *)buf)->reply_len = size;
	tr.code = CODE_ECHO;
	tr.data_size = size;
	tr.data.ptr.buffer = (uintptr_t)buf;
	memcpy(wr, &bc, 4);
	memcpy(wr + 4, &tr, sizeof(tr));
	ret = binder_wait(fd, wr, sizeof(wr), BR_REPLY, &br, &tr);
	if (ret)
		return ret;
	if (br != BR_REPLY || tr.data_size != size)
		return -EPROTO;
	return free_buffer(fd, tr.data.ptr.buffer);
}

static long bench_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int bench_main(int rounds)
{
	static uint8_t buf[MAX_PAYLOAD];
	static double t[2][BENCH_ROUNDS];
	int ready[2], go[2], fd, ret;
	uint8_t *map;
	char dev[64];
	struct call c;
	pid_t server;
	char ch;

	ret = binderfs_ensure();
	if (!ret)
		ret = device_add("rust-mm-bench", dev, sizeof(dev));
	if (ret) {
		printf("# binder bench: skipped: no Rust binderfs device (%s)\n", strerror(-ret));
		return 0;
	}
	if (pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC))
		return 1;
	server = fork();
	if (server < 0)
		return 1;
	if (!server) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(server_main(dev, SRV_SERVE, ready[1], go[0]));
	}
	if (read(ready[0], &ch, 1) != 1 || binder_open(dev, &fd, &map)) {
		fprintf(stderr, "# binder bench: the server did not start\n");
		return 1;
	}
	memset(buf, 0, sizeof(buf));
	printf("# binder round trips: rounds=%d iters=%d (ns; series a and b alternate)\n",
	       rounds, BENCH_ITERS);
	printf("op a_min a_med a_max b_min b_med b_max\n");
	for (size_t op = 0; op < ARRAY_SIZE(bench_ops); op++) {
		for (int i = 0; i < BENCH_ITERS; i++)	/* warm-up: pages allocated */
			if (bench_call(fd, map, buf, bench_ops[op].size))
				return 1;
		for (int r = 0; r < 2 * rounds; r++) {
			long t0 = bench_ns();

			for (int i = 0; i < BENCH_ITERS; i++) {
				ret = bench_call(fd, map, buf, bench_ops[op].size);
				if (ret) {
					fprintf(stderr, "# binder bench: %s\n", strerror(-ret));
					return 1;
				}
			}
			t[r % 2][r / 2] = (double)(bench_ns() - t0) / BENCH_ITERS;
		}
		printf("%s", bench_ops[op].name);
		for (int s = 0; s < 2; s++) {
			qsort(t[s], rounds, sizeof(double), cmp_double);
			printf(" %.1f %.1f %.1f", t[s][0], t[s][rounds / 2], t[s][rounds - 1]);
		}
		printf("\n");
	}
	fflush(stdout);
	ret = simple_call(fd, map, CODE_QUIT, sizeof(struct msg_hdr), &c);
	waitpid(server, NULL, 0);
	unlink(dev);
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--bench")) {
		int rounds = argc > 2 ? atoi(argv[2]) : 30;

		if (rounds < 1 || rounds > BENCH_ROUNDS) {
			fprintf(stderr, "usage: %s --bench [ROUNDS (1..%d)]\n", argv[0],
				BENCH_ROUNDS);
			return 2;
		}
		return bench_main(rounds);
	}
	return test_harness_run(argc, argv);
}
