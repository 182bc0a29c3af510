/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ABI of the per-operation lock benchmark devices: /dev/rust-mm-bench
 * (samples/rust/rust_mm_bench.rs, through the kernel::mm guards) and
 * /dev/c-mm-bench (samples/rust/c_mm_bench.c, the same C calls by hand).
 *
 * RUST_MM_BENCH_RUN runs operation `op` `iters` times in a loop in the
 * kernel, on the caller's own address space, and reports the time the whole
 * loop took. `addr` is the start of a private anonymous mapping of the
 * caller of RUST_MM_BENCH_LEN bytes, every page touched (so its page tables
 * exist). `result` is a checksum of what the operations saw, identical on
 * both devices for the same address space: a benchmark must not differ in
 * what it does.
 *
 * Errors: EINVAL for an unknown op, iters of 0 or above
 * RUST_MM_BENCH_MAX_ITERS, or addr not inside a mapping of at least
 * RUST_MM_BENCH_LEN bytes; EFAULT for a bad pointer.
 */
#ifndef _UAPI_LINUX_RUST_MM_BENCH_H
#define _UAPI_LINUX_RUST_MM_BENCH_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define RUST_MM_BENCH_LEN	(2UL << 20)	/* one PTE table on x86-64 */
#define RUST_MM_BENCH_MAX_ITERS	1000000

enum rust_mm_bench_op {
	RUST_MM_BENCH_MMAP_READ,	/* mmap_read_lock + mmap_read_unlock */
	RUST_MM_BENCH_MMAP_WRITE,	/* mmap_write_lock + mmap_write_unlock */
	RUST_MM_BENCH_VMA_READ,		/* lock_vma_under_rcu(addr) + vma_end_read */
	RUST_MM_BENCH_LOCK_VMA,		/* VMA read lock, else mmap read lock + vma_lookup */
	RUST_MM_BENCH_VMA_LOOKUP,	/* mmap read lock + vma_lookup(addr) + unlock */
	RUST_MM_BENCH_VMA_ITER,		/* mmap read lock + walk every VMA + unlock */
	RUST_MM_BENCH_PTE_SCAN,		/* under the mmap read lock: PTE lock + count + unlock */
	RUST_MM_BENCH_I_MMAP,		/* i_mmap_lock_read + unlock of the device file */
	RUST_MM_BENCH_NR_OPS,
};

struct rust_mm_bench {
	__u32 op;	/* in: enum rust_mm_bench_op */
	__u32 iters;	/* in: 1 .. RUST_MM_BENCH_MAX_ITERS */
	__u64 addr;	/* in: see above */
	__u64 ns;	/* out: nanoseconds for the whole loop */
	__u64 result;	/* out: checksum, the same on both devices */
};

#define RUST_MM_BENCH_RUN	_IOWR(0xB6, 0, struct rust_mm_bench)

#endif /* _UAPI_LINUX_RUST_MM_BENCH_H */
