// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering": the root token claims that the task
//       holds none of the locks of the mm/rmap.c order and may sleep; only the caller can know
//       that, so creating it is an unsafe promise.
// expect-error: E0133
// expect-message: call to unsafe function `Ctx::<'static, Unlocked>::new` is unsafe
//
//! Compile-fail case: creating the root lock-order token without `unsafe`.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn count(mm: &MmWithUser) -> usize {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = Ctx::new(); // misuse: let mut ctx = unsafe { Ctx::new() };
    let (mmap, _ctx) = mm.mmap_read_lock(&mut ctx);
    mmap.vmas(0, usize::MAX).count()
}
