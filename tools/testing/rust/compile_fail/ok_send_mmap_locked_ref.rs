// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock usage": what is read from VMAs under the mmap
//       lock (plain values) may go anywhere once copied out.
//
//! Control: the number of VMAs, counted under the guard, is `Send`.
use kernel::mm::{order::Ctx, MmWithUser};

fn assert_send<T: Send>(_: &T) {}

/// Counts the caller's VMAs and hands the count to a `Send` consumer.
pub fn send_count(mm: &MmWithUser) {
    // SAFETY: Called from process context with no mm lock held.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, _ctx) = mm.mmap_read_lock(&mut ctx);
    let n = mmap.vmas(0, usize::MAX).count();
    assert_send(&n);
}
