// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock usage", the warning below the lock-state table
//       (mmap lock after a VMA read lock can deadlock). Reusing the outer (unlocked) token while
//       the VMA read guard lives would bypass the order check.
// expect-error: E0499
// expect-message: cannot borrow `ctx` as mutable more than once at a time
//
//! Compile-fail case: taking the mmap read lock through the parent token while a VMA read
//! guard taken through it is alive.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn both(mm: &MmWithUser, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (vma, _vma_ctx) = mm.lock_vma_under_rcu(&mut ctx, addr)?;
    let start = vma.start();
    let (mmap, _ctx) = mm.mmap_read_lock(&mut ctx); // misuse: drop(vma);
    drop(vma); // misuse: let (mmap, _ctx) = mm.mmap_read_lock(&mut ctx);
    Some(start + mmap.vmas(0, usize::MAX).count())
}
