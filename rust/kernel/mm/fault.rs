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
        vm_ops::{VmaMixedMap, VmaPfnMap},
    },
    page::Page,
};
use core::marker::PhantomData;

/// What a fault handler tells the core (`vm_fault_t`, `enum vm_fault_reason`).
///
/// The core trusts this value: `0` from `fault` means `vmf->page` holds a referenced page,
/// `VM_FAULT_LOCKED` means that page is locked, and `VM_FAULT_RETRY`/`VM_FAULT_COMPLETED` mean
/// the handler dropped the fault's lock (`mm/memory.c`, `__do_fault`, `do_page_mkwrite`). So safe
/// code can only name the error outcomes; every other result is made by the operation that
/// justifies it: [`VmFault::set_page`], [`VmFault::insert_page`], the `vmf_insert_*` functions,
/// and [`VmFault::proceed`] in the callbacks where `0` claims nothing.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct VmFaultResult(bindings::vm_fault_t);

impl VmFaultResult {
    /// Bad access: the task gets `SIGBUS` (`VM_FAULT_SIGBUS`).
    pub const SIGBUS: Self = Self(bindings::vm_fault_reason_VM_FAULT_SIGBUS);
    /// Out of memory (`VM_FAULT_OOM`).
    pub const OOM: Self = Self(bindings::vm_fault_reason_VM_FAULT_OOM);
    /// Segmentation fault (`VM_FAULT_SIGSEGV`).
    pub const SIGSEGV: Self = Self(bindings::vm_fault_reason_VM_FAULT_SIGSEGV);

    /// The entry was installed by the handler (`VM_FAULT_NOPAGE`).
    const NOPAGE: Self = Self(bindings::vm_fault_reason_VM_FAULT_NOPAGE);
    /// `0`: the meaning depends on the callback (page set, or proceed).
    pub(crate) const ZERO: Self = Self(0);

    /// Wraps the `vm_fault_t` of a C insert function (`vmf_insert_*`), which only returns
    /// `VM_FAULT_NOPAGE` or an error.
    #[inline]
    pub(crate) fn from_insert_raw(v: bindings::vm_fault_t) -> Self {
        Self(v)
    }

    /// The raw `vm_fault_t`, for the trampolines.
    #[inline]
    pub(crate) fn as_raw(self) -> bindings::vm_fault_t {
        self.0
    }

    /// Whether an entry was installed (`VM_FAULT_NOPAGE`).
    #[inline]
    pub fn is_nopage(self) -> bool {
        self == Self::NOPAGE
    }

    /// Whether this is an error (a bit of `VM_FAULT_ERROR`: OOM, SIGBUS, SIGSEGV, HWPOISON).
    #[inline]
    pub fn is_error(self) -> bool {
        const ERROR: bindings::vm_fault_t = bindings::vm_fault_reason_VM_FAULT_OOM
            | bindings::vm_fault_reason_VM_FAULT_SIGBUS
            | bindings::vm_fault_reason_VM_FAULT_SIGSEGV
            | bindings::vm_fault_reason_VM_FAULT_HWPOISON
            | bindings::vm_fault_reason_VM_FAULT_HWPOISON_LARGE;
        self.0 & ERROR != 0
    }

    /// Converts a kernel error, as `vmf_error` does: `OOM` for `ENOMEM`, else `SIGBUS`.
    #[inline]
    pub fn from_error(e: Error) -> Self {
        if e == crate::error::code::ENOMEM {
            Self::OOM
        } else {
            Self::SIGBUS
        }
    }
}

/// Proof that the faulting address has its entry ([`VmFault::insert_page`]); it converts into
/// the handler's result, `VM_FAULT_NOPAGE`.
#[derive(Clone, Copy, Debug)]
pub struct Installed {
    raced: bool,
}

impl Installed {
    /// Whether a concurrent fault had installed the entry first (`vm_insert_page` said `EBUSY`).
    #[inline]
    pub fn raced(&self) -> bool {
        self.raced
    }
}

impl From<Installed> for VmFaultResult {
    #[inline]
    fn from(_: Installed) -> Self {
        Self::NOPAGE
    }
}

mod private {
    pub trait Sealed {}
}

/// Which callback a [`VmFault`] is passed to: what `0` means there.
pub trait Callback: private::Sealed {}

/// `vm_operations_struct::fault`: `0` claims `vmf->page` was set ([`VmFault::set_page`]).
pub enum Fault {}
/// `page_mkwrite`, `pfn_mkwrite` and `map_pages`: `0` claims nothing; the core goes on
/// ([`VmFault::proceed`]).
pub enum Proceed {}
impl private::Sealed for Fault {}
impl private::Sealed for Proceed {}
impl Callback for Fault {}
impl Callback for Proceed {}

/// A fault being handled (`struct vm_fault`), with the VMA stable.
///
/// # Invariants
///
/// `vmf` is the fault being handled by the current task, whose VMA is kept stable by the mmap
/// read lock or its VMA read lock for `'a`.
pub struct VmFault<'a, C: Callback = Fault> {
    vmf: *mut bindings::vm_fault,
    vma: &'a VmaRef,
    ctx: Ctx<'a, VmaLock>,
    _callback: PhantomData<C>,
}

impl<'a, C: Callback> VmFault<'a, C> {
    /// Wraps a fault passed to a `vm_operations_struct` callback.
    ///
    /// # Safety
    ///
    /// `vmf` must be the fault being handled by the current task, inside a `fault` callback if
    /// `C` is [`Fault`], else inside `page_mkwrite`, `pfn_mkwrite` or `map_pages`, valid for `'a`;
    /// the core holds the mmap read lock or the VMA read lock (checked with
    /// `assert_fault_locked` in debug builds).
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
            _callback: PhantomData,
        }
    }

    /// The faulting VMA.
    #[inline]
    pub fn vma(&self) -> &'a VmaRef {
        self.vma
    }

    /// The faulting VMA as [`VmaMixedMap`] if it has `VM_MIXEDMAP`: a fault is only ever handled
    /// for a VMA of the handler's own table, so it may insert there.
    #[inline]
    pub fn as_mixedmap_vma(&self) -> Option<&'a VmaMixedMap> {
        self.vma.as_mixedmap_vma()
    }

    /// The faulting VMA as [`VmaPfnMap`] if it is `VM_PFNMAP` and not copy-on-write.
    #[inline]
    pub fn as_pfnmap(&self) -> Option<&'a VmaPfnMap> {
        self.vma.as_pfnmap()
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
}

impl<'a> VmFault<'a, Fault> {
    /// Returns `page` for the core to map (`vmf->page`, with a reference taken for the core),
    /// and the result that says so (`0`).
    ///
    /// Called again, it replaces the page and drops the reference to the previous one; if the
    /// handler returns another result after all, the `fault` trampoline drops the reference.
    #[inline]
    pub fn set_page(&mut self, page: &Page) -> VmFaultResult {
        // SAFETY: `page` is a live page; the core drops the reference taken here.
        unsafe { bindings::get_page(page.as_ptr()) };
        // SAFETY: `vmf` is valid (type invariant) and the handler owns `vmf->page`.
        let old = unsafe { core::mem::replace(&mut (*self.vmf).page, page.as_ptr()) };
        if !old.is_null() {
            // SAFETY: `old` was set by an earlier call, with a reference taken there.
            unsafe { bindings::put_page(old) };
        }
        VmFaultResult::ZERO
    }

    /// Inserts `page` at the faulting address of a `VM_MIXEDMAP` VMA (`vm_insert_page`).
    ///
    /// On success the entry is there, inserted by this call or, if [`Installed::raced`], by a
    /// concurrent fault first; the handler returns the [`Installed`] as its result (`NOPAGE`).
    /// `Err(EINVAL)` if the VMA is not `VM_MIXEDMAP`; turn errors into the result with
    /// [`VmFaultResult::from_error`].
    pub fn insert_page(&mut self, page: &Page) -> Result<Installed> {
        let vma = self
            .vma
            .as_mixedmap_vma()
            .ok_or(crate::error::code::EINVAL)?;
        let addr = self.address();
        match vma.vm_insert_page(&mut self.ctx, addr, page) {
            Ok(()) => Ok(Installed { raced: false }),
            Err(e) if e == crate::error::code::EBUSY => Ok(Installed { raced: true }),
            Err(e) => Err(e),
        }
    }

    /// Makes the result of a `fault` callback consistent with `vmf->page`: drops the page
    /// reference a handler set and then did not return `0` for, and turns a `0` without a page
    /// into `SIGBUS`. (A `0` made for another callback, [`VmFault::proceed`], can be carried
    /// over to `fault` in the owner; the core would dereference the NULL `vmf->page`.)
    ///
    /// # Safety
    ///
    /// `vmf` must be a fault whose `fault` callback has just returned `result`.
    #[inline]
    pub(crate) unsafe fn settle(
        vmf: *mut bindings::vm_fault,
        result: VmFaultResult,
    ) -> VmFaultResult {
        // SAFETY: The callback has returned; `vmf->page` is only set by `set_page`, which took
        // a reference, and the core ignores the page unless the result is `0`.
        unsafe {
            if result == VmFaultResult::ZERO {
                if (*vmf).page.is_null() {
                    return VmFaultResult::SIGBUS;
                }
                return result;
            }
            let page = core::mem::replace(&mut (*vmf).page, core::ptr::null_mut());
            if !page.is_null() {
                bindings::put_page(page);
            }
        }
        result
    }
}

impl VmFault<'_, Proceed> {
    /// The result that lets the core go on: for `page_mkwrite` and `pfn_mkwrite` the entry is
    /// made writable (the page is not locked), for `map_pages` nothing was mapped around and the
    /// core calls `fault`.
    #[inline]
    pub fn proceed(&self) -> VmFaultResult {
        VmFaultResult::ZERO
    }
}
