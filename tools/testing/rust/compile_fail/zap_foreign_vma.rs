// SPDX-License-Identifier: GPL-2.0
//
// rule: Rust Binder fix "check ownership before using vma" (Feb 2026);
//       Documentation/mm/process_addrs.rst, "VMA fields" (table "Core fields": `vm_ops` and
//       `vm_private_data` are "written once on initial map by `f_ops->mmap()`", the latter
//       "Handled by driver"): a driver changes only the VMAs it set up itself. A VMA found by
//       address may be another mapping that replaced its own (MAP_FIXED, another open file of the
//       same driver); only `VmOpsTable::owns` (table and owner) makes it the driver's.
// expect-error: E0624
// expect-message: method `zap_vma_range` is private
//
//! Compile-fail case: a driver zaps the VMA it looked up by address, without checking that it
//! is one of its own.
#![allow(dead_code)]

use kernel::{
    error::{code::EINVAL, Result},
    mm::{order::Ctx, MmWithUser},
    page::PAGE_SIZE,
};

include!("support/driver.rs");

fn zap_page(mm: &MmWithUser, buf: &Buffer, addr: usize) -> Result {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let found = mmap.vma_lookup(addr).ok_or(EINVAL)?;
    let vma = found; // misuse: let vma = VM_OPS.owns(found, buf).ok_or(EINVAL)?;
    vma.zap_vma_range(&mut ctx, addr & !(PAGE_SIZE - 1), PAGE_SIZE)
}
