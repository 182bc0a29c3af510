// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering": a token at the mmap_lock level
//       states that the mmap lock is held; only taking that lock may produce it, else a VMA
//       lock could be taken (Before<VmaLock>) with no mmap lock behind it.
// expect-error: E0624
// expect-message: associated function `make` is private
//
//! Compile-fail case: forging a lock-order token at a level whose lock is not held.
#![allow(dead_code)]

use kernel::mm::{
    order::{Ctx, MmapLock},
    MmWithUser,
};

fn start_of(mm: &MmWithUser, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut root = unsafe { Ctx::new() };
    let mut ctx: Ctx<'static, MmapLock> = // misuse: let (_mmap, mut ctx): (_, Ctx<'_, MmapLock>) =
        Ctx::make(); // misuse: mm.mmap_read_lock(&mut root);
    let (vma, _ctx) = mm.lock_vma_under_rcu(&mut ctx, addr)?;
    Some(vma.start())
}
