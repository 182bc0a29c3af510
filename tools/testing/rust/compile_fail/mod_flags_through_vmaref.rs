// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "VMA fields", table "Core fields": `__vm_flags` is
//       written with "mmap write, VMA write"; the mmap write lock alone gives "Write most? N"
//       (lock-state table, row "R/W -/R -/R/W").
// expect-error: E0599
// expect-message: no method named `mod_flags` found for reference `&VmaRef`
//
//! Compile-fail case: changing the flags of a VMA of ours under the mmap write lock without the
//! VMA write lock.
#![allow(dead_code)]

use kernel::{
    error::Result,
    mm::{order::Ctx, virt::flags, MmWithUser},
};

include!("support/driver.rs");

fn mark_dontcopy(mm: &MmWithUser, buf: &Buffer, addr: usize) -> Option<Result> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_write_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?; // misuse: let vma = mmap.vma_write_at(&mut ctx, addr)?;
    let ours = VM_OPS.owns(&vma, buf)?;
    Some(vma.mod_flags(&mut ctx, &ours, flags::DONTCOPY, 0))
}
