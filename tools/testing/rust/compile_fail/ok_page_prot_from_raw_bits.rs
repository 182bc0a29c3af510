// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "VMA fields": `vm_page_prot` may be read under any
//       lock that keeps the VMA stable; it is only ever read from a VMA.
//
//! Control: the protection of two VMAs is read and compared.
use kernel::mm::{order::Ctx, MmWithUser};

/// Whether the VMAs at `a` and `b` map with the same protection.
pub fn same_prot(mm: &MmWithUser, a: usize, b: usize) -> Option<bool> {
    // SAFETY: Called from process context with no mm lock held.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, _ctx) = mm.mmap_read_lock(&mut ctx);
    Some(mmap.vma_lookup(a)?.page_prot() == mmap.vma_lookup(b)?.page_prot())
}
