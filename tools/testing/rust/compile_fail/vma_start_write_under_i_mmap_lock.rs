// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (mm/rmap.c): "vma_start_write" comes
//       before "mapping->i_mmap_rwsem"; vma_start_write waits for VMA readers (it sleeps), and a
//       reader may be waiting for i_mmap_rwsem.
// expect-error: E0277
// expect-message: the trait bound `IMmapLock: Before<VmaLock>` is not satisfied
//
//! Compile-fail case: `vma_start_write` with the token of a held i_mmap lock.
#![allow(dead_code)]

use kernel::{
    error::{code::EINVAL, Result},
    fs::File,
    mm::{order::Ctx, rmap::AddressSpace, virt::flags, MmWithUser},
};

include!("support/driver.rs");

fn dontcopy(mm: &MmWithUser, file: &File, buf: &Buffer, addr: usize) -> Result {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_write_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr).ok_or(EINVAL)?;
    let ours = VM_OPS.owns(vma, buf).ok_or(EINVAL)?;
    let space = AddressSpace::of_file(file);
    let (_i_mmap, mut ctx) = // misuse: let vma =
        space.i_mmap_lock_write(&mut ctx); // misuse: mmap.vma_start_write(&mut ctx, vma);
    let vma = // misuse: let (_i_mmap, mut ctx) =
        mmap.vma_start_write(&mut ctx, vma); // misuse: space.i_mmap_lock_write(&mut ctx);
    let vma = vma.ok_or(EINVAL)?;
    vma.mod_flags(&mut ctx, &ours, flags::DONTCOPY, 0)
}
