// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (mm/filemap.c: "->i_mmap_rwsem /
//       ->anon_vma.lock (vma_merge)").
//
//! Control: the same two locks in the documented order, i_mmap first.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn count(mm: &MmWithUser, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    let (file, anon_vma) = (vma.file()?, vma.anon_vma()?);
    let (i_mmap, mut ctx) = file.mapping().i_mmap_lock_read(&mut ctx);
    let (anon, _ctx) = anon_vma.lock_read(&mut ctx);
    Some(anon.count_vmas(0, usize::MAX) + i_mmap.vmas(0, usize::MAX).count())
}
