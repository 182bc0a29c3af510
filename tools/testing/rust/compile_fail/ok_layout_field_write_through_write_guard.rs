// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "VMA fields", "Virtual layout fields": vm_start,
//       vm_end and vm_pgoff are written under "mmap write, VMA write, rmap write"; the mmap and
//       VMA write locks alone do not allow it, so VmaWriteGuard has no setter for them.
//
//! Control: a field the table allows under mmap write + VMA write (the flags).
#![allow(dead_code)]

use kernel::mm::{order::Ctx, virt::flags, MmWithUser};

fn shrink(mm: &MmWithUser, addr: usize) -> Option<()> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_write_lock(&mut ctx);
    let vma = mmap.vma_write_at(&mut ctx, addr)?;
    vma.mod_flags(flags::DONTDUMP, 0).ok()
}
