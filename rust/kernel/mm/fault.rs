// SPDX-License-Identifier: GPL-2.0

//! Page faults: the `struct vm_fault` a `->fault` handler receives and its result codes.
//!
//! `Documentation/filesystems/locking.rst`, `vm_operations_struct` table: `fault`,
//! `page_mkwrite` and `pfn_mkwrite` run with the VMA stable (the mmap lock, or since per-VMA
//! locks the VMA read lock: `FAULT_FLAG_VMA_LOCK`), and may sleep. [`VmFault`] therefore
//! carries a [`Ctx`] at [`VmaLock`] level and lets the handler install entries, which needs
//! the mmap or VMA lock (`process_addrs.rst`, "Page tables", "Installing").
//!
//! C header: [`include/linux/mm.h`](srctree/include/linux/mm.h),
//! [`include/linux/mm_types.h`](srctree/include/linux/mm_types.h).

use crate::{
    bindings,
    error::{Error, Result},
    mm::{
        order::{Ctx, VmaLock},
        virt::VmaRef,
    },
    page::Page,
};

/// What a fault handler tells the core (`vm_fault_t`, `enum vm_fault_reason`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct VmFaultResult(bindings::vm_fault_t);

impl VmFaultResult {
    /// The handler set the page to map ([`VmFault::set_page`]); the core maps it.
    pub const DONE: Self = Self(0);
    /// The handler installed the entry itself (`VM_FAULT_NOPAGE`).
    pub const NOPAGE: Self = Self(bindings::vm_fault_reason_VM_FAULT_NOPAGE);
    /// The returned page is locked (`VM_FAULT_LOCKED`; allowed for `fault` and `page_mkwrite`
    /// per the VFS table "can return with page locked").
    pub const LOCKED: Self = Self(bindings::vm_fault_reason_VM_FAULT_LOCKED);
    /// Bad access: the task gets `SIGBUS` (`VM_FAULT_SIGBUS`).
    pub const SIGBUS: Self = Self(bindings::vm_fault_reason_VM_FAULT_SIGBUS);
    /// Out of memory (`VM_FAULT_OOM`).
    pub const OOM: Self = Self(bindings::vm_fault_reason_VM_FAULT_OOM);
    /// Segmentation fault (`VM_FAULT_SIGSEGV`).
    pub const SIGSEGV: Self = Self(bindings::vm_fault_reason_VM_FAULT_SIGSEGV);

    /// Wraps a `vm_fault_t` returned by a C insert function.
    #[inline]
    pub fn from_raw(v: bindings::vm_fault_t) -> Self {
        Self(v)
    }

    /// The raw `vm_fault_t`.
    #[inline]
    pub fn as_raw(self) -> bindings::vm_fault_t {
        self.0
    }

    /// The result of a fault handler that inserted the entry itself: `NOPAGE` if it did or a
    /// concurrent fault did (`EBUSY`), `OOM` for `ENOMEM`, else `SIGBUS`.
    #[inline]
    pub fn from_insert(res: Result) -> Self {
        match res {
            Ok(()) => Self::NOPAGE,
            Err(e) if e == crate::error::code::EBUSY => Self::NOPAGE,
            Err(e) => Self::from_error(e),
        }
    }

    /// Converts a kernel error from an insert function, as `vmf_error` does.
    #[inline]
    pub fn from_error(e: Error) -> Self {
        if e == crate::error::code::ENOMEM {
            Self::OOM
        } else {
            Self::SIGBUS
        }
    }
}

/// A fault being handled (`struct vm_fault`), with the VMA stable.
///
/// # Invariants
///
/// `vmf` is the fault being handled by the current task, whose VMA is kept stable by the mmap
/// read lock or its VMA read lock for `'a`.
pub struct VmFault<'a> {
    vmf: *mut bindings::vm_fault,
    vma: &'a VmaRef,
    ctx: Ctx<'a, VmaLock>,
}

impl<'a> VmFault<'a> {
    /// Wraps a fault passed to a `vm_operations_struct` callback.
    ///
    /// # Safety
    ///
    /// `vmf` must be the fault being handled by the current task, inside a `fault`,
    /// `page_mkwrite`, `pfn_mkwrite` or `map_pages` callback, valid for `'a`; the core holds the
    /// mmap read lock or the VMA read lock (checked with `assert_fault_locked` in debug builds).
    pub unsafe fn from_raw(vmf: *mut bindings::vm_fault) -> Self {
        // SAFETY: `vmf` is valid; its VMA is stable while the fault is handled.
        let vma = unsafe { (*vmf).__bindgen_anon_1.vma };
        // SAFETY: `vmf` is valid; checks the lock `FAULT_FLAG_VMA_LOCK` says is held.
        unsafe { bindings::assert_fault_locked(vmf) };
        Self {
            vmf,
            // SAFETY: Stable for the duration of the callback.
            vma: unsafe { VmaRef::from_raw(vma) },
            // INVARIANT: The fault path holds the mmap or VMA read lock and may sleep.
            ctx: Ctx::make(),
        }
    }

    /// The faulting VMA.
    #[inline]
    pub fn vma(&self) -> &'a VmaRef {
        self.vma
    }

    /// The faulting address, page aligned (`address`).
    #[inline]
    pub fn address(&self) -> usize {
        // SAFETY: `vmf` is valid (type invariant).
        unsafe { (*self.vmf).__bindgen_anon_1.address }
    }

    /// The page offset of the fault in the mapped object (`pgoff`, from `vm_pgoff`).
    #[inline]
    pub fn pgoff(&self) -> usize {
        // SAFETY: `vmf` is valid (type invariant).
        unsafe { (*self.vmf).__bindgen_anon_1.pgoff }
    }

    /// Whether this is a write fault (`FAULT_FLAG_WRITE`).
    #[inline]
    pub fn is_write(&self) -> bool {
        // SAFETY: `vmf` is valid (type invariant).
        let flags = unsafe { (*self.vmf).flags };
        flags & bindings::fault_flag_FAULT_FLAG_WRITE != 0
    }

    /// Whether the fault path holds only the VMA read lock (`FAULT_FLAG_VMA_LOCK`) rather than
    /// the mmap read lock.
    #[inline]
    pub fn is_vma_locked(&self) -> bool {
        // SAFETY: `vmf` is valid (type invariant).
        let flags = unsafe { (*self.vmf).flags };
        flags & bindings::fault_flag_FAULT_FLAG_VMA_LOCK != 0
    }

    /// The lock token for locks taken inside the handler (level [`VmaLock`]: the mmap lock cannot
    /// be taken here).
    #[inline]
    pub fn ctx(&mut self) -> &mut Ctx<'a, VmaLock> {
        &mut self.ctx
    }

    /// Returns `page` for the core to map (`vmf->page`, with a reference taken for the core);
    /// the handler then returns [`VmFaultResult::DONE`].
    #[inline]
    pub fn set_page(&mut self, page: &Page) {
        // SAFETY: `page` is a live page; the core drops the reference taken here.
        unsafe { bindings::get_page(page.as_ptr()) };
        // SAFETY: `vmf` is valid (type invariant) and the handler owns `vmf->page`.
        unsafe { (*self.vmf).page = page.as_ptr() };
    }

    /// Inserts `page` at the faulting address of a `VM_MIXEDMAP` VMA (`vm_insert_page`).
    ///
    /// `Err(EBUSY)` if an entry is there already (a concurrent fault inserted it first),
    /// `Err(EINVAL)` if the VMA is not `VM_MIXEDMAP`. Turn the result into the handler's return
    /// value with [`VmFaultResult::from_insert`].
    pub fn insert_page(&mut self, page: &Page) -> Result {
        let vma = self
            .vma
            .as_mixedmap_vma()
            .ok_or(crate::error::code::EINVAL)?;
        let addr = self.address();
        vma.vm_insert_page(&mut self.ctx, addr, page)
    }
}
