// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Terminology" (rmap locks): the anon_vma->rwsem stays
//       with the locking thread; what was read under it is plain data.
//
//! Control: the count read under the anon_vma lock is sent; the guard stays on this thread.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn to_other_thread<T: Send>(_value: T) {}

fn hand_off(mm: &MmWithUser, addr: usize) -> Option<()> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let anon_vma = mmap.vma_lookup(addr)?.anon_vma()?;
    let (anon, _ctx) = anon_vma.lock_read(&mut ctx);
    to_other_thread(anon.count_vmas(0, usize::MAX));
    Some(())
}
