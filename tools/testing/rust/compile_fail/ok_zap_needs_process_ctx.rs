// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page tables": zapping needs only a stable VMA, and
//       it may sleep, so it runs once the caller's atomic section has ended, still under the
//       VMA read lock taken in it.
//
//! Control: the spinlock is released, `assume_process` turns the token into a process-context
//! one at the same level, then the zap runs under the VMA read lock (as Rust Binder's shrinker,
//! `rust_shrink_free_page` in drivers/android/binder/page_range.rs).
#![allow(dead_code)]

use kernel::{
    error::{code::EAGAIN, Result},
    mm::{order::Ctx, MmWithUser},
    page::PAGE_SIZE,
    sync::SpinLock,
};

fn zap_first_page(lru: &SpinLock<usize>, mm: &MmWithUser, addr: usize) -> Result {
    let lru = lru.lock();
    // SAFETY: No mm lock is held; the spinlock `lru` is (atomic context).
    let mut ctx = unsafe { Ctx::new_atomic() };
    let (vma, mut ctx) = mm.lock_vma_under_rcu(&mut ctx, addr).ok_or(EAGAIN)?;
    drop(lru);
    // SAFETY: `lru` was the only reason for atomic context; it is released, so the task may
    // sleep again.
    let mut ctx = unsafe { ctx.assume_process() };
    vma.zap_vma_range(&mut ctx, vma.start(), PAGE_SIZE)?;
    Ok(())
}
