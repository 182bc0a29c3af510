// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (mm/rmap.c, and mm/filemap.c:
//       "->anon_vma.lock / ->page_table_lock or pte_lock"): anon_vma->rwsem comes before the
//       page-table locks; the PMD lock is a spinlock ("Page table locking details") and
//       anon_vma->rwsem sleeps.
// expect-error: E0277
// expect-message: the trait bound `PageTableLock: Before<AnonVmaLock>` is not satisfied
//
//! Compile-fail case: `AnonVma::lock_read` with the token of a held PMD lock (`PmdGuard`).
#![allow(dead_code)]

use kernel::mm::{order::Ctx, pgtable::PmdGuard, MmWithUser};

fn count(mm: &MmWithUser, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    let anon_vma = vma.anon_vma()?;
    let (pmd, mut ctx) = PmdGuard::lock(&mut ctx, vma, addr)?;
    let (anon, _ctx) = anon_vma.lock_read(&mut ctx);
    Some(usize::from(pmd.is_leaf()) + anon.count_vmas(0, usize::MAX))
}
