// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (mm/rmap.c): "mm->mmap_lock" comes
//       before "mapping->i_mmap_rwsem".
//
//! Control: the same two locks in the documented order, mmap lock first.
#![allow(dead_code)]

use kernel::{
    fs::File,
    mm::{order::Ctx, rmap::AddressSpace, MmWithUser},
};

fn count(mm: &MmWithUser, file: &File) -> usize {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let (i_mmap, _ctx) = AddressSpace::of_file(file).i_mmap_lock_read(&mut ctx);
    i_mmap.vmas(0, usize::MAX).count() + mmap.vmas(0, usize::MAX).count()
}
