// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page table locking details": the higher page-table
//       levels are protected by the spinlock `mm->page_table_lock`; while it is held the task is
//       in atomic context and must not sleep (might_sleep()).
// expect-error: E0599
// expect-message: the method `might_sleep` exists for struct `Ctx<'_, PageTableLock>`
// expect-message: but its trait bounds were not satisfied
// expect-message: `PageTableLock: Sleepable`
//
//! Compile-fail case: `might_sleep` with the token of a held `mm->page_table_lock`.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, pgtable::PageTableLockGuard, MmWithUser};

fn same_mm(mm: &MmWithUser, addr: usize) -> Option<bool> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    let (ptl, mut ctx) = PageTableLockGuard::lock(&mut ctx, vma); // misuse: ctx.might_sleep();
    ctx.might_sleep(); // misuse: let (ptl, _ctx) = PageTableLockGuard::lock(&mut ctx, vma);
    Some(core::ptr::eq(ptl.mm(), vma.mm()))
}
