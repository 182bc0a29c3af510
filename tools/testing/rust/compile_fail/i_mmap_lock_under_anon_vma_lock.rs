// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (mm/rmap.c: "mapping->i_mmap_rwsem"
//       above "anon_vma->rwsem"; mm/filemap.c: "->i_mmap_rwsem / ->anon_vma.lock (vma_merge)").
// expect-error: E0277
// expect-message: the trait bound `AnonVmaLock: Before<IMmapLock>` is not satisfied
//
//! Compile-fail case: `i_mmap_lock_read` with the token of a held anon_vma lock.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn count(mm: &MmWithUser, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    let (file, anon_vma) = (vma.file()?, vma.anon_vma()?);
    let (anon, mut ctx) = anon_vma.lock_read(&mut ctx);
    let (i_mmap, _ctx) = file.mapping().i_mmap_lock_read(&mut ctx);
    Some(anon.count_vmas(0, usize::MAX) + i_mmap.vmas(0, usize::MAX).count())
}
