// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "VMA fields", table "Core fields": `__vm_flags` is
//       written with "mmap write, VMA write".
//
//! Control: changing VMA flags under the mmap write lock and the VMA write lock.
#![allow(dead_code)]

use kernel::error::Result;
use kernel::mm::{order::Ctx, virt::flags, MmWithUser};

fn mark_dontcopy(mm: &MmWithUser, addr: usize) -> Option<Result> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_write_lock(&mut ctx);
    let vma = mmap.vma_write_at(&mut ctx, addr)?;
    Some(vma.mod_flags(flags::DONTCOPY, 0))
}
