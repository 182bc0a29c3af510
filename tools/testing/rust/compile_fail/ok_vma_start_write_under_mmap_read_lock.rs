// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock usage": "you must obtain an mmap **write** lock
//       **first** in order to obtain a VMA **write** lock".
//
//! Control: write-locking a VMA under the mmap write lock.
#![allow(dead_code)]

use kernel::error::Result;
use kernel::mm::{order::Ctx, virt::flags, MmWithUser};

fn mark_dontcopy(mm: &MmWithUser, addr: usize) -> Option<Result> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_write_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    let vma = mmap.vma_start_write(&mut ctx, vma);
    Some(vma.mod_flags(flags::DONTCOPY, 0))
}
