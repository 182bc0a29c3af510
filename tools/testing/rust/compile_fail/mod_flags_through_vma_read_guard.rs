// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock usage", lock-state table, row "- R -": a VMA read
//       lock makes the VMA stable and readable, "Write most? N"; table "Core fields": `__vm_flags`
//       is written with "mmap write, VMA write".
// expect-error: E0599
// expect-message: no method named `mod_flags` found for struct `VmaReadGuard<'_>`
//
//! Compile-fail case: changing the flags of a VMA of ours under a VMA read lock.
#![allow(dead_code)]

use kernel::{
    error::Result,
    mm::{order::Ctx, virt::flags, MmWithUser},
};

include!("support/driver.rs");

fn mark_dontcopy(mm: &MmWithUser, buf: &Buffer, addr: usize) -> Option<Result> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (vma, _ctx) = // misuse: let (mmap, mut ctx) = mm.mmap_write_lock(&mut ctx); let vma =
        mm.lock_vma_under_rcu(&mut ctx, addr)?; // misuse: mmap.vma_write_at(&mut ctx, addr)?;
    let ours = VM_OPS.owns(&vma, buf)?;
    Some(vma.mod_flags(&mut ctx, &ours, flags::DONTCOPY, 0))
}
