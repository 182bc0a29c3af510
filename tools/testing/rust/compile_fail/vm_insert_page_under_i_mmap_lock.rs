// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page tables": "Installing page table mappings ...
//       requires that the VMA is kept stable via an mmap or VMA lock (explicitly not rmap
//       locks)"; "Locking rules", warning: free_pgtables() may race with an install done under
//       an rmap lock only.
// expect-error: E0277
// expect-message: the trait bound `IMmapLock: InstallAllowed` is not satisfied
//
//! Compile-fail case: `vm_insert_page` on a VMA of ours reached through the i_mmap tree, with the
//! i_mmap token.
#![allow(dead_code)]

use kernel::{
    error::Result,
    fs::File,
    mm::{order::Ctx, rmap::AddressSpace},
    page::Page,
};

include!("support/driver.rs");

fn map_first_page(file: &File, buf: &Buffer, page: &Page) -> Result {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (i_mmap, mut ctx) = AddressSpace::of_file(file).i_mmap_lock_read(&mut ctx);
    for vma in i_mmap.vmas(0, 0) {
        let Some(ours) = VM_OPS.owns(vma, buf) else {
            continue;
        };
        if let Some(vma) = ours.as_mixedmap_vma() {
            vma.vm_insert_page(&mut ctx, vma.start(), page)?;
        }
    }
    Ok(())
}
