// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (mm/rmap.c): "mm->mmap_lock" comes
//       before "anon_vma->rwsem".
//
//! Control: the same two locks in the documented order, mmap lock first.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, rmap::AnonVma, MmWithUser};

fn count(mm: &MmWithUser, anon_vma: &AnonVma) -> usize {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let (anon, _ctx) = anon_vma.lock_read(&mut ctx);
    anon.count_vmas(0, usize::MAX) + mmap.vmas(0, usize::MAX).count()
}
