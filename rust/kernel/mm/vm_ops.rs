// SPDX-License-Identifier: GPL-2.0

//! Driver-implemented VMAs: `f_op->mmap` setup ([`VmaNew`]), `vm_operations_struct`
//! ([`VmOperations`], [`VmOpsTable`]) and checked views of VMAs ([`VmaMixedMap`],
//! [`OwnedVma`]).
//!
//! The lock each callback runs under is the `vm_operations_struct` table of the 7.3
//! `Documentation/filesystems/locking.rst` ("mmap_lock": `open` write; `close` read/write;
//! `fault`, `page_mkwrite`, `pfn_mkwrite`, `access` read; `map_pages` "maybe-read", under the
//! RCU read lock and not blocking), and `->mmap` is called with the mmap write lock held on a VMA
//! nobody else can see yet. "read" includes the per-VMA read lock in place of the mmap lock: the
//! fault path tries that first (`vmf_can_call_fault`). Each callback that can take locks
//! receives a [`Ctx`] no lower than the level it actually runs at.

use crate::{
    bindings,
    error::{code::EINVAL, to_result, Error, Result},
    mm::{
        fault::{Fault, Proceed, VmFault, VmFaultResult},
        order::{Before, Ctx, HeldLocks, MmapLock, PageTableLock, Sleepable, VmaLock},
        pgtable::{PteGuard, PMD_SIZE},
        virt::{flags, vm_flags_t, VmaRef},
    },
    page::{Page, PAGE_SIZE},
    sync::{Arc, ArcBorrow},
    types::Opaque,
};
use core::marker::PhantomData;

/// Lock levels under which page-table entries may be installed: the mmap lock or a VMA lock
/// keeps the VMA stable, not only an rmap lock (`process_addrs.rst`, "Page tables",
/// "Installing": "explicitly not rmap locks").
pub trait InstallAllowed: Sleepable {}
impl InstallAllowed for MmapLock {}
impl InstallAllowed for VmaLock {}

/// A VMA proven to be `VM_MIXEDMAP`, obtained with [`OwnedVma::as_mixedmap_vma`] (or
/// [`VmFault::as_mixedmap_vma`]).
///
/// `vm_insert_page` on a VMA without `VM_MIXEDMAP` would set the flag itself, which needs the
/// mmap write lock (`mm/memory.c`: `vm_insert_page` asserts it); on a `VM_PFNMAP` VMA it is a
/// bug. Requiring this type removes both cases.
///
/// # Invariants
///
/// The VMA has `VM_MIXEDMAP` set (fixed since its creation: the flag is not in the mutable set
/// of [`VmaWriteGuard`](super::virt::VmaWriteGuard)).
#[repr(transparent)]
pub struct VmaMixedMap {
    vma: VmaRef,
}

impl core::ops::Deref for VmaMixedMap {
    type Target = VmaRef;

    #[inline]
    fn deref(&self) -> &VmaRef {
        &self.vma
    }
}

/// A VMA proven to be `VM_PFNMAP` (and not copy-on-write), obtained with
/// [`OwnedVma::as_pfnmap`] (or [`VmFault::as_pfnmap`]).
///
/// `vmf_insert_pfn` requires exactly that (`mm/memory.c` asserts it).
///
/// # Invariants
///
/// The VMA has `VM_PFNMAP` set, not `VM_MIXEDMAP`, and is not a COW mapping.
#[repr(transparent)]
pub struct VmaPfnMap {
    vma: VmaRef,
}

impl core::ops::Deref for VmaPfnMap {
    type Target = VmaRef;

    #[inline]
    fn deref(&self) -> &VmaRef {
        &self.vma
    }
}

impl VmaPfnMap {
    /// Maps page frame `pfn` at `addr` (`vmf_insert_pfn`), with no `struct page` reference.
    ///
    /// Installing needs the mmap or VMA lock ([`InstallAllowed`]).
    ///
    /// # Safety
    ///
    /// The caller must be allowed to give user space access to `pfn` (memory or I/O the driver
    /// owns), and must keep it valid until every mapping of it is zapped: nothing counts
    /// references for a `VM_PFNMAP` entry.
    pub unsafe fn vmf_insert_pfn<L: InstallAllowed>(
        &self,
        _ctx: &mut Ctx<'_, L>,
        addr: usize,
        pfn: usize,
    ) -> VmFaultResult {
        if !self.contains(addr) {
            return VmFaultResult::SIGBUS;
        }
        // SAFETY: The VMA is stable under the lock proven by the token and is a non-COW
        // `VM_PFNMAP` VMA (type invariant); the caller vouches for `pfn`.
        VmFaultResult::from_insert_raw(unsafe {
            bindings::vmf_insert_pfn(self.as_ptr(), addr, pfn)
        })
    }
}

impl VmaRef {
    /// Checked conversion: returns the VMA as [`VmaPfnMap`] if it has `VM_PFNMAP` (without
    /// `VM_MIXEDMAP`) and is not a COW mapping.
    #[inline]
    pub(crate) fn as_pfnmap(&self) -> Option<&VmaPfnMap> {
        let f = self.flags();
        // SAFETY: The VMA is valid; this reads its flags.
        let cow = unsafe { bindings::vma_is_cow_mapping(self.as_ptr()) };
        if f & flags::PFNMAP != 0 && f & flags::MIXEDMAP == 0 && !cow {
            // SAFETY: Transparent wrapper. INVARIANT: checked just above.
            Some(unsafe { &*core::ptr::from_ref(self).cast::<VmaPfnMap>() })
        } else {
            None
        }
    }

    /// Checked conversion: returns the VMA as [`VmaMixedMap`] if it has `VM_MIXEDMAP`.
    #[inline]
    pub(crate) fn as_mixedmap_vma(&self) -> Option<&VmaMixedMap> {
        if self.flags() & flags::MIXEDMAP != 0 {
            // SAFETY: Transparent wrapper. INVARIANT: the flag was just checked.
            Some(unsafe { &*core::ptr::from_ref(self).cast::<VmaMixedMap>() })
        } else {
            None
        }
    }

    /// Zaps (unmaps) the pages mapped in `[address, address + size)` of this VMA
    /// (`zap_vma_range`); the next access faults again. The page tables stay.
    ///
    /// `process_addrs.rst`, "Page tables": zapping needs only a stable VMA, under any of the mmap,
    /// VMA or rmap locks. It may sleep, hence a [`Sleepable`] token.
    ///
    /// Differs from the upstream method of the same name, which returns nothing and silently
    /// ignores a bad range: this one takes the lock-order token and returns `EINVAL` if the
    /// range is not page aligned or not inside the VMA (an unaligned range would make
    /// `zap_pte_range` walk past its table), and for hugetlb VMAs, whose zap takes the file's
    /// `i_mmap` lock, which the caller may already hold.
    pub(crate) fn zap_vma_range<L: Sleepable>(
        &self,
        _ctx: &mut Ctx<'_, L>,
        address: usize,
        size: usize,
    ) -> Result {
        let end = address.checked_add(size).ok_or(EINVAL)?;
        if address < self.start()
            || end > self.end()
            || (address | size) & (crate::page::PAGE_SIZE - 1) != 0
            || self.flags() & flags::HUGETLB != 0
        {
            return Err(EINVAL);
        }
        // SAFETY: The VMA is stable (type invariant of `VmaRef`), not hugetlb, and the range is
        // page aligned and lies inside it.
        unsafe { bindings::zap_vma_range(self.as_ptr(), address, size) };
        Ok(())
    }
}

impl VmaMixedMap {
    /// Inserts `page` at `addr` (`vm_insert_page`), taking a reference on it for the mapping.
    ///
    /// Installing needs the mmap or VMA lock ([`InstallAllowed`]); it may allocate page tables
    /// and sleep. `EINVAL` if `addr` is outside the VMA, `EBUSY` if an entry is already there.
    ///
    /// Differs from upstream's `vm_insert_page(&self, address, page)` by the token: installing
    /// through a VMA that only an rmap lock keeps stable, or under a spinlock, does not compile
    /// (`process_addrs.rst`, "Page tables": installing needs the mmap or VMA lock).
    pub fn vm_insert_page<L: InstallAllowed>(
        &self,
        _ctx: &mut Ctx<'_, L>,
        addr: usize,
        page: &Page,
    ) -> Result {
        if !self.contains(addr) {
            return Err(EINVAL);
        }
        // SAFETY: The VMA is stable under the mmap or VMA lock proven by the token, has
        // `VM_MIXEDMAP` (type invariant) and `addr` lies inside it.
        to_result(unsafe { bindings::vm_insert_page(self.as_ptr(), addr, page.as_ptr()) })
    }

    /// Maps page frame `pfn` at `addr` (`vmf_insert_mixed`): as a normal page if `pfn` has a
    /// `struct page`, else as a special entry.
    ///
    /// # Safety
    ///
    /// As for [`VmaPfnMap::vmf_insert_pfn`]: the caller must own `pfn` and keep it valid until
    /// every mapping of it is zapped.
    pub unsafe fn vmf_insert_mixed<L: InstallAllowed>(
        &self,
        _ctx: &mut Ctx<'_, L>,
        addr: usize,
        pfn: usize,
    ) -> VmFaultResult {
        if !self.contains(addr) {
            return VmFaultResult::SIGBUS;
        }
        // SAFETY: The VMA is stable and `VM_MIXEDMAP`; the caller vouches for `pfn`.
        VmFaultResult::from_insert_raw(unsafe {
            bindings::vmf_insert_mixed(self.as_ptr(), addr, pfn)
        })
    }
}

/// Marker for the mapping kind chosen while a new mapping is set up.
pub mod kind {
    /// No `VM_MIXEDMAP`/`VM_PFNMAP` chosen yet.
    pub enum Unset {}
    /// `VM_MIXEDMAP` chosen.
    pub enum MixedMap {}
    /// `VM_PFNMAP` chosen.
    pub enum PfnMap {}
}

/// What a new mapping's settings are written to: the VMA passed to `f_op->mmap`
/// ([`MmapTarget`]) or the `vm_area_desc` passed to `f_op->mmap_prepare` ([`PrepareTarget`]).
///
/// Sealed: the rules of [`NewMapping`] are written once, against these two.
pub trait MappingTarget: private::SealedTarget {
    /// The flags the mapping will have.
    #[doc(hidden)]
    fn target_flags(&self) -> vm_flags_t;

    /// Sets `set`, then clears `clear`.
    #[doc(hidden)]
    fn target_update(&self, set: vm_flags_t, clear: vm_flags_t);

    /// Whether the mapping is copy-on-write (private and may be written).
    #[doc(hidden)]
    fn target_is_cow(&self) -> bool {
        let f = self.target_flags();
        f & flags::SHARED == 0 && f & flags::MAYWRITE != 0
    }
}

/// The VMA of a running `f_op->mmap`: already allocated, with the mmap write lock held and not
/// yet visible to anyone else.
///
/// # Invariants
///
/// `vma` is the VMA passed to the `mmap` callback that is running, with the mmap write lock
/// held by the current task.
pub struct MmapTarget<'a> {
    vma: &'a VmaRef,
}

/// The descriptor of a running `f_op->mmap_prepare` (`struct vm_area_desc`): the mapping is
/// described before any VMA exists, and the core applies the description afterwards, or merges
/// the range into a neighbouring VMA of the same file.
///
/// `'a` is invariant and covers the whole `mmap` call the hook runs in (through `vm_ops->mapped`),
/// so an owner lent for `'a` is still alive when the VMA is created.
///
/// # Invariants
///
/// `desc` is the descriptor passed to the `mmap_prepare` callback that is running, with the mmap
/// write lock held by the current task; only that callback's task writes it.
pub struct PrepareTarget<'a> {
    desc: core::ptr::NonNull<bindings::vm_area_desc>,
    _lt: PhantomData<fn(&'a ()) -> &'a ()>,
}

impl private::SealedTarget for MmapTarget<'_> {}
impl private::SealedTarget for PrepareTarget<'_> {}

impl MappingTarget for MmapTarget<'_> {
    #[inline]
    fn target_flags(&self) -> vm_flags_t {
        self.vma.flags()
    }

    #[inline]
    fn target_update(&self, set: vm_flags_t, clear: vm_flags_t) {
        // SAFETY: The mmap write lock is held (type invariant); `vm_flags_mod` write-locks the
        // VMA itself. The VMA is not in the tree yet, so no `i_mmap_writable` count depends on
        // `VM_MAYWRITE` yet.
        unsafe { bindings::vm_flags_mod(self.vma.as_ptr(), set, clear) };
    }

    #[inline]
    fn target_is_cow(&self) -> bool {
        // SAFETY: The VMA is valid; this reads its flags.
        unsafe { bindings::vma_is_cow_mapping(self.vma.as_ptr()) }
    }
}

impl MappingTarget for PrepareTarget<'_> {
    #[inline]
    fn target_flags(&self) -> vm_flags_t {
        // SAFETY: `desc` is valid and only written by this task (type invariant). The first word
        // of the flag bitmap holds the `VM_*` bits.
        unsafe { (*self.desc.as_ptr()).vma_flags.__vma_flags[0] }
    }

    #[inline]
    fn target_update(&self, set: vm_flags_t, clear: vm_flags_t) {
        // SAFETY: As above; the descriptor is not shared, so a plain write suffices.
        unsafe {
            let word = &mut (*self.desc.as_ptr()).vma_flags.__vma_flags[0];
            *word = (*word | set) & !clear;
        }
    }
}

/// A new mapping being set up by `f_op->mmap` ([`VmaNew`]) or `f_op->mmap_prepare`
/// ([`VmaDesc`]), with the mmap write lock held (`locking.rst`, `file_operations->mmap`;
/// `process_addrs.rst`, "Core fields": `vm_ops` and `vm_file` are "written once on initial map";
/// `mm_types.h`, `struct vm_area_desc`).
///
/// Only the changes a driver may make are offered, with the same rules for both hooks. The
/// mapping kind is a type state `K`: `VM_MIXEDMAP` and `VM_PFNMAP` exclude each other, so
/// [`NewMapping::set_mixedmap`] and [`NewMapping::set_pfnmap`] exist only before either was
/// chosen and consume the handle, and so does `set_vm_ops`, so the ops are installed once.
pub struct NewMapping<T: MappingTarget, K = kind::Unset> {
    target: T,
    _kind: PhantomData<K>,
}

/// The VMA of a running `f_op->mmap`.
///
/// Upstream's `VmaNew` is a struct passed by reference whose `set_mixedmap(&self)` returns
/// `&VmaMixedMap`; here the handle is a value so that the kind is chosen once and `vm_ops` are
/// installed once ([`VmaNew::set_vm_ops`] consumes it), which lets the `mmap` trampoline release
/// the private data if `mmap` fails afterwards. It derefs to [`VmaRef`].
pub type VmaNew<'a, K = kind::Unset> = NewMapping<MmapTarget<'a>, K>;

/// The descriptor of a running `f_op->mmap_prepare`, 7.3's preferred hook: the mapping is
/// described before its VMA exists.
///
/// `vm_ops` and the owner are installed with [`VmaDesc::set_vm_ops`]; the counted reference to
/// the owner is taken only once the core has created the VMA (`vm_ops->mapped`), so a range the
/// core merges into a neighbouring VMA instead, or a mapping that fails later, holds nothing.
pub type VmaDesc<'a, K = kind::Unset> = NewMapping<PrepareTarget<'a>, K>;

impl<'a> VmaNew<'a, kind::Unset> {
    /// Wraps the VMA passed to `f_op->mmap`.
    ///
    /// # Safety
    ///
    /// `vma` must be the VMA of the running `mmap` callback (mmap write lock held, VMA not yet in
    /// the tree), valid for `'a`. Checked with `mmap_assert_write_locked` in debug builds.
    pub unsafe fn from_raw(vma: *mut bindings::vm_area_struct) -> Self {
        // SAFETY: `vma` is valid; its mm is valid.
        unsafe { bindings::mmap_assert_write_locked((*vma).vm_mm) };
        Self {
            // INVARIANT: The caller passes the VMA of the running `mmap`.
            target: MmapTarget {
                // SAFETY: Stable: the mmap write lock is held and nobody else can see the VMA.
                vma: unsafe { VmaRef::from_raw(vma) },
            },
            _kind: PhantomData,
        }
    }
}

impl<'a> VmaDesc<'a, kind::Unset> {
    /// Wraps the descriptor passed to `f_op->mmap_prepare`.
    ///
    /// # Safety
    ///
    /// `desc` must be the descriptor of the running `mmap_prepare` callback (mmap write lock
    /// held), and `'a` must end no later than the `mmap` call it runs in.
    pub unsafe fn from_raw(desc: *mut bindings::vm_area_desc) -> Self {
        // SAFETY: `desc` is valid; its mm is the caller's, locked for write.
        unsafe { bindings::mmap_assert_write_locked((*desc).mm) };
        Self {
            // INVARIANT: The caller passes the descriptor of the running `mmap_prepare`.
            target: PrepareTarget {
                // SAFETY: The caller passes a valid pointer.
                desc: unsafe { core::ptr::NonNull::new_unchecked(desc) },
                _lt: PhantomData,
            },
            _kind: PhantomData,
        }
    }
}

impl<T: MappingTarget> NewMapping<T, kind::Unset> {
    /// Sets `VM_MIXEDMAP` (`struct page` pages and PFNs may be inserted). `EINVAL` if the
    /// mapping was created with `VM_PFNMAP` already.
    pub fn set_mixedmap(self) -> Result<NewMapping<T, kind::MixedMap>> {
        if self.flags() & flags::PFNMAP != 0 {
            return Err(EINVAL);
        }
        self.target.target_update(flags::MIXEDMAP, 0);
        Ok(NewMapping {
            target: self.target,
            _kind: PhantomData,
        })
    }

    /// Sets `VM_PFNMAP | VM_IO` (pure PFN mapping, no `struct page`). `EINVAL` if `VM_MIXEDMAP`
    /// is set already, or if the mapping is copy-on-write (private and writable), which PFN
    /// mappings cannot be (`vmf_insert_pfn` asserts it).
    pub fn set_pfnmap(self) -> Result<NewMapping<T, kind::PfnMap>> {
        if self.flags() & flags::MIXEDMAP != 0 || self.target.target_is_cow() {
            return Err(EINVAL);
        }
        self.target.target_update(flags::PFNMAP | flags::IO, 0);
        Ok(NewMapping {
            target: self.target,
            _kind: PhantomData,
        })
    }
}

impl<T: MappingTarget, K> NewMapping<T, K> {
    /// The flags the mapping has now (`VM_*`, see [`flags`]).
    #[inline]
    pub fn flags(&self) -> vm_flags_t {
        self.target.target_flags()
    }

    /// Sets `VM_DONTCOPY`: the mapping is not inherited by `fork`.
    #[inline]
    pub fn set_dontcopy(&self) {
        self.target.target_update(flags::DONTCOPY, 0);
    }

    /// Sets `VM_DONTEXPAND`: `mremap` cannot grow the mapping.
    #[inline]
    pub fn set_dontexpand(&self) {
        self.target.target_update(flags::DONTEXPAND, 0);
    }

    /// Sets `VM_DONTDUMP`: left out of core dumps.
    #[inline]
    pub fn set_dontdump(&self) {
        self.target.target_update(flags::DONTDUMP, 0);
    }

    /// Sets `VM_IO`: memory-mapped I/O (not `get_user_pages`-able).
    #[inline]
    pub fn set_io(&self) {
        self.target.target_update(flags::IO, 0);
    }

    /// Whether the mapping is readable now (`VM_READ`).
    #[inline]
    pub fn readable(&self) -> bool {
        self.flags() & flags::READ != 0
    }

    /// Whether the mapping is writable now (`VM_WRITE`).
    #[inline]
    pub fn writable(&self) -> bool {
        self.flags() & flags::WRITE != 0
    }

    /// Whether the mapping is executable now (`VM_EXEC`).
    #[inline]
    pub fn executable(&self) -> bool {
        self.flags() & flags::EXEC != 0
    }

    /// Clears `may` unless the access bit `now` is set (`VM_READ` needs `VM_MAYREAD`, and so on).
    fn try_clear(&self, now: bool, may: vm_flags_t) -> Result {
        if now {
            return Err(EINVAL);
        }
        self.target.target_update(0, may);
        Ok(())
    }

    /// Clears `VM_MAYREAD` so `mprotect` can never make the mapping readable. `EINVAL` if it is
    /// readable now.
    #[inline]
    pub fn try_clear_mayread(&self) -> Result {
        self.try_clear(self.readable(), flags::MAYREAD)
    }

    /// Clears `VM_MAYWRITE` so `mprotect` can never make the mapping writable. `EINVAL` if it is
    /// writable now.
    #[inline]
    pub fn try_clear_maywrite(&self) -> Result {
        self.try_clear(self.writable(), flags::MAYWRITE)
    }

    /// Clears `VM_MAYEXEC`. `EINVAL` if the mapping is executable now.
    #[inline]
    pub fn try_clear_mayexec(&self) -> Result {
        self.try_clear(self.executable(), flags::MAYEXEC)
    }
}

impl<K> VmaNew<'_, K> {
    /// Installs `T`'s `vm_operations_struct`, with the owner that `data` refers to as
    /// `vm_private_data`. With a counted `data` ([`Arc`]) every VMA copied from this one (split,
    /// `fork`) takes its own reference in `open`, released in `close`.
    ///
    /// Consumes the handle: the ops are installed once. If `mmap` fails afterwards, the core
    /// calls no hook of the VMA, so the `mmap` trampoline calls `close` itself to release `data`.
    pub fn set_vm_ops<T: VmOperations>(self, table: &'static VmOpsTable<T>, data: T::Data) {
        // SAFETY: `vm_ops` and `vm_private_data` are written once here, under the mmap write
        // lock, before the VMA becomes visible; `close` releases `data` if it is counted.
        unsafe {
            let vma = self.target.vma.as_ptr();
            (*vma).vm_private_data = data.into_owner_ptr().cast_mut().cast();
            (*vma).vm_ops = table.table.get();
        }
    }
}

impl<K> core::ops::Deref for VmaNew<'_, K> {
    type Target = VmaRef;

    #[inline]
    fn deref(&self) -> &VmaRef {
        self.target.vma
    }
}

impl<'a, K> VmaDesc<'a, K> {
    #[inline]
    fn desc(&self) -> &bindings::vm_area_desc {
        // SAFETY: Valid and only written by this task through this handle (type invariant).
        unsafe { self.target.desc.as_ref() }
    }

    /// The first address of the mapping to be created.
    #[inline]
    pub fn start(&self) -> usize {
        self.desc().start
    }

    /// The address after its last byte.
    #[inline]
    pub fn end(&self) -> usize {
        self.desc().end
    }

    /// Its length in bytes (never 0: `mmap` refuses an empty mapping before any hook runs).
    #[inline]
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.end() - self.start()
    }

    /// Its offset in the file, in pages.
    #[inline]
    pub fn pgoff(&self) -> usize {
        self.desc().pgoff
    }

    /// Installs `T`'s `vm_operations_struct` and `owner`, lent for the whole `mmap` call.
    ///
    /// No reference is taken here: if the core merges the range into a neighbouring VMA of the
    /// same file (`vma_merge_new_range`, which compares neither `vm_ops` nor private data), or
    /// fails before creating the VMA, there is nothing to release. Once it has created the VMA,
    /// the core calls `vm_ops->mapped`, where the VMA takes its own reference ([`Arc`]), released
    /// by its `close`; copies of the VMA take theirs in `open`. An owner that does not live for
    /// `'a` (one created inside the hook, or behind a lock) does not compile.
    ///
    /// Without a `VM_SPECIAL` flag (`VM_MIXEDMAP`, `VM_PFNMAP`, `VM_IO`, `VM_DONTEXPAND`), a later
    /// range of the same file at the next address and page offset may be merged into this VMA,
    /// which keeps this owner; as after an `mremap` that grows the VMA, callbacks then see page
    /// offsets this hook never checked, so they must bound-check `pgoff` against their owner (a
    /// fault past the end returns `SIGBUS`, as past the end of a file).
    pub fn set_vm_ops<T: VmOperations>(
        self,
        table: &'static VmOpsTable<T>,
        owner: <T::Data as VmaData<T::Owner>>::Lent<'a>,
    ) {
        let desc = self.target.desc.as_ptr();
        // SAFETY: The descriptor is only written by this task (type invariant). The pointer stays
        // uncounted until `mapped` runs on the created VMA, and the owner is alive until then,
        // being lent for `'a`.
        unsafe {
            (*desc).private_data = T::Data::lent_ptr(owner).cast_mut().cast();
            (*desc).vm_ops = table.prepared.get();
        }
    }
}

mod private {
    /// Sealed per owner type: `VmaData<O>` is implemented only by `Arc<O>` and `OwnerRef<O>`,
    /// so no driver can pair an owner type of its own with a data type of ours.
    pub trait Sealed<O> {}

    /// Sealed: [`super::MappingTarget`] is implemented only for the `mmap` VMA and the
    /// `mmap_prepare` descriptor.
    pub trait SealedTarget {}
}

/// How a VMA of ours refers to its owner (`vm_private_data`): [`Arc<O>`], a counted reference
/// that every copy of the VMA takes and its `close` drops, or [`OwnerRef<O>`], an uncounted
/// pointer to an owner that outlives the VMAs. Sealed: the trampolines rely on exactly these
/// two behaviours.
pub trait VmaData<O>: private::Sealed<O> + Send + Sync + Sized {
    /// Whether copies of a VMA take a reference (`open`) that `close` drops.
    #[doc(hidden)]
    const COUNTED: bool;

    /// How `mmap_prepare` lends the owner for the whole `mmap` call ([`VmaDesc::set_vm_ops`]):
    /// [`ArcBorrow`] for [`Arc`], the [`OwnerRef`] itself for an uncounted owner.
    type Lent<'a>;

    /// Gives up the handle, returning the owner's address for `vm_private_data`.
    #[doc(hidden)]
    fn into_owner_ptr(self) -> *const O;

    /// The owner's address, without taking a reference.
    #[doc(hidden)]
    fn lent_ptr(lent: Self::Lent<'_>) -> *const O;

    /// Takes the reference of a copied VMA, or of a VMA created from an `mmap_prepare`
    /// description (`vm_ops->mapped`).
    ///
    /// # Safety
    ///
    /// `owner` came from [`VmaData::into_owner_ptr`] and its reference is still held, or from
    /// [`VmaData::lent_ptr`] and the loan has not ended.
    #[doc(hidden)]
    unsafe fn dup(owner: *const O);

    /// Drops the reference of a VMA that goes away.
    ///
    /// # Safety
    ///
    /// `owner` came from [`VmaData::into_owner_ptr`] or [`VmaData::dup`] and its reference is
    /// not used again.
    #[doc(hidden)]
    unsafe fn release(owner: *const O);
}

impl<O: Send + Sync + 'static> private::Sealed<O> for Arc<O> {}

impl<O: Send + Sync + 'static> VmaData<O> for Arc<O> {
    const COUNTED: bool = true;

    type Lent<'a> = ArcBorrow<'a, O>;

    #[inline]
    fn into_owner_ptr(self) -> *const O {
        Arc::into_raw(self)
    }

    #[inline]
    fn lent_ptr(lent: ArcBorrow<'_, O>) -> *const O {
        // The same address as `Arc::into_raw` gives for the `Arc` it borrows.
        core::ptr::from_ref::<O>(&lent)
    }

    #[inline]
    unsafe fn dup(owner: *const O) {
        // SAFETY: `owner` is the `into_raw` address of a live `Arc<O>` (caller: a held reference
        // or an `ArcBorrow` loan that has not ended), so it can be borrowed; `Arc::from` takes
        // one more reference, which `into_raw` hands to the copied VMA.
        let copy: Arc<O> = unsafe { ArcBorrow::from_raw(owner) }.into();
        let _ = Arc::into_raw(copy);
    }

    #[inline]
    unsafe fn release(owner: *const O) {
        // SAFETY: `owner` came from `Arc::into_raw` and owns one reference (caller), given back
        // here.
        drop(unsafe { Arc::from_raw(owner) });
    }
}

/// An uncounted reference from a VMA to its owner, for drivers whose owner provably outlives
/// every VMA it is installed on (Rust Binder's page range, which lives as long as the open file
/// that each of its VMAs holds through `vm_file`).
///
/// # Invariants
///
/// `owner` outlives every VMA whose `vm_private_data` it is stored in.
pub struct OwnerRef<O>(core::ptr::NonNull<O>);

// SAFETY: An `OwnerRef` only gives shared access to `O`, which is `Sync`.
unsafe impl<O: Sync> Send for OwnerRef<O> {}
// SAFETY: As above.
unsafe impl<O: Sync> Sync for OwnerRef<O> {}

impl<O> OwnerRef<O> {
    /// Makes an uncounted owner reference.
    ///
    /// # Safety
    ///
    /// `owner` must stay valid, and not move, for as long as any VMA that this reference (or a
    /// copy of such a VMA) is installed on exists.
    #[inline]
    pub unsafe fn new(owner: &O) -> Self {
        // INVARIANT: The caller guarantees the lifetime.
        Self(core::ptr::NonNull::from(owner))
    }
}

impl<O: Sync> private::Sealed<O> for OwnerRef<O> {}

impl<O: Sync> VmaData<O> for OwnerRef<O> {
    const COUNTED: bool = false;

    type Lent<'a> = OwnerRef<O>;

    #[inline]
    fn into_owner_ptr(self) -> *const O {
        self.0.as_ptr()
    }

    #[inline]
    fn lent_ptr(lent: OwnerRef<O>) -> *const O {
        lent.0.as_ptr()
    }

    #[inline]
    unsafe fn dup(_owner: *const O) {}

    #[inline]
    unsafe fn release(_owner: *const O) {}
}

/// `vm_operations_struct` callbacks implemented in Rust.
///
/// Each callback gets the owner installed by [`VmaNew::set_vm_ops`] and the lock token of
/// the context it runs in (`locking.rst`, `vm_operations_struct`):
///
/// | callback       | runs with                         | token / view                      |
/// |----------------|-----------------------------------|-----------------------------------|
/// | `open`         | mmap write lock                   | `&VmaRef`                         |
/// | `close`        | mmap read or write lock           | `&VmaRef`                         |
/// | `fault`        | mmap or VMA read lock; may sleep  | [`VmFault`] (`Ctx<VmaLock>`)      |
/// | `page_mkwrite` | mmap or VMA read lock; may sleep  | [`VmFault`] (`Ctx<VmaLock>`)      |
/// | `pfn_mkwrite`  | mmap or VMA read lock; may sleep  | [`VmFault`] (`Ctx<VmaLock>`)      |
/// | `map_pages`    | RCU read lock, must not block     | [`VmFault`] + `Ctx<PageTableLock>`|
/// | `access`       | mmap read lock                    | `&VmaRef`, `Ctx<MmapLock>`        |
///
/// Only implemented callbacks are populated in the table (`#[vtable]`), except `open` and
/// `close` with counted data ([`Arc`]), which are always installed because they own the
/// references to the owner.
#[macros::vtable]
pub trait VmOperations: Sized + 'static + Send + Sync {
    /// What `vm_private_data` points to: the driver object that owns the VMA. Ownership checks
    /// ([`VmOpsTable::owns`]) compare against it, so two files of one driver, which share one
    /// table, cannot use each other's VMAs.
    type Owner: Send + Sync + 'static;

    /// How each VMA refers to the owner: [`Arc<Self::Owner>`] or [`OwnerRef<Self::Owner>`].
    type Data: VmaData<Self::Owner>;

    /// A new VMA was copied from one of ours (split, `fork`).
    fn open(_owner: &Self::Owner, _vma: &VmaRef) {}

    /// A VMA of ours is going away; its reference to the data is dropped afterwards.
    fn close(_owner: &Self::Owner, _vma: &VmaRef) {}

    /// A not-present page was accessed. The result comes from [`VmFault::set_page`],
    /// [`VmFault::insert_page`], a `vmf_insert_*` call, or an error.
    fn fault(_owner: &Self::Owner, _vmf: &mut VmFault<'_>) -> VmFaultResult {
        crate::build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// A read-only page is about to become writable. Return [`VmFault::proceed`] to let the
    /// core make the entry writable (the page is not locked), or an error.
    fn page_mkwrite(_owner: &Self::Owner, _vmf: &mut VmFault<'_, Proceed>) -> VmFaultResult {
        crate::build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// A read-only PFN entry is about to become writable ([`VmFault::proceed`] or an error).
    fn pfn_mkwrite(_owner: &Self::Owner, _vmf: &mut VmFault<'_, Proceed>) -> VmFaultResult {
        crate::build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// Map easily reachable pages of `[start_pgoff, end_pgoff]` without blocking.
    ///
    /// 7.3 calls it under the RCU read lock (`do_fault_around`), with the mmap or VMA lock maybe
    /// held for read. The token is at [`PageTableLock`] level, the non-sleeping end of the order,
    /// so no sleeping lock or sleeping insert can be called; it claims no page-table lock.
    fn map_pages(
        _owner: &Self::Owner,
        _vmf: &VmFault<'_, Proceed>,
        _ctx: &mut Ctx<'_, PageTableLock>,
        _start_pgoff: usize,
        _end_pgoff: usize,
    ) -> VmFaultResult {
        crate::build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// `access_process_vm` on a VMA that cannot be reached through page tables; returns the
    /// number of bytes transferred.
    fn access(
        _owner: &Self::Owner,
        _vma: &VmaRef,
        _ctx: &mut Ctx<'_, MmapLock>,
        _addr: usize,
        _buf: &mut [u8],
        _write: bool,
    ) -> Result<usize> {
        crate::build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }
}

/// The `vm_operations_struct` of `T`, declared once per driver as a `static`; its address is the
/// identity that [`VmOpsTable::owns`] checks.
///
/// # Examples
///
/// ```ignore
/// static MY_VM_OPS: VmOpsTable<MyOps> = VmOpsTable::new();
/// ```
pub struct VmOpsTable<T: VmOperations> {
    table: Opaque<bindings::vm_operations_struct>,
    /// The same callbacks plus `mapped`, for VMAs described by `mmap_prepare` (`mm.h`: `mapped`
    /// is "ONLY valid if set from f_op->mmap_prepare").
    prepared: Opaque<bindings::vm_operations_struct>,
    _t: PhantomData<T>,
}

// SAFETY: The table is immutable after construction and only read by the C side.
unsafe impl<T: VmOperations> Sync for VmOpsTable<T> {}

/// A VMA proven to have been set up by this driver's `mmap` with `T`'s table, for a given owner.
///
/// Obtained from any stable VMA with [`VmOpsTable::owns`], which checks the `vm_ops` identity
/// **and** the owner identity: code that looks a VMA up by address (e.g. in an ioctl) must go
/// through it, so a VMA that was unmapped and replaced by someone else's mapping at the same
/// address (`MAP_FIXED`), or by a mapping of another file of the same driver, is rejected. This
/// is the check Rust Binder makes by hand since "check ownership before using vma".
pub struct OwnedVma<'a, T: VmOperations> {
    vma: &'a VmaRef,
    owner: &'a T::Owner,
}

impl<'a, T: VmOperations> OwnedVma<'a, T> {
    /// The VMA.
    #[inline]
    pub fn vma(&self) -> &'a VmaRef {
        self.vma
    }

    /// The owner installed by `set_vm_ops` (the one passed to [`VmOpsTable::owns`]).
    #[inline]
    pub fn owner(&self) -> &'a T::Owner {
        self.owner
    }

    /// Checked conversion: the VMA as [`VmaMixedMap`] if it has `VM_MIXEDMAP`, to insert pages.
    ///
    /// Upstream offers this on any `VmaRef`; here only on a VMA proven ours, so pages are never
    /// inserted into a mapping that replaced ours at the same address (Rust Binder's "check
    /// ownership before using vma").
    #[inline]
    pub fn as_mixedmap_vma(&self) -> Option<&'a VmaMixedMap> {
        self.vma.as_mixedmap_vma()
    }

    /// Checked conversion: the VMA as [`VmaPfnMap`] if it is `VM_PFNMAP` and not copy-on-write.
    #[inline]
    pub fn as_pfnmap(&self) -> Option<&'a VmaPfnMap> {
        self.vma.as_pfnmap()
    }

    /// Zaps (unmaps) the pages mapped in `[address, address + size)` of this VMA of ours
    /// (`zap_vma_range`); the next access faults again. The page tables stay.
    ///
    /// `process_addrs.rst`, "Page tables": zapping needs only a stable VMA, under any of the mmap,
    /// VMA or rmap locks. It may sleep, hence a [`Sleepable`] token. `EINVAL` if the range is not
    /// page aligned or not inside the VMA, and for hugetlb VMAs, whose zap takes the file's
    /// `i_mmap` lock, which the caller may already hold. (Upstream's `VmaRef::zap_vma_range`
    /// works on any VMA and silently ignores a bad range.)
    #[inline]
    pub fn zap_vma_range<L: Sleepable>(
        &self,
        ctx: &mut Ctx<'_, L>,
        address: usize,
        size: usize,
    ) -> Result {
        self.vma.zap_vma_range(ctx, address, size)
    }

    /// Write-protects and cleans the present entries of `[start, end)` of this VMA of ours,
    /// moving their dirty bits to the folios so no write is lost (as `page_vma_mkclean_one`);
    /// returns how many entries were dirty. The next writes fault again (`page_mkwrite`).
    /// Entries that are not present (swap, migration) are left as they are, as in
    /// `page_vma_mkclean_one`: this is not a way to take write access away (see
    /// [`VmaWriteGuard::mod_flags`](super::virt::VmaWriteGuard::mod_flags)).
    ///
    /// Secondary MMUs (KVM, IOMMU SVA) are told first: the range is invalidated with MMU
    /// notifiers around the change (`mmu_notifier_invalidate_range_start`/`_end`), which may
    /// sleep, so this takes a process-context token; the PTE locks are taken one table at a time
    /// inside. `EINVAL` for a range that is not page aligned, not inside the VMA, or hugetlb.
    pub fn mkclean_range<L: Sleepable + Before<PageTableLock>>(
        &self,
        ctx: &mut Ctx<'_, L>,
        start: usize,
        end: usize,
    ) -> Result<usize> {
        self.check_range(start, end)?;
        let vma = self.vma;
        // SAFETY: All-zero is a valid `mmu_notifier_range` before `mmu_notifier_range_init`.
        let mut range: bindings::mmu_notifier_range = unsafe { core::mem::zeroed() };
        // SAFETY: The VMA and its mm are stable; the range lies in the VMA. Starting the
        // invalidation may sleep, which the token allows; it is ended below on every path.
        unsafe {
            bindings::mmu_notifier_range_init(
                &mut range,
                bindings::mmu_notifier_event_MMU_NOTIFY_PROTECTION_PAGE,
                0,
                vma.mm().as_raw(),
                start,
                end,
            );
            bindings::mmu_notifier_invalidate_range_start(&mut range);
        }
        let mut dirty = 0;
        let mut addr = start;
        while addr < end {
            match PteGuard::lock(ctx, vma, addr) {
                Some((mut pte, _)) => loop {
                    dirty += usize::from(pte.mkclean());
                    addr = pte.addr() + PAGE_SIZE;
                    if addr >= end || !pte.advance() {
                        break;
                    }
                },
                None => addr = (addr | (PMD_SIZE - 1)) + 1,
            }
        }
        // SAFETY: Ends the invalidation started above.
        unsafe { bindings::mmu_notifier_invalidate_range_end(&mut range) };
        Ok(dirty)
    }

    /// Clears the accessed bit of the present entries of `[start, end)` of this VMA of ours and
    /// of the secondary MMUs' mappings of them (`ptep_clear_flush_young_notify`, as
    /// `folio_referenced_one` does under the PTE lock); returns how many were young.
    /// `EINVAL` as for [`OwnedVma::mkclean_range`].
    pub fn clear_young_range<L: Before<PageTableLock>>(
        &self,
        ctx: &mut Ctx<'_, L>,
        start: usize,
        end: usize,
    ) -> Result<usize> {
        self.check_range(start, end)?;
        let mut young = 0;
        let mut addr = start;
        while addr < end {
            match PteGuard::lock(ctx, self.vma, addr) {
                Some((mut pte, _)) => loop {
                    young += usize::from(pte.clear_young());
                    addr = pte.addr() + PAGE_SIZE;
                    if addr >= end || !pte.advance() {
                        break;
                    }
                },
                None => addr = (addr | (PMD_SIZE - 1)) + 1,
            }
        }
        Ok(young)
    }

    /// `Ok` if `[start, end)` is a page-aligned, non-empty range inside this non-hugetlb VMA.
    fn check_range(&self, start: usize, end: usize) -> Result {
        if start >= end
            || start < self.vma.start()
            || end > self.vma.end()
            || (start | end) & (PAGE_SIZE - 1) != 0
            || self.vma.flags() & flags::HUGETLB != 0
        {
            return Err(EINVAL);
        }
        Ok(())
    }
}

impl<T: VmOperations> VmOpsTable<T> {
    /// Builds the table; callbacks `T` does not implement stay `NULL`.
    pub const fn new() -> Self {
        // SAFETY: All-zero is a valid `vm_operations_struct` (all callbacks `None`).
        let mut ops: bindings::vm_operations_struct = unsafe { core::mem::zeroed() };
        if T::Data::COUNTED || T::HAS_OPEN {
            ops.open = Some(Self::open);
        }
        if T::Data::COUNTED || T::HAS_CLOSE {
            ops.close = Some(Self::close);
        }
        if T::HAS_FAULT {
            ops.fault = Some(Self::fault);
        }
        if T::HAS_PAGE_MKWRITE {
            ops.page_mkwrite = Some(Self::page_mkwrite);
        }
        if T::HAS_PFN_MKWRITE {
            ops.pfn_mkwrite = Some(Self::pfn_mkwrite);
        }
        if T::HAS_MAP_PAGES {
            ops.map_pages = Some(Self::map_pages);
        }
        if T::HAS_ACCESS {
            ops.access = Some(Self::access);
        }
        let mut prepared = ops;
        prepared.mapped = Some(Self::mapped);
        Self {
            table: Opaque::new(ops),
            prepared: Opaque::new(prepared),
            _t: PhantomData,
        }
    }

    /// The `vm_operations_struct` pointer.
    #[inline]
    pub fn as_raw(&'static self) -> *const bindings::vm_operations_struct {
        self.table.get()
    }

    /// Checked conversion: `Some` if `vma` was set up with this table (its `vm_ops` is this
    /// static, from `mmap` or `mmap_prepare`) for `owner` (its `vm_private_data` is `owner`).
    ///
    /// `owner` is only compared, never dereferenced, so a caller may pass the address of an
    /// owner it cannot borrow right now (a null `owner` matches no VMA); on success the owner
    /// is alive for `'a`, since it outlives the VMA ([`VmaData`]). The check is made under
    /// whatever lock keeps `vma` stable, and its result lives no longer than that lock, so it is
    /// revalidated at each use.
    #[inline]
    pub fn owns<'a>(
        &'static self,
        vma: &'a VmaRef,
        owner: *const T::Owner,
    ) -> Option<OwnedVma<'a, T>> {
        // `vm_ops` and `vm_private_data` are written once, but not always before the VMA becomes
        // visible: a VMA described by `mmap_prepare` is linked into `i_mmap` with the dummy ops
        // and no private data, and gets both afterwards without the `i_mmap` lock
        // (`set_vma_user_defined_fields`), so an rmap walker may see our ops with a still-null
        // private pointer. Read each once, and never match a null owner.
        //
        // SAFETY: Both fields are readable under any lock that keeps the VMA stable.
        let (ops, private) = unsafe {
            (
                core::ptr::read_volatile(&raw const (*vma.as_ptr()).vm_ops),
                core::ptr::read_volatile(&raw const (*vma.as_ptr()).vm_private_data),
            )
        };
        let ours = core::ptr::eq(ops, self.as_raw()) || core::ptr::eq(ops, self.prepared.get());
        if !ours || private.is_null() || !core::ptr::eq(private.cast_const().cast(), owner) {
            return None;
        }
        Some(OwnedVma {
            vma,
            // SAFETY: The VMA is ours and stable for `'a`, and its owner outlives it.
            owner: unsafe { Self::data(vma.as_ptr()) },
        })
    }

    /// # Safety
    ///
    /// `vma` must be one of our VMAs (uses this table), and `'a` must not outlive it.
    unsafe fn data<'a>(vma: *mut bindings::vm_area_struct) -> &'a T::Owner {
        // SAFETY: Per the safety requirements, `vm_private_data` came from
        // `VmaData::into_owner_ptr` and the owner outlives the VMA (counted or by `OwnerRef`'s
        // contract).
        unsafe { &*(*vma).vm_private_data.cast::<T::Owner>() }
    }

    /// # Safety
    ///
    /// Installed as `vm_operations_struct::open`: called by the mm core on a VMA copied from one of
    /// ours (split, `fork`), with the mmap write lock held.
    unsafe extern "C" fn open(vma: *mut bindings::vm_area_struct) {
        // SAFETY: `open` is only called on VMAs copied from ours (same table and private data),
        // under the mmap write lock.
        let (owner, vma) = unsafe { (Self::data(vma), VmaRef::from_raw(vma)) };
        // SAFETY: The copy shares the original's owner pointer; it takes its own reference,
        // released by its `close`.
        unsafe { T::Data::dup(owner) };
        let held = HeldLocks::now();
        T::open(owner, vma);
        held.check("VmOperations::open");
    }

    /// # Safety
    ///
    /// Installed as `vm_operations_struct::mapped` of the `mmap_prepare` table: called by the mm
    /// core once, for the VMA it created from a description of ours, under the mmap write lock
    /// and within the `mmap` call the owner was lent for; `private` points to that VMA's
    /// `vm_private_data`.
    unsafe extern "C" fn mapped(
        _start: usize,
        _end: usize,
        _pgoff: usize,
        _file: *const bindings::file,
        private: *mut *mut core::ffi::c_void,
    ) -> core::ffi::c_int {
        // SAFETY: `*private` is the pointer `VmaDesc::set_vm_ops` stored from
        // `VmaData::lent_ptr`, and the loan lasts for the whole `mmap` call. The new VMA takes
        // its own reference here, released by its `close`.
        unsafe { T::Data::dup((*private).cast_const().cast()) };
        0
    }

    /// # Safety
    ///
    /// Installed as `vm_operations_struct::close`: called once per VMA of ours when it goes away,
    /// with the mmap lock held for read or write (`vms_complete_munmap_vmas` may have downgraded
    /// it), or from `exit_mmap`.
    unsafe extern "C" fn close(vma: *mut bindings::vm_area_struct) {
        // SAFETY: `close` is called once per VMA of ours, under the mmap lock (or in
        // `exit_mmap` when nobody else can reach the mm).
        let vma_ref = unsafe { VmaRef::from_raw(vma) };
        // SAFETY: As above.
        let owner = unsafe { Self::data(vma) };
        let held = HeldLocks::now();
        T::close(owner, vma_ref);
        held.check("VmOperations::close");
        // SAFETY: Drops the reference owned by this VMA (from `set_vm_ops` or `open`); `owner`
        // is not used afterwards.
        unsafe { T::Data::release(owner) };
    }

    /// # Safety
    ///
    /// Installed as `vm_operations_struct::fault`: `vmf` is a fault on one of our VMAs, with the
    /// mmap or VMA read lock held.
    unsafe extern "C" fn fault(vmf: *mut bindings::vm_fault) -> bindings::vm_fault_t {
        // SAFETY: Called by the fault path for our VMA, with the mmap or VMA read lock held.
        let mut f = unsafe { VmFault::<Fault>::from_raw(vmf) };
        // SAFETY: The faulting VMA is ours.
        let data = unsafe { Self::data(f.vma().as_ptr()) };
        let held = HeldLocks::now();
        let result = T::fault(data, &mut f);
        held.check("VmOperations::fault");
        // SAFETY: `fault` has just returned `result` for `vmf`.
        unsafe { VmFault::settle(vmf, result) }.as_raw()
    }

    /// # Safety
    ///
    /// Installed as `vm_operations_struct::page_mkwrite`: as for `fault`.
    unsafe extern "C" fn page_mkwrite(vmf: *mut bindings::vm_fault) -> bindings::vm_fault_t {
        // SAFETY: As in `fault`.
        let mut f = unsafe { VmFault::<Proceed>::from_raw(vmf) };
        // SAFETY: The faulting VMA is ours.
        let data = unsafe { Self::data(f.vma().as_ptr()) };
        let held = HeldLocks::now();
        let result = T::page_mkwrite(data, &mut f);
        held.check("VmOperations::page_mkwrite");
        result.as_raw()
    }

    /// # Safety
    ///
    /// Installed as `vm_operations_struct::pfn_mkwrite`: as for `fault`.
    unsafe extern "C" fn pfn_mkwrite(vmf: *mut bindings::vm_fault) -> bindings::vm_fault_t {
        // SAFETY: As in `fault`.
        let mut f = unsafe { VmFault::<Proceed>::from_raw(vmf) };
        // SAFETY: The faulting VMA is ours.
        let data = unsafe { Self::data(f.vma().as_ptr()) };
        let held = HeldLocks::now();
        let result = T::pfn_mkwrite(data, &mut f);
        held.check("VmOperations::pfn_mkwrite");
        result.as_raw()
    }

    /// # Safety
    ///
    /// Installed as `vm_operations_struct::map_pages`: as for `fault`, in a context that must
    /// not block.
    unsafe extern "C" fn map_pages(
        vmf: *mut bindings::vm_fault,
        start: usize,
        end: usize,
    ) -> bindings::vm_fault_t {
        // SAFETY: As in `fault`.
        let f = unsafe { VmFault::<Proceed>::from_raw(vmf) };
        // SAFETY: The faulting VMA is ours.
        let data = unsafe { Self::data(f.vma().as_ptr()) };
        // INVARIANT: `map_pages` runs under the RCU read lock and must not block (VFS table); a
        // token at the last level makes every sleeping call and every further lock unavailable.
        let mut ctx = Ctx::<PageTableLock>::make();
        let held = HeldLocks::now();
        let result = T::map_pages(data, &f, &mut ctx, start, end);
        held.check("VmOperations::map_pages");
        result.as_raw()
    }

    /// # Safety
    ///
    /// Installed as `vm_operations_struct::access`: `vma` is ours, the mmap read lock is held and
    /// `buf` is a kernel buffer of `len` bytes.
    unsafe extern "C" fn access(
        vma: *mut bindings::vm_area_struct,
        addr: usize,
        buf: *mut core::ffi::c_void,
        len: core::ffi::c_int,
        write: core::ffi::c_int,
    ) -> core::ffi::c_int {
        // SAFETY: `access_process_vm` calls this for our VMA with the mmap read lock held.
        let (data, vma_ref) = unsafe { (Self::data(vma), VmaRef::from_raw(vma)) };
        let len = usize::try_from(len).unwrap_or(0);
        // SAFETY: The core passes a kernel buffer of `len` bytes.
        let buf = unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), len) };
        // INVARIANT: The mmap read lock is held.
        let mut ctx = Ctx::<MmapLock>::make();
        let held = HeldLocks::now();
        let result = T::access(data, vma_ref, &mut ctx, addr, buf, write != 0);
        held.check("VmOperations::access");
        match result {
            Ok(n) => n.min(len) as core::ffi::c_int,
            Err(e) => Error::to_errno(e),
        }
    }
}

impl<T: VmOperations> Default for VmOpsTable<T> {
    fn default() -> Self {
        Self::new()
    }
}
