// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock usage": "you must obtain an mmap **write** lock
//       **first** in order to obtain a VMA **write** lock".
// expect-error: E0599
// expect-message: no method named `vma_start_write` found for struct `MmapReadGuard<'_>`
//
//! Compile-fail case: write-locking a VMA of ours under the mmap read lock.
#![allow(dead_code)]

use kernel::{
    error::Result,
    mm::{order::Ctx, virt::flags, MmWithUser},
};

include!("support/driver.rs");

fn mark_dontcopy(mm: &MmWithUser, buf: &Buffer, addr: usize) -> Option<Result> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let lock = mm.mmap_read_lock(&mut ctx); // misuse: let lock = mm.mmap_write_lock(&mut ctx);
    let (mmap, mut ctx) = lock;
    let vma = mmap.vma_lookup(addr)?;
    let ours = VM_OPS.owns(vma, buf)?;
    let vma = mmap.vma_start_write(&mut ctx, vma)?;
    Some(vma.mod_flags(&mut ctx, &ours, flags::DONTCOPY, 0))
}
