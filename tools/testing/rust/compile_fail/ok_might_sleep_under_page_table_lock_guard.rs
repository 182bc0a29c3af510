// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page table locking details": the task may sleep
//       under the mmap lock, not under the `mm->page_table_lock` spinlock.
//
//! Control: `might_sleep` with the mmap-lock token, before `mm->page_table_lock` is taken.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, pgtable::PageTableLockGuard, MmWithUser};

fn same_mm(mm: &MmWithUser, addr: usize) -> Option<bool> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    ctx.might_sleep();
    let (ptl, _ctx) = PageTableLockGuard::lock(&mut ctx, vma);
    Some(core::ptr::eq(ptl.mm(), vma.mm()))
}
