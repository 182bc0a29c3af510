// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (mm/rmap.c): "mm->mmap_lock" comes
//       before "mapping->i_mmap_rwsem"; and "Lock usage": when lock_vma_under_rcu fails,
//       "fall-back logic is required to instead obtain an mmap read lock", which sleeps. The
//       VMA read lock alone is a trylock (allowed at any level); the fall-back is not.
// expect-error: E0277
// expect-message: the trait bound `IMmapLock: Before<MmapLock>` is not satisfied
// expect-message: required by a bound in `MmWithUser::lock_vma`
//
//! Compile-fail case: `MmWithUser::lock_vma` (mmap-lock fall-back) with the token of a held
//! i_mmap lock.
#![allow(dead_code)]

use kernel::{
    fs::File,
    mm::{order::Ctx, rmap::AddressSpace, MmWithUser},
};

fn count(mm: &MmWithUser, file: &File, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let space = AddressSpace::of_file(file);
    let (i_mmap, mut ctx) = // misuse: let (vma, mut ctx) =
        space.i_mmap_lock_read(&mut ctx); // misuse: mm.lock_vma(&mut ctx, addr)?;
    let (vma, _ctx) = // misuse: let (i_mmap, _ctx) =
        mm.lock_vma(&mut ctx, addr)?; // misuse: space.i_mmap_lock_read(&mut ctx);
    Some(vma.len() + i_mmap.vmas(0, usize::MAX).count())
}
