// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (mm/rmap.c): "mm->mmap_lock" comes
//       before "mapping->i_mmap_rwsem" (also mm/filemap.c: "->mmap_lock / ->i_mmap_rwsem").
// expect-error: E0277
// expect-message: the trait bound `IMmapLock: Before<MmapLock>` is not satisfied
//
//! Compile-fail case: `mmap_read_lock` with the token of a held i_mmap lock.
#![allow(dead_code)]

use kernel::{
    fs::File,
    mm::{order::Ctx, rmap::AddressSpace, MmWithUser},
};

fn count(mm: &MmWithUser, file: &File) -> usize {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let space = AddressSpace::of_file(file);
    let (i_mmap, mut ctx) = // misuse: let (mmap, mut ctx) =
        space.i_mmap_lock_read(&mut ctx); // misuse: mm.mmap_read_lock(&mut ctx);
    let (mmap, _ctx) = // misuse: let (i_mmap, _ctx) =
        mm.mmap_read_lock(&mut ctx); // misuse: space.i_mmap_lock_read(&mut ctx);
    i_mmap.vmas(0, usize::MAX).count() + mmap.vmas(0, usize::MAX).count()
}
