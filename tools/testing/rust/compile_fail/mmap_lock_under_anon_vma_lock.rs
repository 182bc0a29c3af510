// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (mm/rmap.c): "mm->mmap_lock" comes
//       before "anon_vma->rwsem".
// expect-error: E0277
// expect-message: the trait bound `AnonVmaLock: Before<MmapLock>` is not satisfied
//
//! Compile-fail case: `mmap_read_lock` with the token of a held anon_vma lock.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, rmap::AnonVma, MmWithUser};

fn count(mm: &MmWithUser, anon_vma: &AnonVma) -> usize {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (anon, mut ctx) = anon_vma.lock_read(&mut ctx);
    let (mmap, _ctx) = mm.mmap_read_lock(&mut ctx);
    anon.count_vmas(0, usize::MAX) + mmap.vmas(0, usize::MAX).count()
}
