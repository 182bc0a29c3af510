// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Terminology" (VMA locks): a VMA read lock is
//       obtained via lock_vma_under_rcu "and unlocked via vma_end_read"; the VMA is stable
//       only while it is held (lock-state table, row "- R -").
// expect-error: E0597
// expect-message: `vma` does not live long enough
//
//! Compile-fail case: a `&VmaRef` deref'd from a VMA read guard outliving the guard.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, virt::VmaRef, MmWithUser};

fn vma_start(mm: &MmWithUser, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let start;
    let view: &VmaRef;
    {
        let (vma, _ctx) = mm.lock_vma_under_rcu(&mut ctx, addr)?;
        view = &vma;
        start = view.start();
        // `vma_end_read` runs here.
    }
    let _stale = view.start(); // misuse
    Some(start)
}
