// SPDX-License-Identifier: GPL-2.0

//! Reverse-map locks: a file's `i_mmap` lock.
//!
//! `Documentation/mm/process_addrs.rst`, "Terminology" ("rmap locks") and "Using address space
//! locks" (third bullet): holding `i_mmap_rwsem` (file-backed) or `anon_vma->rwsem` (anonymous)
//! keeps every VMA in that interval tree stable, so the trees can be walked to reach VMAs
//! without the mmap lock. Such VMAs can be read and their page tables traversed or zapped, but
//! no entry may be *installed* through them ("Page tables": installing needs the mmap or VMA
//! lock, "explicitly not rmap locks"): the `&VmaRef`s handed out here give no way to install.
//!
//! Writing `vm_start`, `vm_end` or `vm_pgoff` needs the mmap write, VMA write *and* rmap write
//! locks together ("Virtual layout fields"). That is how the mm core splits, merges and moves
//! VMAs; no driver needs it, so this module offers no such setter (see [`super::virt`]).
//!
//! Lock order (`mm/rmap.c`): mmap lock, VMA lock, `i_mmap_rwsem`, `anon_vma->rwsem`,
//! page-table locks. The guards take and hand out [`Ctx`] tokens at [`IMmapLock`] level.
//!
//! The `anon_vma` lock is not offered: in 7.3 `anon_vma_lock_read()` and friends live in
//! `mm/internal.h`, for the mm core only. For the same reason no `&VmaRef` exposes its
//! `anon_vma`: holding `i_mmap` does not keep it alive (`unlink_anon_vmas()` drops it under the
//! `anon_vma` lock alone).

use crate::{
    bindings,
    fs::File,
    mm::{
        order::{Before, Ctx, IMmapLock},
        virt::VmaRef,
    },
    types::Opaque,
};
use core::marker::PhantomData;

/// A file's page cache mapping (`struct address_space`), whose `i_mmap` interval tree holds the
/// VMAs that map the file.
///
/// # Invariants
///
/// A `&AddressSpace` points to a valid `struct address_space` (kept alive by the file or inode
/// it was reached from).
#[repr(transparent)]
pub struct AddressSpace {
    mapping: Opaque<bindings::address_space>,
}

impl AddressSpace {
    /// Returns a reference to the `address_space` at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must be valid for `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::address_space) -> &'a AddressSpace {
        // SAFETY: Transparent wrapper; the caller guarantees validity.
        unsafe { &*ptr.cast() }
    }

    /// Returns the raw pointer.
    #[inline]
    pub fn as_raw(&self) -> *mut bindings::address_space {
        self.mapping.get()
    }

    /// The page cache mapping of `file` (`f_mapping`), whose `i_mmap` tree lists the VMAs that
    /// map the file.
    #[inline]
    pub fn of_file(file: &File) -> &AddressSpace {
        // SAFETY: `f_mapping` is set when the file is opened and stays valid while the file is.
        unsafe { Self::from_raw((*file.as_ptr()).f_mapping) }
    }

    /// Takes `i_mmap_rwsem` for read (`i_mmap_lock_read`), which may sleep.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::{fs::File, mm::{order::Ctx, rmap::AddressSpace}};
    ///
    /// /// How many VMAs map `file` (all of its pages).
    /// fn mappings(file: &File) -> usize {
    ///     // SAFETY: Called from a context that holds no mm lock.
    ///     let mut ctx = unsafe { Ctx::new() };
    ///     let (i_mmap, _ctx) = AddressSpace::of_file(file).i_mmap_lock_read(&mut ctx);
    ///     i_mmap.vmas(0, usize::MAX).count()
    /// }
    /// # let _ = mappings;
    /// ```
    #[inline]
    pub fn i_mmap_lock_read<'a, L: Before<IMmapLock>>(
        &'a self,
        _ctx: &'a mut Ctx<'_, L>,
    ) -> (IMmapReadGuard<'a>, Ctx<'a, IMmapLock>) {
        // SAFETY: Valid mapping; the token shows no later lock is held.
        unsafe { bindings::i_mmap_lock_read(self.as_raw()) };
        // INVARIANT: We just took the read lock.
        (
            IMmapReadGuard {
                mapping: self,
                write: false,
                _not_send: PhantomData,
            },
            Ctx::make(),
        )
    }

    /// Zaps every user mapping of the file range `[start, start + len)` (bytes), in every mm
    /// (`unmap_mapping_range`); with `even_cows`, private COW copies too. The next accesses fault
    /// again.
    ///
    /// `process_addrs.rst`, "Page tables": zapping needs only stable VMAs; this takes the
    /// `i_mmap` lock itself to find them, hence the token bound (and it may sleep).
    ///
    /// Crate-private: it reaches every mapping of the file, including those of other open files
    /// of the same inode (all opens of a misc device through one device node share it), i.e.
    /// VMAs the caller does not own. A driver zaps its own VMAs with `OwnedVma::zap_vma_range`,
    /// found through [`AddressSpace::i_mmap_lock_read`] and `VmOpsTable::owns`.
    pub(crate) fn unmap_mapping_range<L: Before<IMmapLock>>(
        &self,
        _ctx: &mut Ctx<'_, L>,
        start: usize,
        len: usize,
        even_cows: bool,
    ) {
        // SAFETY: Valid mapping; the token shows that taking `i_mmap_rwsem` here is in order.
        unsafe {
            bindings::unmap_mapping_range(self.as_raw(), start as i64, len as i64, even_cows.into())
        };
    }

    /// Takes `i_mmap_rwsem` for write (`i_mmap_lock_write`), which may sleep.
    #[inline]
    pub fn i_mmap_lock_write<'a, L: Before<IMmapLock>>(
        &'a self,
        _ctx: &'a mut Ctx<'_, L>,
    ) -> (IMmapWriteGuard<'a>, Ctx<'a, IMmapLock>) {
        // SAFETY: Valid mapping; the token shows no later lock is held.
        unsafe { bindings::i_mmap_lock_write(self.as_raw()) };
        // INVARIANT: We just took the write lock.
        (
            IMmapWriteGuard {
                read: IMmapReadGuard {
                    mapping: self,
                    write: true,
                    _not_send: PhantomData,
                },
            },
            Ctx::make(),
        )
    }
}

/// Holds a file's `i_mmap` lock for read: the VMAs in its interval tree are stable.
///
/// `process_addrs.rst`, lock-state table row "- - R/W": stable and readable, not writable.
///
/// # Invariants
///
/// The current task holds `mapping->i_mmap_rwsem`, for write iff `write` (only when owned by an
/// [`IMmapWriteGuard`]), until the guard is dropped.
pub struct IMmapReadGuard<'a> {
    mapping: &'a AddressSpace,
    write: bool,
    _not_send: PhantomData<*mut ()>,
}

impl IMmapReadGuard<'_> {
    /// The locked mapping.
    #[inline]
    pub fn mapping(&self) -> &AddressSpace {
        self.mapping
    }

    /// Iterates over the VMAs that map any page in file offsets `[first, last]` (in pages,
    /// inclusive, as `mapping_rmap_tree_foreach`). The references cannot outlive the guard.
    #[inline]
    pub fn vmas(&self, first: usize, last: usize) -> IMmapIter<'_> {
        IMmapIter {
            // SAFETY: The tree is locked for as long as the iterator (which borrows the guard)
            // lives; this finds its first VMA in the range.
            next: unsafe {
                bindings::mapping_rmap_tree_iter_first(self.mapping.as_raw(), first, last)
            },
            first,
            last,
            _guard: PhantomData,
        }
    }
}

impl Drop for IMmapReadGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: We hold the lock in the mode recorded in `write` (type invariant).
        unsafe {
            if self.write {
                bindings::i_mmap_unlock_write(self.mapping.as_raw());
            } else {
                bindings::i_mmap_unlock_read(self.mapping.as_raw());
            }
        }
    }
}

/// Iterator over the VMAs of an `i_mmap` tree, returned by [`IMmapReadGuard::vmas`].
pub struct IMmapIter<'a> {
    /// The VMA the next call returns (null at the end), looked up one step ahead.
    next: *mut bindings::vm_area_struct,
    first: usize,
    last: usize,
    _guard: PhantomData<&'a IMmapReadGuard<'a>>,
}

impl<'a> Iterator for IMmapIter<'a> {
    type Item = &'a VmaRef;

    #[inline]
    fn next(&mut self) -> Option<&'a VmaRef> {
        let vma = self.next;
        if vma.is_null() {
            return None;
        }
        // SAFETY: The tree is locked (the iterator borrows the guard) and `vma` is in it.
        self.next = unsafe { bindings::mapping_rmap_tree_iter_next(vma, self.first, self.last) };
        // SAFETY: VMAs in the locked tree are stable while the guard lives.
        Some(unsafe { VmaRef::from_raw(vma) })
    }
}

/// Holds a file's `i_mmap` lock for write: no VMA can be added to or removed from its tree.
///
/// Derefs to [`IMmapReadGuard`] for reading; the lock is released when the inner guard drops.
pub struct IMmapWriteGuard<'a> {
    read: IMmapReadGuard<'a>,
}

impl<'a> core::ops::Deref for IMmapWriteGuard<'a> {
    type Target = IMmapReadGuard<'a>;

    #[inline]
    fn deref(&self) -> &IMmapReadGuard<'a> {
        &self.read
    }
}
