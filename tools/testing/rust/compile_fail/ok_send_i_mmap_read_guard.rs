// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Terminology" (rmap locks): the i_mmap_rwsem stays
//       with the locking thread; what was read under it is plain data.
//
//! Control: the count read under the i_mmap lock is sent; the guard stays on this thread.
#![allow(dead_code)]

use kernel::{
    fs::File,
    mm::{order::Ctx, rmap::AddressSpace},
};

fn to_other_thread<T: Send>(_value: T) {}

fn hand_off(file: &File) {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (i_mmap, _ctx) = AddressSpace::of_file(file).i_mmap_lock_read(&mut ctx);
    to_other_thread(i_mmap.vmas(0, usize::MAX).count());
}
