// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Core fields": `vm_ops` is "written once on initial
//       map by f_ops->mmap()" and `vm_private_data` is "handled by driver": only a VMA whose
//       `vm_ops` is this driver's table, and whose `vm_private_data` is this owner, belongs to
//       this owner. A VMA found by address may belong to anyone (another driver, or another
//       file of this driver), so `OwnedVma` is only made by `VmOpsTable::owns`, which checks both.
// expect-error: E0451
// expect-message: fields `vma` and `owner` of struct `OwnedVma` are private
//
//! Compile-fail case: building an `OwnedVma` for a foreign VMA without `VmOpsTable::owns`.
#![allow(dead_code)]

use kernel::mm::{virt::VmaRef, vm_ops::OwnedVma};

include!("support/driver.rs");

fn buffer_len(vma: &VmaRef, buf: &Buffer) -> Option<usize> {
    let owned: OwnedVma<'_, BufferVma>;
    owned = OwnedVma { vma, owner: buf }; // misuse: owned = VM_OPS.owns(vma, buf)?;
    Some(owned.owner().len)
}
