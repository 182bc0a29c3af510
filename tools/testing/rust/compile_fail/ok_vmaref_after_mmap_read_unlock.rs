// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock usage": obtain an mmap read lock, "unlocking it
//       with a matching mmap_read_unlock when you're done with the VMA".
//
//! Control: reading a VMA, then releasing the mmap read lock.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn vma_start(mm: &MmWithUser, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, _ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    let start = vma.start();
    drop(mmap);
    Some(start)
}
