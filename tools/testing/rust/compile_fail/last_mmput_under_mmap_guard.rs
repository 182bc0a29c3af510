// SPDX-License-Identifier: GPL-2.0
//
// rule: kernel/fork.c: mmput(): dropping the last mmget reference runs exit_mmap(), which takes
//       the mmap write lock (and i_mmap): under a guard of that mm's mmap lock it would deadlock
//       on the lock the task already holds. The guard borrows the reference it was taken
//       through, so that reference cannot be dropped while the guard lives.
// expect-error: E0505
// expect-message: cannot move out of `mm` because it is borrowed
//
//! Compile-fail case: dropping the `ARef<MmWithUser>` while its mmap read guard is alive.
#![allow(dead_code)]

use kernel::{
    mm::{order::Ctx, MmWithUser},
    sync::aref::ARef,
};

fn count(mm: ARef<MmWithUser>) -> usize {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, _ctx) = mm.mmap_read_lock(&mut ctx);
    drop(mm); // misuse
    mmap.vmas(0, usize::MAX).count()
}
