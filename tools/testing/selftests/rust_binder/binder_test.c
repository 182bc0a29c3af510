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
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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
#include <unistd.h>

#include <linux/android/binder.h>
#include <linux/android/binderfs.h>

#include "../kselftest_harness.h"

#define PS		4096UL			/* page size (x86) */
#define MAP_SZ		(1UL << 20)		/* binder mapping, as libbinder's 1 MiB */
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
 * A CODE_CHECK round trip: @size bytes of payload to the server, which checks
 * them byte for byte and replies with @reply bytes checked here the same way.
 * 0 or nonzero (the reason is printed).
 */
static int check_call(int fd, const uint8_t *map, size_t size, size_t reply,
		      uint32_t seed, uint32_t flags, uint32_t *srv_offset)
{
	static uint8_t buf[MAX_PAYLOAD];
	struct msg_hdr *h = (void *)buf;
	struct call c;
	int ret;

	memset(h, 0, sizeof(*h));
	h->seed = seed;
	h->reply_len = reply;
	h->flags = flags;
	fill_payload(buf, size, seed);
	ret = binder_call(fd, map, CODE_CHECK, buf, size, seed, &c);
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

TEST_HARNESS_MAIN
