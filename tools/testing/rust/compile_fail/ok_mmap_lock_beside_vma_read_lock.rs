// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock usage", the warning below the lock-state table
//       (mmap lock after a VMA read lock can deadlock).
//
//! Control: the parent token is reused for the mmap read lock once the VMA read lock is
//! released.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn both(mm: &MmWithUser, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (vma, _vma_ctx) = mm.lock_vma_under_rcu(&mut ctx, addr)?;
    let start = vma.start();
    drop(vma);
    let (mmap, _ctx) = mm.mmap_read_lock(&mut ctx);
    Some(start + mmap.vmas(0, usize::MAX).count())
}
