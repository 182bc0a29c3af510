// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (mm/filemap.c: "->anon_vma.lock /
//       ->page_table_lock or pte_lock"): anon_vma->rwsem first, then the page-table lock.
//
//! Control: the same two locks in the documented order, anon_vma first, then the PMD lock.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, pgtable::PmdGuard, MmWithUser};

fn count(mm: &MmWithUser, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    let anon_vma = vma.anon_vma()?;
    let (anon, mut ctx) = anon_vma.lock_read(&mut ctx);
    let (pmd, _ctx) = PmdGuard::lock(&mut ctx, vma, addr)?;
    Some(usize::from(pmd.is_leaf()) + anon.count_vmas(0, usize::MAX))
}
