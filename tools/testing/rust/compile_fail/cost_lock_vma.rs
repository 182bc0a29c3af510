// SPDX-License-Identifier: GPL-2.0
//
// rule: Lock-order tokens and guards (rust/kernel/mm.rs, MmWithUser::lock_vma and StableVma)
//       must cost nothing: Documentation/mm/process_addrs.rst, "Using address space locks"
//       (VMA read lock, with the mmap read lock as fall-back).
// same-code: lock_vma_with_tokens lock_vma_raw_calls
//
//! Zero-cost check: `lock_vma` (VMA read lock, else mmap read lock and lookup), a flags read and
//! the release of whichever lock was taken, versus the same C calls made by hand.
#![allow(dead_code)]

use kernel::bindings;
use kernel::mm::{order::Ctx, order::Unlocked, MmWithUser};

#[no_mangle]
fn lock_vma_with_tokens(mm: &MmWithUser, ctx: &mut Ctx<'_, Unlocked>, addr: usize) -> usize {
    match mm.lock_vma(ctx, addr) {
        Some((vma, _ctx)) => vma.flags() as usize,
        None => 0,
    }
}

#[no_mangle]
fn lock_vma_raw_calls(mm: &MmWithUser, _no_token: &mut (), addr: usize) -> usize {
    let mm = mm.as_raw();
    // SAFETY: `mm` has users; the VMA is read under its read lock or under the mmap read lock,
    // and that lock is released before returning.
    unsafe {
        let vma = bindings::lock_vma_under_rcu(mm, addr as _);
        if !vma.is_null() {
            let flags = core::ptr::read_volatile(&raw const (*vma).__bindgen_anon_2.vm_flags);
            bindings::vma_end_read(vma);
            return flags as usize;
        }
        bindings::mmap_read_lock(mm);
        let vma = bindings::vma_lookup(mm, addr as _);
        if vma.is_null() {
            bindings::mmap_read_unlock(mm);
            return 0;
        }
        let flags = core::ptr::read_volatile(&raw const (*vma).__bindgen_anon_2.vm_flags);
        bindings::mmap_read_unlock(mm);
        flags as usize
    }
}
