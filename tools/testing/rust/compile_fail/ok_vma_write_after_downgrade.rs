// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "mmap write lock downgrading": downgrading
//       "implicitly terminates all VMA write locks via vma_end_write_all".
//
//! Control: writing through a VMA write guard, then downgrading and only reading.
#![allow(dead_code)]

use kernel::error::Result;
use kernel::mm::{order::Ctx, virt::flags, MmWithUser};

fn mark_dontcopy(mm: &MmWithUser, addr: usize) -> Option<Result> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_write_lock(&mut ctx);
    let vma = mmap.vma_write_at(&mut ctx, addr)?;
    let ret = vma.mod_flags(flags::DONTCOPY, 0);
    let mmap = mmap.downgrade();
    let _still_mapped = mmap.vma_lookup(addr)?;
    Some(ret)
}
