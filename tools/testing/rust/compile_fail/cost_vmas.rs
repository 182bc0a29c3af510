// SPDX-License-Identifier: GPL-2.0
//
// rule: Lock-order tokens and guards (rust/kernel/mm.rs, MmapLocked::vmas) must cost nothing:
//       Documentation/mm/process_addrs.rst, "Using address space locks" (VMAs are stable under
//       the mmap lock).
// same-code: vmas_with_tokens vmas_raw_calls
//
//! Zero-cost check: VMA iteration with `vmas` under the mmap read lock, versus the `find_vma`
//! loop made by hand (same argument registers, see cost_mmap_lookup.rs).
#![allow(dead_code)]

use kernel::bindings;
use kernel::mm::{order::Ctx, order::Unlocked, MmWithUser};

#[no_mangle]
fn vmas_with_tokens(
    mm: &MmWithUser,
    ctx: &mut Ctx<'_, Unlocked>,
    start: usize,
    end: usize,
) -> usize {
    let (mmap, _ctx) = mm.mmap_read_lock(ctx);
    mmap.vmas(start, end).count()
}

#[no_mangle]
fn vmas_raw_calls(mm: &MmWithUser, _no_token: &mut (), start: usize, end: usize) -> usize {
    let mm = mm.as_raw();
    // SAFETY: `mm` has users; the VMAs are read under the mmap read lock, which is released
    // before returning.
    unsafe {
        bindings::mmap_read_lock(mm);
        bindings::mmap_assert_locked(mm);
        let mut n = 0;
        let mut next = start;
        while next < end {
            let vma = bindings::find_vma(mm, next as _);
            if vma.is_null() {
                break;
            }
            let range = (*vma).__bindgen_anon_1.__bindgen_anon_1;
            if range.vm_start as usize >= end {
                break;
            }
            next = range.vm_end as usize;
            n += 1;
        }
        bindings::mmap_read_unlock(mm);
        n
    }
}
