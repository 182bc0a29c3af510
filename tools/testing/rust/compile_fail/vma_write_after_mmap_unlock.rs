// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Terminology" (VMA locks): "all VMA write locks are
//       unlocked automatically when the mmap write lock is released"; "VMA lock internals":
//       "An mmap write lock **must** be held for the duration of the VMA write lock".
// expect-error: E0505
// expect-message: cannot move out of `mmap` because it is borrowed
//
//! Compile-fail case: using a VMA write guard (on a VMA of ours) after `mmap_write_unlock`.
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
    let vma = mmap.vma_write_at(&mut ctx, addr)?;
    let ours = VM_OPS.owns(&vma, buf)?;
    drop(mmap); // misuse: let ret = vma.mod_flags(&mut ctx, &ours, flags::DONTCOPY, 0);
    let ret = vma.mod_flags(&mut ctx, &ours, flags::DONTCOPY, 0); // misuse: drop(mmap);
    Some(ret)
}
