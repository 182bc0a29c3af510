/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ABI of the rust-mmap sample devices: /dev/rust-mmap (samples/rust/rust_mmap.rs)
 * and its C twin /dev/c-mmap (samples/rust/c_mmap.c). Both implement exactly
 * these semantics.
 *
 * Each open file owns a buffer of zeroed pages, sized once with
 * RUST_MMAP_SET_SIZE before mapping. Only MAP_SHARED mappings are supported.
 *
 * mmap(2):
 *   size not set yet                      -> ENODEV
 *   MAP_PRIVATE                           -> EINVAL
 *   PROT_EXEC                             -> EPERM (VM_MAYEXEC is cleared too,
 *                                            so a later mprotect(PROT_EXEC) fails)
 *   offset (pgoff) >= buffer pages        -> EINVAL
 *   length > RUST_MMAP_MAX_SIZE           -> EINVAL
 *   PROT_WRITE + MAP_SHARED on O_RDONLY   -> EACCES (from the mm core)
 *   A mapping may extend past the end of the buffer (like a file mapping past
 *   EOF): touching such a page raises SIGBUS.
 *   Mappings cannot grow with mremap (VM_DONTEXPAND): EFAULT.
 *   Pages are inserted lazily on first touch and stay alive while any mapping
 *   exists, even after the file is closed.
 */
#ifndef _UAPI_LINUX_RUST_MMAP_H
#define _UAPI_LINUX_RUST_MMAP_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define RUST_MMAP_MAX_SIZE	(1UL << 20)	/* 1 MiB */

/* An address range of the caller's mappings of this file. */
struct rust_mmap_range {
	__u64 addr;	/* in: page aligned, inside one mapping of this file */
	__u64 len;	/* in: bytes, page multiple; 0 means "to the end of the mapping" */
	__u64 result;	/* out: see each ioctl */
};

/* Result of looking a VMA up by address. */
struct rust_mmap_query {
	__u64 addr;	/* in */
	__u64 start;	/* out: vm_start */
	__u64 end;	/* out: vm_end */
	__u64 pgoff;	/* out: vm_pgoff */
	__u64 flags;	/* out: RUST_MMAP_F_* */
};

#define RUST_MMAP_F_READ	(1 << 0)
#define RUST_MMAP_F_WRITE	(1 << 1)
#define RUST_MMAP_F_MAYWRITE	(1 << 2)
#define RUST_MMAP_F_DONTCOPY	(1 << 3)
#define RUST_MMAP_F_SHARED	(1 << 4)

/* Counters of one open file. */
struct rust_mmap_stats {
	__u64 size;	/* buffer size in bytes (0 until set) */
	__u64 faults;	/* faults handled that inserted a page */
	__u64 pages;	/* buffer pages allocated so far */
	__u64 mappings;	/* VMAs that map this open file (i_mmap walk) */
};

#define RUST_MMAP_IOC	0xB5

/* Set the buffer size (bytes): EINVAL if 0, not a page multiple or above
 * RUST_MMAP_MAX_SIZE; EBUSY if already set.
 */
#define RUST_MMAP_SET_SIZE	_IOW(RUST_MMAP_IOC, 0, __u64)
/* Fill *stats. */
#define RUST_MMAP_STATS		_IOR(RUST_MMAP_IOC, 1, struct rust_mmap_stats)
/* result = number of resident (present PTE) pages in the range (PTE walk). */
#define RUST_MMAP_RESIDENT	_IOWR(RUST_MMAP_IOC, 2, struct rust_mmap_range)
/* Seal the whole mapping containing addr read-only (clears VM_WRITE and
 * VM_MAYWRITE; if it was writable, zaps its PTEs, so that no writable one is
 * left); result = RUST_MMAP_F_* flags afterwards.
 */
#define RUST_MMAP_SEAL		_IOWR(RUST_MMAP_IOC, 3, struct rust_mmap_range)
/* Mark the mapping containing addr VM_DONTCOPY (not inherited by fork);
 * result = RUST_MMAP_F_* flags afterwards.
 */
#define RUST_MMAP_DONTCOPY	_IOWR(RUST_MMAP_IOC, 4, struct rust_mmap_range)
/* Look the VMA at addr up: ENOENT if none, EINVAL if it is not a mapping of
 * this open file.
 */
#define RUST_MMAP_QUERY		_IOWR(RUST_MMAP_IOC, 5, struct rust_mmap_query)
/* Zap the range so that the next access faults again; result = pages that
 * were resident before.
 */
#define RUST_MMAP_ZAP		_IOWR(RUST_MMAP_IOC, 6, struct rust_mmap_range)

/*
 * Errors common to the range ioctls: EFAULT for a bad pointer, EINVAL for an
 * unaligned or empty-after-rounding range, a range not inside one mapping of
 * this open file, or a mapping of another file; ENOENT if no VMA at addr.
 * Unknown ioctl numbers: ENOTTY.
 *
 * A range ioctl reads its struct, acts, and writes the result back last. If
 * only that write-back fails (EFAULT, e.g. the struct is in read-only
 * memory), the action has already happened and is not undone: SEAL has
 * sealed, DONTCOPY has marked, ZAP has zapped. The struct is left unchanged.
 */

#endif /* _UAPI_LINUX_RUST_MMAP_H */
