// SPDX-License-Identifier: GPL-2.0
//
// rule: Lock-order tokens and guards (rust/kernel/mm/pgtable.rs, PmdGuard) must cost nothing:
//       Documentation/mm/process_addrs.rst, "Page table locking details" (pmd_lock).
// same-calls: pmd_with_tokens pmd_raw_calls
// why: block layout only: the guard side duplicates the `xorl; retq` tail of the miss path.
//
//! Zero-cost check: `PmdGuard::lock` on a stable VMA (PGD..PMD walk, `pmd_lock`) and the
//! unlock on drop, versus the same walk and C calls made by hand.
#![allow(dead_code)]

use kernel::bindings;
use kernel::mm::{order::Ctx, order::MmapLock, pgtable::PmdGuard, virt::flags, virt::VmaRef};

#[no_mangle]
fn pmd_with_tokens(vma: &VmaRef, ctx: &mut Ctx<'_, MmapLock>, addr: usize) -> bool {
    PmdGuard::lock(ctx, vma, addr).is_some()
}

#[no_mangle]
fn pmd_raw_calls(vma: &VmaRef, _no_token: &mut (), addr: usize) -> bool {
    let vma = vma.as_ptr();
    // SAFETY: The caller keeps `vma`, and with it its page tables, stable; each `*_offset` gets
    // an entry checked to be a table; the PMD lock is released before returning.
    unsafe {
        let range = (*vma).__bindgen_anon_1.__bindgen_anon_1;
        if !(range.vm_start as usize <= addr && addr < range.vm_end as usize) {
            return false;
        }
        // `walk_to_pmd` refuses hugetlb VMAs (`is_vm_hugetlb_page`, flags read once).
        let vm_flags = core::ptr::read_volatile(&raw const (*vma).__bindgen_anon_2.vm_flags);
        if vm_flags & flags::HUGETLB != 0 {
            return false;
        }
        let mm = (*vma).vm_mm;
        let pgd = bindings::pgd_offset(mm, addr as _);
        let e = bindings::pgdp_get(pgd);
        if bindings::pgd_none(e) != 0 || bindings::pgd_bad(e) != 0 {
            return false;
        }
        let p4d = bindings::p4d_offset(pgd, addr as _);
        let e = bindings::p4dp_get(p4d);
        if bindings::p4d_none(e) != 0 || bindings::p4d_bad(e) != 0 {
            return false;
        }
        let pud = bindings::pud_offset(p4d, addr as _);
        let e = bindings::pudp_get(pud);
        if bindings::pud_none(e) != 0 || bindings::pud_leaf(e) || bindings::pud_bad(e) != 0 {
            return false;
        }
        let pmd = bindings::pmd_offset(pud, addr as _);
        if pmd.is_null() {
            return false;
        }
        let ptl = bindings::pmd_lock(mm, pmd);
        if ptl.is_null() {
            return false;
        }
        bindings::spin_unlock(ptl);
        true
    }
}
