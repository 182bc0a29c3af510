// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page tables": zapping needs only a stable VMA (here
//       a VMA read lock, taken with the lock_vma_under_rcu trylock), but zap_vma_range() takes
//       the PTE locks itself and may sleep (cond_resched, TLB gather), so it must not run in
//       the atomic context the token was made for (`Ctx::new_atomic`).
// expect-error: E0308
// expect-message: mismatched types
// expect-message: found `&mut Ctx<'_, VmaLock, Atomic>`
// expect-message: expected mutable reference `&mut Ctx<'_, _, Process>`
//
//! Compile-fail case: `OwnedVma::zap_vma_range` with the atomic token that `lock_vma_under_rcu`
//! returns for an atomic caller (a spinlock of its own is held).
#![allow(dead_code)]

use kernel::{
    error::{code::EAGAIN, Result},
    mm::{order::Ctx, MmWithUser},
    page::PAGE_SIZE,
    sync::SpinLock,
};

include!("support/driver.rs");

fn zap_first_page(lru: &SpinLock<usize>, mm: &MmWithUser, buf: &Buffer, addr: usize) -> Result {
    let lru = lru.lock();
    // SAFETY: No mm lock is held; the spinlock `lru` is (atomic context).
    let mut ctx = unsafe { Ctx::new_atomic() };
    let (vma, mut ctx) = mm.lock_vma_under_rcu(&mut ctx, addr).ok_or(EAGAIN)?;
    let ours = VM_OPS.owns(&vma, buf).ok_or(EAGAIN)?;
    ours.zap_vma_range(&mut ctx, vma.start(), PAGE_SIZE)?; // misuse
    drop(lru);
    // SAFETY: `lru` was the only reason for atomic context; it is released, so the task may
    // sleep again.
    let mut ctx = unsafe { ctx.assume_process() };
    ours.zap_vma_range(&mut ctx, vma.start(), PAGE_SIZE)?;
    Ok(())
}
