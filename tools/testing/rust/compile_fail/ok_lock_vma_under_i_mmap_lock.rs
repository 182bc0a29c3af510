// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (mm/rmap.c): "mm->mmap_lock" and the
//       VMA lock come before "mapping->i_mmap_rwsem".
//
//! Control: the same two locks in the documented order, `lock_vma` (VMA read lock or mmap read
//! lock) first, then the i_mmap lock under its `VmaLock` token.
#![allow(dead_code)]

use kernel::{
    fs::File,
    mm::{order::Ctx, rmap::AddressSpace, MmWithUser},
};

fn count(mm: &MmWithUser, file: &File, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (vma, mut ctx) = mm.lock_vma(&mut ctx, addr)?;
    let (i_mmap, _ctx) = AddressSpace::of_file(file).i_mmap_lock_read(&mut ctx);
    Some(vma.len() + i_mmap.vmas(0, usize::MAX).count())
}
