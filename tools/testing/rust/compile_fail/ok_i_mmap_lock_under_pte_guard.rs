// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (mm/rmap.c): "mapping->i_mmap_rwsem"
//       comes before "mm->page_table_lock or pte_lock".
//
//! Control: the same two locks in the documented order, i_mmap first, then the PTE lock.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, pgtable::PteGuard, rmap::AddressSpace, MmWithUser};

fn count(mm: &MmWithUser, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    let file = vma.file()?;
    let (i_mmap, mut ctx) = AddressSpace::of_file(file).i_mmap_lock_read(&mut ctx);
    let (pte, _ctx) = PteGuard::lock(&mut ctx, vma, addr)?;
    Some(usize::from(pte.get().is_present()) + i_mmap.vmas(0, usize::MAX).count())
}
