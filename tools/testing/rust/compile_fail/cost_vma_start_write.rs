// SPDX-License-Identifier: GPL-2.0
//
// rule: Lock-order tokens and guards (rust/kernel/mm/virt.rs, VmaWriteGuard) must cost nothing
//       but the same-mm check: Documentation/mm/process_addrs.rst, "Lock usage" (a VMA write
//       lock needs the mmap write lock of its mm).
// same-code: vma_write_with_tokens vma_write_raw_calls
//
//! Zero-cost check: mmap write lock, `vma_write_at` (lookup, same-mm check, `vma_start_write`),
//! a flags read and the unlock, versus the same C calls and check made by hand.
#![allow(dead_code)]

use kernel::bindings;
use kernel::mm::{order::Ctx, order::Unlocked, MmWithUser};

#[no_mangle]
fn vma_write_with_tokens(mm: &MmWithUser, ctx: &mut Ctx<'_, Unlocked>, addr: usize) -> usize {
    let (mmap, mut ctx) = mm.mmap_write_lock(ctx);
    mmap.vma_write_at(&mut ctx, addr)
        .map_or(0, |vma| vma.flags() as usize)
}

#[no_mangle]
fn vma_write_raw_calls(mm: &MmWithUser, _no_token: &mut (), addr: usize) -> usize {
    let mm = mm.as_raw();
    // SAFETY: `mm` has users; the VMA is write-locked under the mmap write lock of its own mm,
    // and the mmap write lock (ending the VMA write lock) is released before returning.
    unsafe {
        bindings::mmap_write_lock(mm);
        let vma = bindings::vma_lookup(mm, addr as _);
        let flags = if vma.is_null() || (*vma).vm_mm != mm {
            0
        } else {
            bindings::vma_start_write(vma);
            bindings::vma_assert_write_locked(vma);
            core::ptr::read_volatile(&raw const (*vma).__bindgen_anon_2.vm_flags) as usize
        };
        bindings::mmap_write_unlock(mm);
        flags
    }
}
