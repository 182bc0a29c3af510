// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/vm/locking (1999, seeds/004), rule 5: "while holding page_table_lock or
//       page_table_lock of mm A, you will not try to get either lock for mm B"; the mm/rmap.c
//       order (process_addrs.rst, "Lock ordering") has one mmap_lock level, so one task never
//       holds the mmap locks of two mms (ABBA deadlock between two tasks).
// expect-error: E0499
// expect-message: cannot borrow `ctx` as mutable more than once at a time
//
//! Compile-fail case: holding the mmap locks of mm A and mm B through the same root token.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn count_both(a: &MmWithUser, b: &MmWithUser) -> usize {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap_a, _ctx_a) = a.mmap_read_lock(&mut ctx);
    let count_a = mmap_a.vmas(0, usize::MAX).count();
    let (mmap_b, _ctx_b) = b.mmap_read_lock(&mut ctx); // misuse: drop(mmap_a);
    drop(mmap_a); // misuse: let (mmap_b, _ctx_b) = b.mmap_read_lock(&mut ctx);
    count_a + mmap_b.vmas(0, usize::MAX).count()
}
