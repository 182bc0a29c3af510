// SPDX-License-Identifier: GPL-2.0
//
// rule: Lock-order tokens and guards (rust/kernel/mm.rs, MmapWriteGuard) must cost nothing:
//       Documentation/mm/process_addrs.rst, "Lock ordering", is enforced by types only.
// same-code: write_with_tokens write_raw_calls
//
//! Zero-cost check: mmap write lock, a lookup through the write guard, and unlock on drop,
//! versus the same C calls made by hand (same argument registers, see cost_mmap_lookup.rs).
#![allow(dead_code)]

use kernel::bindings;
use kernel::mm::{order::Ctx, order::Unlocked, MmWithUser};

#[no_mangle]
fn write_with_tokens(mm: &MmWithUser, ctx: &mut Ctx<'_, Unlocked>, addr: usize) -> usize {
    let (mmap, _ctx) = mm.mmap_write_lock(ctx);
    mmap.find_vma(addr).map_or(0, |vma| vma.start())
}

#[no_mangle]
fn write_raw_calls(mm: &MmWithUser, _no_token: &mut (), addr: usize) -> usize {
    let mm = mm.as_raw();
    // SAFETY: `mm` has users; the VMA is read under the lock, which is released before returning.
    unsafe {
        bindings::mmap_write_lock(mm);
        let vma = bindings::find_vma(mm, addr as _);
        let start = if vma.is_null() {
            0
        } else {
            (*vma).__bindgen_anon_1.__bindgen_anon_1.vm_start as usize
        };
        bindings::mmap_write_unlock(mm);
        start
    }
}
