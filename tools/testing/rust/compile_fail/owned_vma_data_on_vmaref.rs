// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Core fields": `vm_private_data` is "handled by
//       driver" and means something only for a VMA whose `vm_ops` is that driver's table and
//       whose `vm_private_data` is the expected owner; a VMA looked up by address may have been
//       replaced by someone else's mapping.
// expect-error: E0599
// expect-message: no method named `owner` found for reference `&VmaRef`
//
//! Compile-fail case: reading the driver's owner from a `&VmaRef` without `VmOpsTable::owns`.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

include!("support/driver.rs");

fn buffer_len(mm: &MmWithUser, buf: &Buffer, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, _ctx) = mm.mmap_read_lock(&mut ctx);
    let found = mmap.vma_lookup(addr)?;
    let vma = found; // misuse: let vma = VM_OPS.owns(found, buf)?;
    Some(vma.owner().len)
}
