// SPDX-License-Identifier: GPL-2.0

//! Page-table lock guards.
//!
//! `Documentation/mm/process_addrs.rst`, "Page tables" and "Page table locking details":
//!
//! - **Traversing** page tables needs only a stable VMA; **zapping** entries likewise; both are
//!   available from any `&VmaRef`, whichever lock (mmap, VMA, rmap) made it stable. Hugetlb VMAs
//!   are refused: their shared PMD tables can be freed under a stable VMA (`hugetlb_walk` in
//!   `include/linux/hugetlb.h`).
//! - **Changing** an entry needs the lock of that page table: `mm->page_table_lock` for the upper
//!   levels ([`PageTableLockGuard`]), the PMD lock ([`PmdGuard`]) or the PTE lock
//!   ([`PteGuard`], taken with `pte_offset_map_lock`, released with `pte_unmap_unlock`).
//! - Reads of entries must be read-once (`ptep_get`), and modifications that care about the old
//!   value must be hardware-atomic ("Atomicity"). [`PteGuard`] only offers such operations.
//! - **Installing** entries needs the mmap or VMA lock, *not* an rmap lock (warning in "Locking
//!   rules": `free_pgtables` may race). Nothing in this module installs entries; installing is
//!   done by fault handling (`kernel::mm::fault`) which only exists under the mmap or VMA lock.
//! - **Freeing** page tables is internal to mm (`free_pgtables`): it assumes nobody can reach
//!   the range through the rmap or a fault, which no driver can guarantee, so no API exposes it.
//!
//! All these locks are spinlocks: their guards hand out a [`Ctx`] at [`PageTableLock`] level,
//! which is not [`Sleepable`](super::order::Sleepable) and comes last in the `mm/rmap.c` order,
//! so no sleeping mm lock can be taken while a guard lives, and the parent token is borrowed.

use crate::{
    bindings,
    mm::{
        order::{Before, Ctx, PageTableLock},
        virt::{flags, VmaRef},
        Mm,
    },
    page::PAGE_SIZE,
};
use core::{marker::PhantomData, ptr::NonNull};

/// Number of bytes one PTE table maps (`PMD_SIZE`): `PTRS_PER_PTE` pages. (`PMD_SHIFT` has no
/// binding on arm64, where it is a function-like macro.)
pub const PMD_SIZE: usize = (bindings::PTRS_PER_PTE as usize) << bindings::PAGE_SHIFT;

/// Walks from the PGD of the mm of `vma` to the PMD entry covering `addr`; `None` if `addr` is
/// outside the VMA, if the VMA is hugetlb, or if an upper level is empty, bad or a leaf (huge)
/// entry.
///
/// `process_addrs.rst`, "Page tables": traversal takes no lock, it needs the range to stay
/// mapped (a stable VMA, as `VmaRef` is). Each level is read once (`*p_get`), so a concurrent
/// change of an upper entry is seen either before or after, never torn. `*_offset` reads the
/// entry again, which finds the same table: on a stable VMA an upper entry that is a table stays
/// that table until `free_pgtables`, which needs the VMA unreachable.
///
/// Hugetlb VMAs are the exception, so they are refused: `include/linux/hugetlb.h`
/// (`hugetlb_walk`): a PMD table shared between processes can be unshared
/// (`huge_pmd_unshare`, under `i_mmap` and the hugetlb VMA lock, without the mmap lock) and then
/// freed while the VMA stays; C walkers take `hugetlb_vma_lock_read` first (`mm/pagewalk.c`).
/// Their entries are not the PTEs and PMDs these guards read either.
#[inline]
fn walk_to_pmd(vma: &VmaRef, addr: usize) -> Option<NonNull<bindings::pmd_t>> {
    if !vma.contains(addr) || vma.flags() & flags::HUGETLB != 0 {
        return None;
    }
    let mm = vma.mm().as_raw();
    // SAFETY: `addr` lies in the stable, non-hugetlb VMA `vma` of `mm`, so the tables on the way
    // are not freed (see above); each pointer passed to `*_offset` comes from the level above
    // after checking that entry is a table.
    unsafe {
        let pgd = bindings::pgd_offset(mm, addr);
        let e = bindings::pgdp_get(pgd);
        if bindings::pgd_none(e) != 0 || bindings::pgd_bad(e) != 0 {
            return None;
        }
        let p4d = bindings::p4d_offset(pgd, addr);
        let e = bindings::p4dp_get(p4d);
        if bindings::p4d_none(e) != 0 || bindings::p4d_bad(e) != 0 {
            return None;
        }
        let pud = bindings::pud_offset(p4d, addr);
        let e = bindings::pudp_get(pud);
        if bindings::pud_none(e) != 0 || bindings::pud_leaf(e) || bindings::pud_bad(e) != 0 {
            return None;
        }
        NonNull::new(bindings::pmd_offset(pud, addr))
    }
}

/// One page-table entry, as read once (`ptep_get`).
#[derive(Clone, Copy)]
pub struct Pte(bindings::pte_t);

impl Pte {
    /// `pte_none`: the entry is empty.
    #[inline]
    pub fn is_none(self) -> bool {
        // SAFETY: Pure function of the value.
        unsafe { bindings::pte_none(self.0) != 0 }
    }

    /// `pte_present`: the entry maps a page.
    #[inline]
    pub fn is_present(self) -> bool {
        // SAFETY: Pure function of the value.
        unsafe { bindings::pte_present(self.0) != 0 }
    }

    /// `pte_pfn`: the page frame number (meaningful only if present).
    #[inline]
    pub fn pfn(self) -> usize {
        // SAFETY: Pure function of the value.
        unsafe { bindings::pte_pfn(self.0) }
    }

    /// `pte_write`: writable.
    #[inline]
    pub fn is_writable(self) -> bool {
        // SAFETY: Pure function of the value.
        unsafe { bindings::pte_write(self.0) != 0 }
    }

    /// `pte_dirty`: written since last cleaned.
    #[inline]
    pub fn is_dirty(self) -> bool {
        // SAFETY: Pure function of the value.
        unsafe { bindings::pte_dirty(self.0) != 0 }
    }

    /// `pte_young`: accessed since last aged.
    #[inline]
    pub fn is_young(self) -> bool {
        // SAFETY: Pure function of the value.
        unsafe { bindings::pte_young(self.0) != 0 }
    }
}

/// Holds the PTE lock of the page table that maps one address of a stable VMA.
///
/// `process_addrs.rst`, "Page table installation": the PTE lock is taken with
/// `pte_offset_map_lock`, which re-checks the PMD so a concurrent THP collapse cannot remove the
/// table from under us, and keeps an RCU read lock until `pte_unmap_unlock`. The guard borrows
/// the VMA (so it cannot outlive the lock that makes the VMA stable) and the lock token (so no
/// sleeping lock can be taken while it lives). `!Send`.
///
/// # Examples
///
/// ```
/// use kernel::mm::{order::Ctx, pgtable::PteGuard, MmWithUser};
///
/// /// Counts present PTEs in `[start, end)` of one VMA, like `mincore`.
/// fn resident(mm: &MmWithUser, start: usize, end: usize) -> usize {
///     // SAFETY: Called from a context that holds no mm lock.
///     let mut ctx = unsafe { Ctx::new() };
///     let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
///     let Some(vma) = mmap.vma_lookup(start) else { return 0 };
///     let mut n = 0;
///     let mut addr = start;
///     while addr < end.min(vma.end()) {
///         match PteGuard::lock(&mut ctx, vma, addr) {
///             Some((mut pte, _)) => loop {
///                 n += usize::from(pte.get().is_present());
///                 addr = pte.addr() + kernel::page::PAGE_SIZE;
///                 if addr >= end.min(vma.end()) || !pte.advance() {
///                     break;
///                 }
///             },
///             // No page table: skip to the next one.
///             None => addr = (addr | (kernel::mm::pgtable::PMD_SIZE - 1)) + 1,
///         }
///     }
///     n
/// }
/// # let _ = resident;
/// ```
///
/// # Invariants
///
/// `ptep` points into the PTE table mapped and locked by `pte_offset_map_lock` at `base` (whose
/// lock is `ptl`), at the entry for `addr`, which lies inside `vma`. The current task holds
/// `ptl` until the guard is dropped.
pub struct PteGuard<'a> {
    vma: &'a VmaRef,
    base: NonNull<bindings::pte_t>,
    ptep: NonNull<bindings::pte_t>,
    ptl: NonNull<bindings::spinlock_t>,
    addr: usize,
    _not_send: PhantomData<*mut ()>,
}

impl<'a> PteGuard<'a> {
    /// Locks the PTE table mapping `addr` of `vma` (`pte_offset_map_lock`).
    ///
    /// Returns `None` if `addr` is outside the VMA, the VMA is hugetlb, or there is no PTE table
    /// there (an upper level is empty, or the PMD maps a huge page). Needs only a stable VMA:
    /// traversal is allowed under any of the mmap, VMA or rmap locks ("Page tables": "Traversing
    /// ... only requires that the VMA is kept stable").
    pub fn lock<L: Before<PageTableLock>>(
        _ctx: &'a mut Ctx<'_, L>,
        vma: &'a VmaRef,
        addr: usize,
    ) -> Option<(PteGuard<'a>, Ctx<'a, PageTableLock>)> {
        let addr = addr & !(PAGE_SIZE - 1);
        let pmd = walk_to_pmd(vma, addr)?;
        let mm = vma.mm().as_raw();
        let mut ptl = core::ptr::null_mut();
        // SAFETY: The PMD table of the stable, non-hugetlb VMA stays allocated (`walk_to_pmd`).
        // `pte_offset_map_lock` re-reads the PMD entry and returns NULL if it is not (or no
        // longer) a PTE table. The token shows that no lock after the PTE lock is held.
        let pte = unsafe { bindings::pte_offset_map_lock(mm, pmd.as_ptr(), addr, &mut ptl) };
        let base = NonNull::new(pte)?;
        // INVARIANT: `pte_offset_map_lock` returned the entry for `addr`, locked with `ptl`.
        Some((
            PteGuard {
                vma,
                base,
                ptep: base,
                // SAFETY: A non-null result comes with a non-null lock.
                ptl: unsafe { NonNull::new_unchecked(ptl) },
                addr,
                _not_send: PhantomData,
            },
            Ctx::make(),
        ))
    }

    /// The (page-aligned) address of the current entry.
    #[inline]
    pub fn addr(&self) -> usize {
        self.addr
    }

    /// The VMA this entry belongs to.
    #[inline]
    pub fn vma(&self) -> &'a VmaRef {
        self.vma
    }

    /// Reads the current entry once (`ptep_get`, "Atomicity": page-table reads must not be torn
    /// or repeated by the compiler).
    #[inline]
    pub fn get(&self) -> Pte {
        // SAFETY: `ptep` is a mapped entry (type invariant).
        Pte(unsafe { bindings::ptep_get(self.ptep.as_ptr()) })
    }

    /// Moves to the entry for the next page, if it is in the same PTE table (same lock) and the
    /// same VMA. Returns `false` (and stays put) otherwise.
    #[inline]
    pub fn advance(&mut self) -> bool {
        let next = self.addr + PAGE_SIZE;
        if next % PMD_SIZE == 0 || next >= self.vma.end() {
            return false;
        }
        // SAFETY: `next` is in the same PTE table as `addr` (no PMD boundary crossed), so the
        // entry after `ptep` is in the mapped table.
        self.ptep = unsafe { NonNull::new_unchecked(self.ptep.as_ptr().add(1)) };
        // INVARIANT: `ptep` is now the entry for `next`, inside the VMA and the same table.
        self.addr = next;
        true
    }

    /// Counts the present entries among the next `pages` entries, starting at the current one and
    /// stopping at the end of this PTE table or of the VMA, whichever comes first; returns
    /// `(present, scanned)`. The guard stays on the current entry.
    ///
    /// One read-once (`ptep_get`) per entry, all under this guard's PTE lock: the batched form
    /// of [`PteGuard::get`] + [`Pte::is_present`] for scans like `mincore`.
    #[inline]
    pub fn count_present(&self, pages: usize) -> (usize, usize) {
        let to_table_end = (PMD_SIZE - (self.addr & (PMD_SIZE - 1))) / PAGE_SIZE;
        let to_vma_end = (self.vma.end() - self.addr) / PAGE_SIZE;
        let n = pages.min(to_table_end).min(to_vma_end);
        let mut present = 0usize;
        for i in 0..n {
            // SAFETY: The `n` entries from `ptep` lie in the mapped, locked table (clamped to its
            // end) and inside the VMA.
            let pte = Pte(unsafe { bindings::ptep_get(self.ptep.as_ptr().add(i)) });
            // At most `n` (one table) can be present: no overflow, and no overflow check, which
            // would keep LLVM from unrolling the loop as it does the C one.
            present = present.wrapping_add(usize::from(pte.is_present()));
        }
        (present, n)
    }

    /// Atomically clears the accessed bit (`ptep_clear_flush_young`, which flushes the TLB entry
    /// where the architecture needs it: arm64 does, x86 does not) and that of the secondary
    /// MMUs' mappings of the page (`mmu_notifier_clear_flush_young`, as
    /// `clear_flush_young_ptes_notify` does under the PTE lock in `mm/rmap.c`); returns whether
    /// either was set.
    ///
    /// A read-modify-write that cares about the old value, hence a hardware-atomic operation
    /// ("Atomicity"), under the PTE lock ("Locking rules": changing an entry needs its table's
    /// lock).
    pub(crate) fn clear_young(&mut self) -> bool {
        let (vma, addr) = (self.vma.as_ptr(), self.addr);
        // SAFETY: We hold the PTE lock of this entry, which lies in `vma` (type invariant); the
        // notifier call does not sleep.
        unsafe {
            let young = bindings::ptep_clear_flush_young(vma, addr, self.ptep.as_ptr());
            young | bindings::mmu_notifier_clear_flush_young((*vma).vm_mm, addr, addr + PAGE_SIZE)
        }
    }

    /// Write-protects and cleans a present entry, moving its dirty bit to the folio so no write
    /// is lost (as `page_vma_mkclean_one`); returns whether the entry was dirty. The next write
    /// faults again.
    ///
    /// Uses `ptep_clear_flush` + `set_pte_at` under the PTE lock ("Atomicity": clearing must be
    /// atomic; "Locking rules": the table lock must be held).
    pub(crate) fn mkclean(&mut self) -> bool {
        let old = self.get();
        if !old.is_present() || (!old.is_dirty() && !old.is_writable()) {
            return false;
        }
        let (vma, addr, ptep) = (self.vma.as_ptr(), self.addr, self.ptep.as_ptr());
        // SAFETY: We hold the PTE lock of this present entry, which lies in `vma` (type
        // invariant), as clearing and re-setting it requires.
        unsafe {
            bindings::flush_cache_page(vma, addr, old.pfn());
            let cleared = bindings::ptep_clear_flush(vma, addr, ptep);
            let dirty = bindings::pte_dirty(cleared) != 0;
            let entry = bindings::pte_mkclean(bindings::pte_wrprotect(cleared));
            bindings::set_pte_at((*vma).vm_mm, addr, ptep, entry);
            if dirty {
                let folio = bindings::vm_normal_folio(vma, addr, entry);
                if !folio.is_null() {
                    bindings::folio_mark_dirty(folio);
                }
            }
            dirty
        }
    }
}

impl Drop for PteGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: By the type invariant we hold `ptl`, taken with `pte_offset_map_lock` at `base`.
        unsafe { bindings::pte_unmap_unlock(self.base.as_ptr(), self.ptl.as_ptr()) };
    }
}

/// Holds the PMD lock (`pmd_lock`) of the PMD entry covering one address of a stable VMA.
///
/// `process_addrs.rst`, "Page table installation": the PMD lock serialises changes of a PMD
/// entry (e.g. installing a PTE table or a huge page). The guard reads the entry once.
///
/// # Invariants
///
/// The current task holds `ptl`, the lock of the PMD entry `pmd`, until the guard is dropped.
pub struct PmdGuard<'a> {
    pmd: NonNull<bindings::pmd_t>,
    ptl: NonNull<bindings::spinlock_t>,
    _vma: PhantomData<&'a VmaRef>,
    _not_send: PhantomData<*mut ()>,
}

impl<'a> PmdGuard<'a> {
    /// Locks the PMD entry covering `addr` of `vma`; `None` if `addr` is outside the VMA, the VMA
    /// is hugetlb, or no PMD table exists there.
    pub fn lock<L: Before<PageTableLock>>(
        _ctx: &'a mut Ctx<'_, L>,
        vma: &'a VmaRef,
        addr: usize,
    ) -> Option<(PmdGuard<'a>, Ctx<'a, PageTableLock>)> {
        let pmd = walk_to_pmd(vma, addr)?;
        let mm = vma.mm().as_raw();
        // SAFETY: The PMD table stays allocated while the non-hugetlb VMA is stable
        // (`walk_to_pmd`); the token shows no later lock is held.
        let ptl = unsafe { bindings::pmd_lock(mm, pmd.as_ptr()) };
        let ptl = NonNull::new(ptl)?;
        Some((
            // INVARIANT: `pmd_lock` returned the held lock of `pmd`.
            PmdGuard {
                pmd,
                ptl,
                _vma: PhantomData,
                _not_send: PhantomData,
            },
            Ctx::make(),
        ))
    }

    /// Whether the PMD entry is empty (`pmd_none` of `pmdp_get`).
    #[inline]
    pub fn is_none(&self) -> bool {
        // SAFETY: `pmd` is a valid entry (type invariant); read once.
        unsafe { bindings::pmd_none(bindings::pmdp_get(self.pmd.as_ptr())) != 0 }
    }

    /// Whether the PMD entry maps a huge page directly (`pmd_leaf`).
    #[inline]
    pub fn is_leaf(&self) -> bool {
        // SAFETY: As above.
        unsafe { bindings::pmd_leaf(bindings::pmdp_get(self.pmd.as_ptr())) }
    }
}

impl Drop for PmdGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: We hold `ptl` (type invariant).
        unsafe { bindings::spin_unlock(self.ptl.as_ptr()) };
    }
}

/// Holds `mm->page_table_lock`, which serialises changes to the upper page-table levels (PGD,
/// P4D, PUD; "Page table locking details": "Higher level page table locks").
///
/// # Invariants
///
/// The current task holds `mm->page_table_lock` until the guard is dropped.
pub struct PageTableLockGuard<'a> {
    mm: &'a Mm,
    _not_send: PhantomData<*mut ()>,
}

impl<'a> PageTableLockGuard<'a> {
    /// Takes `mm->page_table_lock` of the mm of the stable VMA `vma`.
    pub fn lock<L: Before<PageTableLock>>(
        _ctx: &'a mut Ctx<'_, L>,
        vma: &'a VmaRef,
    ) -> (PageTableLockGuard<'a>, Ctx<'a, PageTableLock>) {
        let mm = vma.mm();
        // SAFETY: The mm is valid while the VMA is stable; the token shows no later lock is held.
        unsafe {
            bindings::spin_lock(core::ptr::addr_of_mut!(
                (*mm.as_raw()).__bindgen_anon_1.page_table_lock
            ))
        };
        // INVARIANT: We just took the lock.
        (
            PageTableLockGuard {
                mm,
                _not_send: PhantomData,
            },
            Ctx::make(),
        )
    }

    /// The mm whose lock is held.
    #[inline]
    pub fn mm(&self) -> &'a Mm {
        self.mm
    }
}

impl Drop for PageTableLockGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: We hold the lock (type invariant).
        unsafe {
            bindings::spin_unlock(core::ptr::addr_of_mut!(
                (*self.mm.as_raw()).__bindgen_anon_1.page_table_lock
            ))
        };
    }
}
