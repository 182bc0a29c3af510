// SPDX-License-Identifier: GPL-2.0
//
// rule: Rust Binder fix "check ownership before using vma" (Feb 2026);
//       Documentation/mm/process_addrs.rst, "VMA fields" (table "Core fields": `vm_ops` and
//       `vm_private_data` are "written once on initial map by `f_ops->mmap()`", the latter
//       "Handled by driver"): a driver changes only the VMAs it set up itself. A VMA found by
//       address may be another mapping that replaced its own (MAP_FIXED, another open file of the
//       same driver); only `VmOpsTable::owns` (table and owner) makes it the driver's.
//       Cleaning an entry also needs the MMU notifiers around it, which `PteGuard` does not call.
// expect-error: E0624
// expect-message: method `mkclean` is private
//
//! Compile-fail case: a driver write-protects and cleans an entry of the VMA it looked up by
//! address, through `PteGuard::mkclean`.
#![allow(dead_code)]

use kernel::{
    error::{code::EINVAL, Result},
    mm::{order::Ctx, pgtable::PteGuard, MmWithUser},
};

fn clean_page(mm: &MmWithUser, addr: usize) -> Result<bool> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr).ok_or(EINVAL)?;
    let (mut pte, _ctx) = PteGuard::lock(&mut ctx, vma, addr).ok_or(EINVAL)?;
    Ok(pte.mkclean())
}
