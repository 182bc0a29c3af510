// SPDX-License-Identifier: GPL-2.0
//
// rule: Lock-order tokens and guards (rust/kernel/mm.rs, MmapLocked::vmas) must cost nothing:
//       Documentation/mm/process_addrs.rst, "Using address space locks" (VMAs are stable under
//       the mmap lock).
// same-calls: vmas_with_tokens vmas_raw_calls
// why: the iterator keeps `last` beside the `vma_iterator` whose address goes to C, so LLVM keeps
//      it in memory (one store per walk, one load per VMA) where the loop keeps it in a register.
//
//! Zero-cost check: VMA iteration with `vmas` under the mmap read lock, versus the maple-tree
//! walk of `for_each_vma_range` made by hand (same argument registers, see cost_mmap_lookup.rs).
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
        let mut n = 0;
        let mut vmi: bindings::vma_iterator = core::mem::zeroed();
        // An empty range starts past its last index, where `mas_find` finds nothing.
        let (first, last) = if start < end {
            (start, end - 1)
        } else {
            (1, 0)
        };
        bindings::vma_iter_init(&mut vmi, mm, first as _);
        while !bindings::mas_find(&mut vmi.mas, last as _).is_null() {
            n += 1;
        }
        bindings::mmap_read_unlock(mm);
        n
    }
}
