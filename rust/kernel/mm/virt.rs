// SPDX-License-Identifier: GPL-2.0

//! Virtual memory areas (`struct vm_area_struct`) and the per-VMA locks.
//!
//! `Documentation/mm/process_addrs.rst` ("Using address space locks", "VMA fields") says which
//! lock makes a VMA readable and which locks make each field writable. The types here follow
//! the lock-state table:
//!
//! | locks held                     | type            | read | write                      |
//! |--------------------------------|-----------------|------|----------------------------|
//! | VMA read                       | [`VmaReadGuard`]| yes  | no                         |
//! | mmap R/W, or rmap R/W          | `&`[`VmaRef`]   | yes  | no                         |
//! | mmap W + VMA W                 | [`VmaWriteGuard`]| yes | flags, `vm_page_prot`      |
//! | mmap W + VMA W + rmap W        | (not exposed)   | yes  | also start, end, pgoff     |
//!
//! `vm_start`, `vm_end` and `vm_pgoff` ("Virtual layout fields") locate the VMA in the rmap
//! interval trees; changing them means splitting, merging or moving VMAs, which the mm core does
//! (`mremap`, `mprotect`, `munmap`). No driver-facing API needs it, so no type exposes it.
//!
//! C header: [`include/linux/mm.h`](srctree/include/linux/mm.h).

use crate::{
    bindings,
    error::{code::EINVAL, Result},
    fs::File,
    mm::{rmap::AnonVma, Mm},
    types::Opaque,
};
use core::{marker::PhantomData, ops::Deref};

/// VMA flag values (`VM_*`, `include/linux/mm.h`), as stored in `vm_flags`.
pub mod flags {
    /// The type of `vm_flags`.
    pub type Flags = usize;

    /// Readable.
    pub const READ: Flags = bindings::VM_READ as Flags;
    /// Writable.
    pub const WRITE: Flags = bindings::VM_WRITE as Flags;
    /// Executable.
    pub const EXEC: Flags = bindings::VM_EXEC as Flags;
    /// Shared mapping (`MAP_SHARED`).
    pub const SHARED: Flags = bindings::VM_SHARED as Flags;
    /// `mprotect` may make it readable.
    pub const MAYREAD: Flags = bindings::VM_MAYREAD as Flags;
    /// `mprotect` may make it writable.
    pub const MAYWRITE: Flags = bindings::VM_MAYWRITE as Flags;
    /// `mprotect` may make it executable.
    pub const MAYEXEC: Flags = bindings::VM_MAYEXEC as Flags;
    /// `mprotect` may make it shared.
    pub const MAYSHARE: Flags = bindings::VM_MAYSHARE as Flags;
    /// Page ranges without `struct page` (pure PFNs).
    pub const PFNMAP: Flags = bindings::VM_PFNMAP as Flags;
    /// Pages are `mlock`ed.
    pub const LOCKED: Flags = bindings::VM_LOCKED as Flags;
    /// Memory-mapped I/O.
    pub const IO: Flags = bindings::VM_IO as Flags;
    /// Not copied on `fork`.
    pub const DONTCOPY: Flags = bindings::VM_DONTCOPY as Flags;
    /// Cannot be grown by `mremap`.
    pub const DONTEXPAND: Flags = bindings::VM_DONTEXPAND as Flags;
    /// Left out of core dumps.
    pub const DONTDUMP: Flags = bindings::VM_DONTDUMP as Flags;
    /// May contain both `struct page` pages and pure PFNs.
    pub const MIXEDMAP: Flags = bindings::VM_MIXEDMAP as Flags;

    use crate::bindings;
}

use flags::Flags;

/// Architecture page protection bits of a VMA (`pgprot_t`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct PageProt(pub u64);

/// A VMA that something keeps stable: it can be read, not written.
///
/// `process_addrs.rst`, "Using address space locks": to read VMA fields the caller must hold the
/// mmap lock, a VMA read lock, or an rmap lock. A `&VmaRef` is only handed out by a guard for one
/// of those locks and cannot outlive it. It has no setters: the lock-state table answers "Write
/// most? N" for every row without both mmap and VMA write locks.
///
/// # Invariants
///
/// While a `&VmaRef` exists, the VMA is valid and kept stable by a lock the current task holds
/// (mmap lock, VMA lock or rmap lock), so the fields read here do not change under it except
/// through that same task.
#[repr(transparent)]
pub struct VmaRef {
    vma: Opaque<bindings::vm_area_struct>,
}

impl VmaRef {
    /// Returns a reference to the VMA at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must be a valid VMA, kept stable for `'a` by a lock that the current task holds:
    /// the mmap lock of its mm, its VMA lock, or the rmap lock of an interval tree it is in. In
    /// debug builds the VMA or mmap lock is checked with `vma_assert_locked`/`mmap_assert_locked`
    /// by the guards that call this.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::vm_area_struct) -> &'a VmaRef {
        // SAFETY: `VmaRef` is a transparent wrapper; the caller guarantees validity.
        unsafe { &*ptr.cast() }
    }

    /// Returns the raw pointer.
    #[inline]
    pub fn as_raw(&self) -> *mut bindings::vm_area_struct {
        self.vma.get()
    }

    /// Returns the mm this VMA belongs to (`vm_mm`, "None - written once on initial map").
    #[inline]
    pub fn mm(&self) -> &Mm {
        // SAFETY: `vm_mm` never changes, and a stable VMA keeps its address space (and thus the
        // `mm_struct`) alive ("Stabilising a VMA also keeps the address space ... around").
        unsafe { Mm::from_raw((*self.as_raw()).vm_mm) }
    }

    /// Inclusive start address (`vm_start`).
    #[inline]
    pub fn start(&self) -> usize {
        // SAFETY: Readable under any stabilising lock (type invariant).
        unsafe { (*self.as_raw()).__bindgen_anon_1.__bindgen_anon_1.vm_start }
    }

    /// Exclusive end address (`vm_end`).
    #[inline]
    pub fn end(&self) -> usize {
        // SAFETY: Readable under any stabilising lock (type invariant).
        unsafe { (*self.as_raw()).__bindgen_anon_1.__bindgen_anon_1.vm_end }
    }

    /// Length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.end() - self.start()
    }

    /// Always `false`: a VMA is never empty. Present for the `len`/`is_empty` convention.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `addr` is inside `[start, end)`.
    #[inline]
    pub fn contains(&self, addr: usize) -> bool {
        self.start() <= addr && addr < self.end()
    }

    /// Page offset into the file, or the original page offset for anonymous memory (`vm_pgoff`).
    #[inline]
    pub fn pgoff(&self) -> usize {
        // SAFETY: Readable under any stabilising lock (type invariant).
        unsafe { (*self.as_raw()).vm_pgoff }
    }

    /// The VMA flags (`vm_flags`, see [`flags`]).
    #[inline]
    pub fn flags(&self) -> Flags {
        // SAFETY: Readable under any stabilising lock (type invariant); writers hold the VMA write
        // lock, which excludes us unless we are that writer.
        unsafe { (*self.as_raw()).__bindgen_anon_2.vm_flags as Flags }
    }

    /// The page protection bits (`vm_page_prot`).
    #[inline]
    pub fn page_prot(&self) -> PageProt {
        // SAFETY: Readable under any stabilising lock (type invariant).
        PageProt(unsafe { (*self.as_raw()).vm_page_prot.pgprot } as u64)
    }

    /// Whether the VMA is anonymous (`vma_is_anonymous`: no `vm_ops`).
    #[inline]
    pub fn is_anonymous(&self) -> bool {
        // SAFETY: The VMA is valid.
        unsafe { bindings::vma_is_anonymous(self.as_raw()) }
    }

    /// Whether a file backs the VMA (`vm_file` is set; "written once on initial map").
    #[inline]
    pub fn has_file(&self) -> bool {
        self.file().is_some()
    }

    /// The file backing the VMA, if any (`vm_file`, "None - written once on initial map").
    #[inline]
    pub fn file(&self) -> Option<&File> {
        // SAFETY: Readable under any stabilising lock (type invariant).
        let file = unsafe { bindings::rust_mm_vma_file(self.as_raw()) };
        // SAFETY: The VMA holds a reference on its file for as long as it exists.
        (!file.is_null()).then(|| unsafe { File::from_raw(file) })
    }

    /// The `anon_vma` of the VMA, if a page was ever faulted into it (`anon_vma`, "Reverse
    /// mapping fields": set non-NULL under mmap read + `page_table_lock`, reset only under mmap,
    /// VMA and `anon_vma` write locks, so a stable VMA's non-NULL value stays valid).
    #[inline]
    pub fn anon_vma(&self) -> Option<&AnonVma> {
        // SAFETY: Read once (it may go from NULL to non-NULL concurrently).
        let av = unsafe { bindings::rust_mm_vma_anon_vma(self.as_raw()) };
        // SAFETY: A stable VMA keeps its `anon_vma` alive through its `anon_vma_chain`.
        (!av.is_null()).then(|| unsafe { &*av.cast::<AnonVma>() })
    }

    /// The identity of the VMA's `vm_ops` table ("written once on initial map by
    /// `f_ops->mmap()`"), for comparing against a known table; null for anonymous VMAs.
    #[inline]
    pub fn vm_ops(&self) -> *const bindings::vm_operations_struct {
        // SAFETY: Readable under any stabilising lock (type invariant).
        unsafe { (*self.as_raw()).vm_ops }
    }
}

/// A per-VMA read lock (`lock_vma_under_rcu` .. `vma_end_read`).
///
/// `process_addrs.rst`, lock-state table row "- R -": the VMA is stable and readable without the
/// mmap lock. Obtain it with [`MmWithUser::lock_vma_under_rcu`](crate::mm::MmWithUser) (or
/// [`MmWithUser::lock_vma`](crate::mm::MmWithUser::lock_vma) for the fallback). `!Send`.
///
/// # Examples
///
/// ```
/// use kernel::mm::{order::Ctx, MmWithUser};
///
/// fn start_of(mm: &MmWithUser, addr: usize) -> Option<usize> {
///     // SAFETY: Called from a context that holds no mm lock.
///     let mut ctx = unsafe { Ctx::new() };
///     let (vma, _ctx) = mm.lock_vma_under_rcu(&mut ctx, addr)?;
///     Some(vma.start())
///     // `vma_end_read` runs here.
/// }
/// # let _ = start_of;
/// ```
///
/// # Invariants
///
/// The current task holds the VMA read lock of `vma` until the guard is dropped.
pub struct VmaReadGuard<'a> {
    vma: &'a VmaRef,
    _not_send: PhantomData<*mut ()>,
}

impl<'a> VmaReadGuard<'a> {
    /// Wraps a VMA read lock that the caller holds.
    ///
    /// # Safety
    ///
    /// The current task must hold the VMA read lock of `ptr` (as returned by
    /// `lock_vma_under_rcu`) and transfer its release to the guard. Checked with
    /// `vma_assert_locked` in debug builds.
    #[inline]
    pub unsafe fn from_raw(ptr: *mut bindings::vm_area_struct) -> Self {
        // SAFETY: `ptr` is a valid VMA.
        unsafe { bindings::vma_assert_locked(ptr) };
        // INVARIANT: The caller holds the read lock, which keeps the VMA stable.
        Self {
            // SAFETY: The VMA read lock keeps the VMA stable until `vma_end_read`.
            vma: unsafe { VmaRef::from_raw(ptr) },
            _not_send: PhantomData,
        }
    }
}

impl Deref for VmaReadGuard<'_> {
    type Target = VmaRef;

    #[inline]
    fn deref(&self) -> &VmaRef {
        self.vma
    }
}

impl Drop for VmaReadGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: By the type invariant we hold the VMA read lock.
        unsafe { bindings::vma_end_read(self.vma.as_raw()) };
    }
}

/// A VMA write-locked under the mmap write lock (`vma_start_write`).
///
/// `process_addrs.rst`, lock-state table row "W W -/R": "Write most? Y". Only
/// [`MmapWriteGuard::vma_start_write`](crate::mm::MmapWriteGuard::vma_start_write) creates it,
/// and it borrows that guard: there is no `vma_end_write`; the lock ends when the mmap write
/// lock is released or downgraded, which ends the borrow. The setters cover exactly the fields
/// whose "Write lock" column says "mmap write, VMA write" and that drivers change: `__vm_flags`
/// (through the `vm_flags_*` family) and `vm_page_prot`.
///
/// # Examples
///
/// ```
/// use kernel::mm::{order::Ctx, virt::flags, MmWithUser};
///
/// fn mark_dontcopy(mm: &MmWithUser, addr: usize) -> kernel::error::Result {
///     // SAFETY: Called from a context that holds no mm lock.
///     let mut ctx = unsafe { Ctx::new() };
///     let (mmap, mut ctx) = mm.mmap_write_lock(&mut ctx);
///     let vma = mmap.vma_write_at(&mut ctx, addr).ok_or(kernel::error::code::EFAULT)?;
///     vma.mod_flags(flags::DONTCOPY, 0)
/// }
/// # let _ = mark_dontcopy;
/// ```
///
/// # Invariants
///
/// The current task holds the mmap write lock of the VMA's mm and has write-locked the VMA, for
/// as long as the guard exists.
pub struct VmaWriteGuard<'a> {
    vma: &'a VmaRef,
    _not_send: PhantomData<*mut ()>,
}

/// Flags a write-locked VMA may have set or cleared through [`VmaWriteGuard::mod_flags`].
///
/// Access bits (subject to the `VM_MAY*` limits), the `VM_MAY*` limits themselves (clear only)
/// and the copy/dump/expand policy bits. The mapping-type bits (`VM_SHARED`, `VM_PFNMAP`,
/// `VM_MIXEDMAP`, `VM_IO`, ...) are fixed when the VMA is created and change the meaning of the
/// page tables under it.
pub const MUTABLE_FLAGS: Flags = flags::READ
    | flags::WRITE
    | flags::EXEC
    | flags::MAYREAD
    | flags::MAYWRITE
    | flags::MAYEXEC
    | flags::DONTCOPY
    | flags::DONTDUMP
    | flags::DONTEXPAND;

/// Checks a flags change against the `VM_*` invariants; returns the new flags.
///
/// - only [`MUTABLE_FLAGS`] may change;
/// - `VM_MAY*` bits may be cleared, never set (they are the limits `mprotect` enforces, derived
///   from the file's open mode);
/// - every access bit set in the result needs its `VM_MAY*` bit.
pub fn check_flags_change(old: Flags, set: Flags, clear: Flags) -> Result<Flags> {
    const MAY: Flags = flags::MAYREAD | flags::MAYWRITE | flags::MAYEXEC;
    if (set | clear) & !MUTABLE_FLAGS != 0 || set & MAY & !old != 0 {
        return Err(EINVAL);
    }
    let new = (old | set) & !clear;
    let needs = |access: Flags, may: Flags| new & access == 0 || new & may != 0;
    if !needs(flags::READ, flags::MAYREAD)
        || !needs(flags::WRITE, flags::MAYWRITE)
        || !needs(flags::EXEC, flags::MAYEXEC)
    {
        return Err(EINVAL);
    }
    Ok(new)
}

impl<'a> VmaWriteGuard<'a> {
    /// Wraps a VMA that the caller has write-locked.
    ///
    /// # Safety
    ///
    /// The current task must hold the mmap write lock of the VMA's mm and have called
    /// `vma_start_write` on `ptr` since taking it, and `'a` must not outlive that mmap write
    /// lock. Checked with `vma_assert_write_locked` in debug builds.
    #[inline]
    pub unsafe fn from_raw(ptr: *mut bindings::vm_area_struct) -> Self {
        // SAFETY: `ptr` is a valid VMA.
        unsafe { bindings::vma_assert_write_locked(ptr) };
        // INVARIANT: The caller holds both locks for `'a`.
        Self {
            // SAFETY: The mmap write lock keeps the VMA stable for `'a`.
            vma: unsafe { VmaRef::from_raw(ptr) },
            _not_send: PhantomData,
        }
    }

    /// Sets `set` and clears `clear` in the VMA flags (`vm_flags_mod`), after checking the
    /// result with [`check_flags_change`] (`EINVAL` if it breaks a `VM_*` invariant).
    ///
    /// When an access bit changes, `vm_page_prot` is recomputed from the new flags
    /// (`vma_set_page_prot`), as `mprotect` does, so new faults map pages with the new
    /// protection. PTEs that are already present keep theirs until zapped.
    ///
    /// `process_addrs.rst`, "Core fields": `__vm_flags` is written with "mmap write, VMA write",
    /// "updated by `vm_flags_*` functions".
    pub fn mod_flags(&self, set: Flags, clear: Flags) -> Result {
        let old = self.flags();
        let new = check_flags_change(old, set, clear)?;
        if old & flags::MAYWRITE != 0 && new & flags::MAYWRITE == 0 {
            // SAFETY: Both locks are held; keeps `i_mmap_writable` balanced for shared file
            // mappings that stop being writable.
            unsafe { bindings::rust_mm_vma_drop_writable(self.as_raw()) };
        }
        // SAFETY: Both locks are held (type invariant), as `vm_flags_mod` requires.
        unsafe { bindings::vm_flags_mod(self.as_raw(), set as _, clear as _) };
        const ACCESS: Flags = flags::READ | flags::WRITE | flags::EXEC;
        if (old ^ new) & ACCESS != 0 {
            // SAFETY: Both locks are held, as writing `vm_page_prot` requires.
            unsafe { bindings::vma_set_page_prot(self.as_raw()) };
        }
        Ok(())
    }

    /// Sets the page protection bits (`vm_page_prot`; "Core fields": "mmap write, VMA write").
    pub fn set_page_prot(&self, prot: PageProt) {
        // SAFETY: Both locks are held (type invariant). C writes this field with `WRITE_ONCE`
        // because lockless page-table walkers may read it.
        unsafe {
            core::ptr::write_volatile(
                core::ptr::addr_of_mut!((*self.as_raw()).vm_page_prot.pgprot),
                prot.0 as _,
            )
        };
    }
}

impl Deref for VmaWriteGuard<'_> {
    type Target = VmaRef;

    #[inline]
    fn deref(&self) -> &VmaRef {
        self.vma
    }
}
