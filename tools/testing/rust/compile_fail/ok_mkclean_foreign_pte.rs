// SPDX-License-Identifier: GPL-2.0
//
// rule: Rust Binder fix "check ownership before using vma" (Feb 2026);
//       Documentation/mm/process_addrs.rst, "VMA fields" (table "Core fields": `vm_ops` and
//       `vm_private_data` are "written once on initial map by `f_ops->mmap()`", the latter
//       "Handled by driver"): a driver changes only the VMAs it set up itself. A VMA found by
//       address may be another mapping that replaced its own (MAP_FIXED, another open file of the
//       same driver); only `VmOpsTable::owns` (table and owner) makes it the driver's.
//       Cleaning an entry also needs the MMU notifiers around it, which `OwnedVma::mkclean_range`
//       calls.
//
//! Control: the same page cleaned through `OwnedVma::mkclean_range` on a VMA of this driver and
//! owner.
#![allow(dead_code)]

use kernel::{
    error::{code::EINVAL, Result},
    mm::{order::Ctx, MmWithUser},
    page::PAGE_SIZE,
};

include!("support/driver.rs");

fn clean_page(mm: &MmWithUser, buf: &Buffer, addr: usize) -> Result<bool> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr).ok_or(EINVAL)?;
    let ours = VM_OPS.owns(vma, buf).ok_or(EINVAL)?;
    let start = addr & !(PAGE_SIZE - 1);
    Ok(ours.mkclean_range(&mut ctx, start, start + PAGE_SIZE)? != 0)
}
