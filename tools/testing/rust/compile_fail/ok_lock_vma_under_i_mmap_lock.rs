// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (mm/rmap.c): the VMA lock comes
//       before "mapping->i_mmap_rwsem".
//
//! Control: the same two locks in the documented order, VMA read lock first.
#![allow(dead_code)]

use kernel::{
    fs::File,
    mm::{order::Ctx, MmWithUser},
};

fn count(mm: &MmWithUser, file: &File, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (vma, mut ctx) = mm.lock_vma_under_rcu(&mut ctx, addr)?;
    let (i_mmap, _ctx) = file.mapping().i_mmap_lock_read(&mut ctx);
    Some(vma.len() + i_mmap.vmas(0, usize::MAX).count())
}
