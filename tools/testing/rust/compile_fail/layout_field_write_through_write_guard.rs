// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "VMA fields", "Virtual layout fields": vm_start,
//       vm_end and vm_pgoff are written under "mmap write, VMA write, rmap write"; the mmap and
//       VMA write locks alone do not allow it, so VmaWriteGuard has no setter for them.
// expect-error: E0599
// expect-message: no method named `set_start` found for struct `VmaWriteGuard<'_>`
//
//! Compile-fail case: moving a VMA's start with only the mmap and VMA write locks.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

include!("support/driver.rs");

fn shrink(mm: &MmWithUser, buf: &Buffer, addr: usize) -> Option<()> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_write_lock(&mut ctx);
    let vma = mmap.vma_write_at(&mut ctx, addr)?;
    let start = vma.start() + 4096; // misuse: let f = kernel::mm::virt::flags::DONTDUMP;
    vma.set_start(start); // misuse: vma.mod_flags(&mut ctx, &VM_OPS.owns(&vma, buf)?, f, 0).ok()?;
    Some(())
}
