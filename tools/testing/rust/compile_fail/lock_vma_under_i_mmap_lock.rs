// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (mm/rmap.c): "vma_start_write" (the
//       VMA lock, whose read side is lock_vma_under_rcu) comes before "mapping->i_mmap_rwsem".
// expect-error: E0277
// expect-message: the trait bound `IMmapLock: Before<VmaLock>` is not satisfied
//
//! Compile-fail case: `lock_vma_under_rcu` with the token of a held i_mmap lock.
#![allow(dead_code)]

use kernel::{
    fs::File,
    mm::{order::Ctx, MmWithUser},
};

fn count(mm: &MmWithUser, file: &File, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (i_mmap, mut ctx) = file.mapping().i_mmap_lock_read(&mut ctx);
    let (vma, _ctx) = mm.lock_vma_under_rcu(&mut ctx, addr)?;
    Some(vma.len() + i_mmap.vmas(0, usize::MAX).count())
}
