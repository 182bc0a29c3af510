// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "mmap write lock downgrading": downgrading
//       "implicitly terminates all VMA write locks via vma_end_write_all"; "VMA lock
//       internals": "releasing or downgrading the mmap write lock also releases the VMA write
//       lock".
// expect-error: E0505
// expect-message: cannot move out of `mmap` because it is borrowed
//
//! Compile-fail case: using a VMA write guard (on a VMA of ours) after `mmap_write_downgrade`.
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
    let f = flags::DONTCOPY;
    let mmap = mmap.downgrade(); // misuse: let ret = vma.mod_flags(&mut ctx, &ours, f, 0);
    let ret = vma.mod_flags(&mut ctx, &ours, f, 0); // misuse: let mmap = mmap.downgrade();
    let _still_mapped = mmap.vma_lookup(addr)?;
    Some(ret)
}
