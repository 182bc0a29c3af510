// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock usage": VMAs found under the mmap lock are
//       stable while the task that took it holds it; the views of a guard must not move to
//       another thread (`&MmapLocked` and its `VmaIter` are not `Send`).
// expect-error: E0277
// expect-message: cannot be shared between threads safely
//
//! Compile-fail case: the VMA iterator of an mmap guard is sent to another thread.
use kernel::mm::{order::Ctx, MmWithUser};

fn assert_send<T: Send>(_: &T) {}

/// Tries to hand the iterator over the caller's VMAs to a `Send` consumer.
pub fn leak_iter(mm: &MmWithUser) {
    // SAFETY: Called from process context with no mm lock held.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, _ctx) = mm.mmap_read_lock(&mut ctx);
    let vmas = mmap.vmas(0, usize::MAX);
    assert_send(&vmas); // misuse: assert_send(&vmas.count());
}
