// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (mm/rmap.c): "mapping->i_mmap_rwsem"
//       comes before "mm->page_table_lock or pte_lock"; and a PTE lock is a spinlock ("Page table
//       locking details"), under which the sleeping i_mmap_rwsem must not be taken.
// expect-error: E0277
// expect-message: the trait bound `PageTableLock: Before<IMmapLock>` is not satisfied
//
//! Compile-fail case: `i_mmap_lock_read` with the token of a held PTE lock (`PteGuard`).
#![allow(dead_code)]

use kernel::mm::{order::Ctx, pgtable::PteGuard, rmap::AddressSpace, MmWithUser};

fn count(mm: &MmWithUser, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    let space = AddressSpace::of_file(vma.file()?);
    let (pte, mut ctx) = // misuse: let (i_mmap, mut ctx) =
        PteGuard::lock(&mut ctx, vma, addr)?; // misuse: space.i_mmap_lock_read(&mut ctx);
    let (i_mmap, _ctx) = // misuse: let (pte, _ctx) =
        space.i_mmap_lock_read(&mut ctx); // misuse: PteGuard::lock(&mut ctx, vma, addr)?;
    Some(usize::from(pte.get().is_present()) + i_mmap.vmas(0, usize::MAX).count())
}
