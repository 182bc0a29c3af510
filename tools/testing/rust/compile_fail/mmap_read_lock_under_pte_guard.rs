// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (mm/rmap.c): "mm->mmap_lock" is the
//       outermost and "mm->page_table_lock or pte_lock" the innermost of the mm locks; a PTE
//       lock is a spinlock ("Page table locking details") and the mmap lock sleeps.
// expect-error: E0277
// expect-message: the trait bound `PageTableLock: Before<MmapLock>` is not satisfied
//
//! Compile-fail case: `mmap_read_lock` with the token of a held PTE lock (`PteGuard`).
#![allow(dead_code)]

use kernel::mm::{order::Ctx, pgtable::PteGuard, MmWithUser};

fn count(mm: &MmWithUser, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (vma, mut ctx) = // misuse: let (mmap, mut ctx) =
        mm.lock_vma_under_rcu(&mut ctx, addr)?; // misuse: mm.mmap_read_lock(&mut ctx);
    let (pte, mut ctx) = // misuse: let (vma, mut ctx) =
        PteGuard::lock(&mut ctx, &vma, addr)?; // misuse: mm.lock_vma_under_rcu(&mut ctx, addr)?;
    let (mmap, _ctx) = // misuse: let (pte, _ctx) =
        mm.mmap_read_lock(&mut ctx); // misuse: PteGuard::lock(&mut ctx, &vma, addr)?;
    Some(usize::from(pte.get().is_present()) + mmap.vmas(0, usize::MAX).count())
}
