// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/vm/locking (1999, seeds/004), rule 5: never try to get the locks of mm B
//       while holding those of mm A; process_addrs.rst, "Lock ordering".
//
//! Control: the mmap locks of two mms taken one after the other through the same token.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn count_both(a: &MmWithUser, b: &MmWithUser) -> usize {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap_a, _ctx_a) = a.mmap_read_lock(&mut ctx);
    let count_a = mmap_a.vmas(0, usize::MAX).count();
    drop(mmap_a);
    let (mmap_b, _ctx_b) = b.mmap_read_lock(&mut ctx);
    count_a + mmap_b.vmas(0, usize::MAX).count()
}
