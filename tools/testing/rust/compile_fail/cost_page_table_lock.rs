// SPDX-License-Identifier: GPL-2.0
//
// rule: Lock-order tokens and guards (rust/kernel/mm/pgtable.rs, PageTableLockGuard) must cost
//       nothing: Documentation/mm/process_addrs.rst, "Page table locking details" (higher level
//       page table locks: mm->page_table_lock).
// same-code: ptl_with_tokens ptl_raw_calls
//
//! Zero-cost check: `PageTableLockGuard::lock` on a stable VMA and the unlock on drop, versus
//! `spin_lock`/`spin_unlock` of `vma->vm_mm->page_table_lock` made by hand.
#![allow(dead_code)]

use kernel::bindings;
use kernel::mm::{order::Ctx, order::MmapLock, pgtable::PageTableLockGuard, virt::VmaRef};

#[no_mangle]
fn ptl_with_tokens(vma: &VmaRef, ctx: &mut Ctx<'_, MmapLock>) {
    let (_ptl, _ctx) = PageTableLockGuard::lock(ctx, vma);
}

#[no_mangle]
fn ptl_raw_calls(vma: &VmaRef, _no_token: &mut ()) {
    // SAFETY: The caller keeps `vma`, and with it its mm, stable; the lock is released before
    // returning.
    unsafe {
        let mm = (*vma.as_ptr()).vm_mm;
        let lock = &raw mut (*mm).__bindgen_anon_1.page_table_lock;
        bindings::spin_lock(lock);
        bindings::spin_unlock(lock);
    }
}
