// SPDX-License-Identifier: GPL-2.0
//
// rule: Rust Binder fix "check ownership before using vma" (Feb 2026);
//       Documentation/mm/process_addrs.rst, "VMA fields" (table "Core fields": `vm_ops` and
//       `vm_private_data` are "written once on initial map by `f_ops->mmap()`", the latter
//       "Handled by driver"): a driver changes only the VMAs it set up itself. A VMA found by
//       address may be another mapping that replaced its own (MAP_FIXED, another open file of the
//       same driver); only `VmOpsTable::owns` (table and owner) makes it the driver's.
// expect-error: E0061
// expect-message: this method takes 4 arguments but 3 arguments were supplied
// expect-message: argument #2 of type `&OwnedVma<'_, _>` is missing
//
//! Compile-fail case: a driver changes the flags of the VMA it write-locked by address, without
//! the proof that it is one of its own.
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
    let w = mmap.vma_write_at(&mut ctx, addr)?;
    let ret = w.mod_flags(
        &mut ctx,
        flags::DONTCOPY, // misuse: &VM_OPS.owns(&w, buf)?, flags::DONTCOPY,
        0,
    );
    Some(ret)
}
