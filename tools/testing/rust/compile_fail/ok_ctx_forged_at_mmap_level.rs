// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering": a token at the mmap_lock level
//       states that the mmap lock is held.
//
//! Control: the token at the mmap_lock level comes from taking the mmap lock.
#![allow(dead_code)]

use kernel::mm::{
    order::{Ctx, MmapLock},
    MmWithUser,
};

fn start_of(mm: &MmWithUser, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut root = unsafe { Ctx::new() };
    let (_mmap, mut ctx): (_, Ctx<'_, MmapLock>) = mm.mmap_read_lock(&mut root);
    let (vma, _ctx) = mm.lock_vma_under_rcu(&mut ctx, addr)?;
    Some(vma.start())
}
