// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock usage", the warning below the lock-state table:
//       "While it's possible to obtain a VMA lock while holding an mmap read lock, attempting to do
//       the reverse is invalid as it can result in deadlock".
// expect-error: E0277
// expect-message: the trait bound `VmaLock: Before<MmapLock>` is not satisfied
//
//! Compile-fail case: taking the mmap read lock with the token of a held VMA read lock.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn both(mm: &MmWithUser, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (vma, mut ctx) = // misuse: let (mmap, mut ctx) =
        mm.lock_vma_under_rcu(&mut ctx, addr)?; // misuse: mm.mmap_read_lock(&mut ctx);
    let (mmap, _ctx) = // misuse: let (vma, _ctx) =
        mm.mmap_read_lock(&mut ctx); // misuse: mm.lock_vma_under_rcu(&mut ctx, addr)?;
    Some(vma.start() + mmap.vmas(0, usize::MAX).count())
}
