// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (mm/rmap.c): "vma_start_write" comes
//       before "anon_vma->rwsem".
// expect-error: E0277
// expect-message: the trait bound `AnonVmaLock: Before<VmaLock>` is not satisfied
//
//! Compile-fail case: `vma_write_at` (vma_start_write) with the token of a held anon_vma lock.
#![allow(dead_code)]

use kernel::{
    error::{code::EINVAL, Result},
    mm::{order::Ctx, virt::flags, MmWithUser},
};

fn dontcopy(mm: &MmWithUser, addr: usize) -> Result {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_write_lock(&mut ctx);
    let anon_vma = mmap
        .vma_lookup(addr)
        .and_then(|v| v.anon_vma())
        .ok_or(EINVAL)?;
    let (_anon, mut ctx) = anon_vma.lock_write(&mut ctx);
    let vma = mmap.vma_write_at(&mut ctx, addr).ok_or(EINVAL)?;
    vma.mod_flags(flags::DONTCOPY, 0)
}
