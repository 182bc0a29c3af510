// SPDX-License-Identifier: GPL-2.0
//
// rule: Lock-order tokens and guards (rust/kernel/mm/virt.rs, VmaReadGuard) must cost nothing:
//       Documentation/mm/process_addrs.rst, "Lock ordering" (lock_vma_under_rcu is a trylock).
// same-code: vma_read_with_tokens vma_read_raw_calls
//
//! Zero-cost check: `lock_vma_under_rcu`, a field read and `vma_end_read` on drop, versus the
//! same C calls made by hand (same argument registers, see cost_mmap_lookup.rs).
#![allow(dead_code)]

use kernel::bindings;
use kernel::mm::{order::Ctx, order::Unlocked, MmWithUser};

#[no_mangle]
fn vma_read_with_tokens(mm: &MmWithUser, ctx: &mut Ctx<'_, Unlocked>, addr: usize) -> usize {
    match mm.lock_vma_under_rcu(ctx, addr) {
        Some((vma, _ctx)) => vma.start(),
        None => 0,
    }
}

#[no_mangle]
fn vma_read_raw_calls(mm: &MmWithUser, _no_token: &mut (), addr: usize) -> usize {
    // SAFETY: `mm` has users; a VMA returned read-locked is read, then unlocked.
    unsafe {
        let vma = bindings::lock_vma_under_rcu(mm.as_raw(), addr as _);
        if vma.is_null() {
            return 0;
        }
        let start = (*vma).__bindgen_anon_1.__bindgen_anon_1.vm_start as usize;
        bindings::vma_end_read(vma);
        start
    }
}
