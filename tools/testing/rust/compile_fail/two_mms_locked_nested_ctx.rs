// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/vm/locking (1999, seeds/004), rule 5: never try to get the locks of mm B
//       while holding those of mm A; process_addrs.rst, "Lock ordering": mmap_lock is a single
//       level of the mm/rmap.c order and does not nest in itself.
// expect-error: E0277
// expect-message: the trait bound `MmapLock: Before<MmapLock>` is not satisfied
// control: ok_two_mms_locked_same_ctx
//
//! Compile-fail case: taking mm B's mmap lock with the token of mm A's held mmap lock.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn count_both(a: &MmWithUser, b: &MmWithUser) -> usize {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap_a, mut ctx_a) = a.mmap_read_lock(&mut ctx);
    let (mmap_b, _ctx_b) = b.mmap_read_lock(&mut ctx_a);
    mmap_a.vmas(0, usize::MAX).count() + mmap_b.vmas(0, usize::MAX).count()
}
