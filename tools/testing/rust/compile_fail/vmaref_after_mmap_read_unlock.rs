// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock usage": to read VMA fields or keep the VMA
//       stable, obtain an mmap read lock, "unlocking it with a matching mmap_read_unlock when
//       you're done with the VMA".
// expect-error: E0505
// expect-message: cannot move out of `mmap` because it is borrowed
//
//! Compile-fail case: reading a VMA found under the mmap read lock after unlocking it.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn vma_start(mm: &MmWithUser, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, _ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    drop(mmap); // misuse: let start = vma.start();
    let start = vma.start(); // misuse: drop(mmap);
    Some(start)
}
