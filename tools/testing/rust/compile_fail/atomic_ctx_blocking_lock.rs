// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Terminology": the mmap lock is a read/write
//       semaphore ("All of these locks behave as read/write semaphores in practice"), and
//       taking an rw_semaphore may sleep; in atomic context only trylocks may be used.
// expect-error: E0308
// expect-message: mismatched types
// expect-message: found `&mut Ctx<'_, Unlocked, Atomic>`
// expect-message: expected mutable reference `&mut Ctx<'_, _, Process>`
//
//! Compile-fail case: `mmap_read_lock` (blocking) with the token made by `Ctx::new_atomic`.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn first_vma_len(mm: &MmWithUser) -> Option<usize> {
    // SAFETY: No mm lock is held; the caller may hold a spinlock of its own (atomic context).
    let mut ctx = unsafe { Ctx::new_atomic() };
    let lock = mm.mmap_read_lock(&mut ctx); // misuse: let lock = mm.mmap_read_trylock(&mut ctx)?;
    let (mmap, _ctx) = lock;
    Some(mmap.find_vma(0)?.len())
}
