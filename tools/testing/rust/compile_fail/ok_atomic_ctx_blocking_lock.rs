// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Terminology": the mmap lock is a read/write
//       semaphore; a trylock (mmap_read_trylock) never waits, so atomic context may use it.
//
//! Control: the same lookup with `mmap_read_trylock` and the `Ctx::new_atomic` token.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn first_vma_len(mm: &MmWithUser) -> Option<usize> {
    // SAFETY: No mm lock is held; the caller may hold a spinlock of its own (atomic context).
    let mut ctx = unsafe { Ctx::new_atomic() };
    let (mmap, _ctx) = mm.mmap_read_trylock(&mut ctx)?;
    Some(mmap.find_vma(0)?.len())
}
