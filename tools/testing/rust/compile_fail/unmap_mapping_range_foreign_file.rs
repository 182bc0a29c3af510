// SPDX-License-Identifier: GPL-2.0
//
// rule: Rust Binder fix "check ownership before using vma" (Feb 2026); Documentation/mm/
//       process_addrs.rst, "Page tables" (zapping): a driver zaps only its own VMAs, and
//       `unmap_mapping_range` reaches every mapping of a file, in every process (all opens of a
//       misc device share one inode), COW copies included.
// expect-error: E0624
// expect-message: method `unmap_mapping_range` is private
// control: ok_zap_foreign_vma
//
//! Compile-fail case: zap the VMA looked up by address, and every other mapping of its file,
//! through the file's address space.
#![allow(dead_code)]

use kernel::{
    error::{code::EINVAL, Result},
    mm::{order::Ctx, rmap::AddressSpace, MmWithUser},
};

fn zap_foreign(mm: &MmWithUser, addr: usize) -> Result {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr).ok_or(EINVAL)?;
    let file = vma.file().ok_or(EINVAL)?;
    // `len == 0`: to the end of the file; `even_cows`: private COW pages too.
    AddressSpace::of_file(file).unmap_mapping_range(&mut ctx, 0, 0, true);
    Ok(())
}
