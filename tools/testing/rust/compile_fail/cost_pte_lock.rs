// SPDX-License-Identifier: GPL-2.0
//
// rule: Lock-order tokens and guards (rust/kernel/mm/pgtable.rs, PteGuard) must cost nothing:
//       Documentation/mm/process_addrs.rst, "Page table locking details" (pte_offset_map_lock
//       .. pte_unmap_unlock, entries read once with ptep_get).
// same-calls: pte_with_tokens pte_raw_calls
// why: the guard side returns early from `let ... else`, the hand-written side nests `if`s:
//      LLVM places the `ptl` stack slot store and the result register differently.
//
//! Zero-cost check: under the mmap read lock, `PteGuard::lock` (PGD..PMD walk, then
//! `pte_offset_map_lock`), one `ptep_get` and `pte_unmap_unlock`, versus the same walk and C
//! calls made by hand.
#![allow(dead_code)]

use kernel::bindings;
use kernel::mm::{order::Ctx, order::Unlocked, pgtable::PteGuard, virt::flags, MmWithUser};
use kernel::page::PAGE_SIZE;

#[no_mangle]
fn pte_with_tokens(mm: &MmWithUser, ctx: &mut Ctx<'_, Unlocked>, addr: usize) -> bool {
    let (mmap, mut ctx) = mm.mmap_read_lock(ctx);
    let Some(vma) = mmap.vma_lookup(addr) else {
        return false;
    };
    let Some((pte, _ctx)) = PteGuard::lock(&mut ctx, vma, addr) else {
        return false;
    };
    pte.get().is_present()
}

/// The PTE lock of `addr` in `vma`, taken by hand as `PteGuard::lock` does; null if none.
///
/// # Safety
///
/// `vma` must be a VMA of `mm` kept stable by the caller.
#[inline(always)]
unsafe fn pte_lock_raw(
    mm: *mut bindings::mm_struct,
    vma: *mut bindings::vm_area_struct,
    addr: usize,
    ptl: &mut *mut bindings::spinlock_t,
) -> *mut bindings::pte_t {
    // SAFETY: The caller keeps `vma`, and with it its page tables, stable; each `*_offset` gets
    // an entry checked to be a table.
    unsafe {
        let range = (*vma).__bindgen_anon_1.__bindgen_anon_1;
        if !(range.vm_start as usize <= addr && addr < range.vm_end as usize) {
            return core::ptr::null_mut();
        }
        // `walk_to_pmd` refuses hugetlb VMAs (`is_vm_hugetlb_page`, flags read once).
        let vm_flags = core::ptr::read_volatile(&raw const (*vma).__bindgen_anon_2.vm_flags);
        if vm_flags & flags::HUGETLB != 0 {
            return core::ptr::null_mut();
        }
        let addr = addr & !(PAGE_SIZE - 1);
        let mm = (*vma).vm_mm;
        let pgd = bindings::pgd_offset(mm, addr as _);
        let e = bindings::pgdp_get(pgd);
        if bindings::pgd_none(e) != 0 || bindings::pgd_bad(e) != 0 {
            return core::ptr::null_mut();
        }
        let p4d = bindings::p4d_offset(pgd, addr as _);
        let e = bindings::p4dp_get(p4d);
        if bindings::p4d_none(e) != 0 || bindings::p4d_bad(e) != 0 {
            return core::ptr::null_mut();
        }
        let pud = bindings::pud_offset(p4d, addr as _);
        let e = bindings::pudp_get(pud);
        if bindings::pud_none(e) != 0 || bindings::pud_leaf(e) || bindings::pud_bad(e) != 0 {
            return core::ptr::null_mut();
        }
        let pmd = bindings::pmd_offset(pud, addr as _);
        if pmd.is_null() {
            return core::ptr::null_mut();
        }
        bindings::pte_offset_map_lock(mm, pmd, addr as _, ptl)
    }
}

#[no_mangle]
fn pte_raw_calls(mm: &MmWithUser, _no_token: &mut (), addr: usize) -> bool {
    let mm = mm.as_raw();
    // SAFETY: `mm` has users; the VMA is stable under the mmap read lock, the entry is read under
    // the PTE lock, and both locks are released in reverse order before returning.
    unsafe {
        bindings::mmap_read_lock(mm);
        let vma = bindings::vma_lookup(mm, addr as _);
        let mut present = false;
        if !vma.is_null() {
            let mut ptl = core::ptr::null_mut();
            let pte = pte_lock_raw(mm, vma, addr, &mut ptl);
            if !pte.is_null() {
                present = bindings::pte_present(bindings::ptep_get(pte)) != 0;
                bindings::pte_unmap_unlock(pte, ptl);
            }
        }
        bindings::mmap_read_unlock(mm);
        present
    }
}
