// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock usage", the warning below the lock-state table:
//       "it's possible to obtain a VMA lock while holding an mmap read lock".
//
//! Control: the same two locks in the documented order, mmap read lock first.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn both(mm: &MmWithUser, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let (vma, _ctx) = mm.lock_vma_under_rcu(&mut ctx, addr)?;
    Some(vma.start() + mmap.vmas(0, usize::MAX).count())
}
