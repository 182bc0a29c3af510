// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (mm/rmap.c): "mm->mmap_lock", then
//       "vma_start_write" (the VMA lock level), ..., "mm->page_table_lock or pte_lock".
//
//! Control: the same three locks in the documented order: mmap, VMA read lock, PTE lock.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, pgtable::PteGuard, MmWithUser};

fn count(mm: &MmWithUser, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let (vma, mut ctx) = mm.lock_vma_under_rcu(&mut ctx, addr)?;
    let (pte, _ctx) = PteGuard::lock(&mut ctx, &vma, addr)?;
    Some(usize::from(pte.get().is_present()) + mmap.vmas(0, usize::MAX).count())
}
