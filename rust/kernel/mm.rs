// SPDX-License-Identifier: GPL-2.0

//! Address spaces (`struct mm_struct`) and the mmap lock.
//!
//! The rules encoded here come from `Documentation/mm/process_addrs.rst` (the copy this project
//! works from is `shared/spec/process_addrs-v2-review.txt`), sections "Locking", "Terminology"
//! and "Using address space locks":
//!
//! - [`Mm`] is an `mmgrab` reference: the `mm_struct` stays allocated, but its address space
//!   may already be torn down. It gives no access to VMAs.
//! - [`MmWithUser`] is an `mmget` reference: the address space (VMAs, page tables) stays alive.
//!   Only this type can take the mmap lock.
//! - [`MmapReadGuard`] and [`MmapWriteGuard`] hold the mmap lock; VMAs can be looked up only
//!   through them (or through a VMA or rmap lock, see [`virt`]), and the references they return
//!   cannot outlive the guard.
//! - Every lock acquisition takes a [`Ctx`] that orders it against the other mm locks (see
//!   [`order`]).
//!
//! C headers: [`include/linux/mm_types.h`](srctree/include/linux/mm_types.h),
//! [`include/linux/mmap_lock.h`](srctree/include/linux/mmap_lock.h),
//! [`include/linux/sched/mm.h`](srctree/include/linux/sched/mm.h).

use crate::{
    bindings,
    error::{code::EINTR, Result},
    types::{ARef, AlwaysRefCounted, Opaque},
};
use core::{marker::PhantomData, ops::Deref, ptr::NonNull};

pub mod fault;
pub mod order;
pub mod pgtable;
pub mod rmap;
pub mod virt;
pub mod vm_ops;

#[cfg(CONFIG_KUNIT)]
mod tests;
#[cfg(CONFIG_KUNIT)]
mod tests_driver;
#[cfg(CONFIG_KUNIT)]
mod tests_pgtable;

use order::{Before, Ctx, MmapLock, VmaLock};
use virt::{VmaReadGuard, VmaRef, VmaWriteGuard};

/// A `struct mm_struct` kept allocated by an `mmgrab` reference.
///
/// `process_addrs.rst`, "Locking": every VMA lives in exactly one mm. An `Mm` only keeps the
/// `struct mm_struct` itself allocated; its mappings may be gone (`mm_users` may be zero), so it
/// offers no lock and no VMA access. Use [`Mm::mmget_not_zero`] to get an [`MmWithUser`].
///
/// # Invariants
///
/// Every `Mm` is a valid `struct mm_struct` whose `mm_count` is non-zero while the `Mm` is
/// reachable (a reference to it exists).
#[repr(transparent)]
pub struct Mm {
    mm: Opaque<bindings::mm_struct>,
}

// SAFETY: `mmgrab`/`mmdrop` may be called from any thread.
unsafe impl Send for Mm {}
// SAFETY: All methods of `&Mm` are safe to call concurrently.
unsafe impl Sync for Mm {}

// SAFETY: `mmgrab` and `mmdrop` keep the object alive as long as the count is non-zero.
unsafe impl AlwaysRefCounted for Mm {
    #[inline]
    fn inc_ref(&self) {
        // SAFETY: The type invariant says `mm_count` is already non-zero.
        unsafe { bindings::mmgrab(self.as_raw()) };
    }

    #[inline]
    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: The caller gives up one `mmgrab` reference.
        unsafe { bindings::mmdrop(obj.cast().as_ptr()) };
    }
}

impl Mm {
    /// Returns a reference to the `Mm` at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a valid `struct mm_struct` with a non-zero `mm_count` for the duration
    /// of `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::mm_struct) -> &'a Mm {
        // SAFETY: `Mm` is a transparent wrapper; the caller guarantees validity.
        unsafe { &*ptr.cast() }
    }

    /// Returns the raw `struct mm_struct` pointer.
    #[inline]
    pub fn as_raw(&self) -> *mut bindings::mm_struct {
        self.mm.get()
    }

    /// Takes an `mmget` reference if the address space still has users (`mmget_not_zero`).
    ///
    /// Returns `None` once the last user has gone (the mappings are being or have been torn
    /// down).
    #[inline]
    pub fn mmget_not_zero(&self) -> Option<ARef<MmWithUser>> {
        // SAFETY: `self` is a valid mm by the type invariant.
        if unsafe { bindings::mmget_not_zero(self.as_raw()) } {
            // SAFETY: We just took an `mmget` reference, which the `ARef` now owns.
            Some(unsafe { ARef::from_raw(NonNull::from(MmWithUser::from_raw(self.as_raw()))) })
        } else {
            None
        }
    }
}

/// A `struct mm_struct` with users: its address space is kept alive by an `mmget` reference.
///
/// `process_addrs.rst`, "Terminology": the mmap lock is per mm; taking it is only meaningful
/// while the mm has users, so the lock methods live on this type.
///
/// # Invariants
///
/// Every `MmWithUser` is a valid `struct mm_struct` whose `mm_users` is non-zero while the
/// `MmWithUser` is reachable.
#[repr(transparent)]
pub struct MmWithUser {
    mm: Mm,
}

// SAFETY: `mmget`/`mmput` may be called from any thread that may sleep; `ARef` drops run in
// process context for this type (use [`MmWithUser::put_async`] otherwise).
unsafe impl Send for MmWithUser {}
// SAFETY: All methods of `&MmWithUser` are safe to call concurrently.
unsafe impl Sync for MmWithUser {}

// SAFETY: `mmget` and `mmput` keep the address space alive as long as the count is non-zero.
unsafe impl AlwaysRefCounted for MmWithUser {
    #[inline]
    fn inc_ref(&self) {
        // SAFETY: The type invariant says `mm_users` is already non-zero.
        unsafe { bindings::mmget(self.as_raw()) };
    }

    #[inline]
    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: The caller gives up one `mmget` reference. `mmput` may sleep; the `Send` impl
        // documents that references are dropped in process context.
        unsafe { bindings::mmput(obj.cast().as_ptr()) };
    }
}

impl Deref for MmWithUser {
    type Target = Mm;

    #[inline]
    fn deref(&self) -> &Mm {
        &self.mm
    }
}

impl MmWithUser {
    /// Returns a reference to the `MmWithUser` at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a valid `struct mm_struct` with a non-zero `mm_users` for the
    /// duration of `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::mm_struct) -> &'a MmWithUser {
        // SAFETY: `MmWithUser` is a transparent wrapper; the caller guarantees validity.
        unsafe { &*ptr.cast() }
    }

    /// Returns an `mmget` reference to the address space of the current task, or `None` for a
    /// kernel thread that has not adopted one (`kthread_use_mm`).
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::mm::MmWithUser;
    ///
    /// // Doctests run in a KUnit kernel thread, which has no address space.
    /// assert!(MmWithUser::current().is_none());
    /// ```
    pub fn current() -> Option<ARef<MmWithUser>> {
        // SAFETY: Only the current task changes its own `mm` (exec, exit, `kthread_use_mm`), so
        // reading it from that task is race-free, and while it is set the task owns an `mmget`
        // reference on it. (Read in C: bindgen's `task_struct` layout is not reliable.)
        let mm = unsafe { bindings::current_mm() };
        if mm.is_null() {
            return None;
        }
        // SAFETY: As above, `mm_users` is non-zero while the current task uses `mm`.
        Some(ARef::from(unsafe { MmWithUser::from_raw(mm) }))
    }

    /// Runs `f` on the address space of the current task without taking a reference, or returns
    /// `None` for a kernel thread without one.
    ///
    /// Only the task itself can give up its mm (`exit_mm`, `exec`, `kthread_unuse_mm`), and it
    /// cannot do so while `f` runs, so the task's own `mmget` reference covers the borrow. Cheaper
    /// than [`MmWithUser::current`] (no atomic `mmget`/`mmput`), e.g. in an `ioctl`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::mm::MmWithUser;
    ///
    /// // A KUnit kernel thread has no address space.
    /// assert!(MmWithUser::with_current(|_mm| ()).is_none());
    /// ```
    pub fn with_current<R>(f: impl FnOnce(&MmWithUser) -> R) -> Option<R> {
        // SAFETY: See `current`: reading our own `mm` is race-free.
        let mm = unsafe { bindings::current_mm() };
        if mm.is_null() {
            return None;
        }
        // SAFETY: The current task holds an `mmget` reference on `mm` that it cannot drop while
        // `f` runs; the reference does not escape `f` (higher-ranked borrow).
        Some(f(unsafe { MmWithUser::from_raw(mm) }))
    }

    /// Drops an `mmget` reference with `mmput_async`, for callers that may not sleep.
    ///
    /// The final teardown of the address space, if this was the last user, is deferred to a
    /// workqueue (`include/linux/sched/mm.h`).
    pub fn put_async(this: ARef<MmWithUser>) {
        let this = core::mem::ManuallyDrop::new(this);
        // SAFETY: We give up the reference owned by `this`, which is never dropped.
        unsafe { bindings::mmput_async(this.as_raw()) };
    }

    /// Takes the mmap lock for read (`mmap_read_lock`), which may sleep.
    ///
    /// The guard keeps every VMA of this mm stable and readable (`process_addrs.rst`, "Using
    /// address space locks", first bullet; lock-state table row "R/W - -"). The returned
    /// [`Ctx`] is the token for locks taken under it.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::mm::{order::Ctx, MmWithUser};
    ///
    /// fn count_vmas(mm: &MmWithUser) -> usize {
    ///     // SAFETY: Called from a doctest kernel thread that holds no mm lock.
    ///     let mut ctx = unsafe { Ctx::new() };
    ///     let (mmap, _ctx) = mm.mmap_read_lock(&mut ctx);
    ///     mmap.vmas(0, usize::MAX).count()
    /// }
    /// # let _ = count_vmas;
    /// ```
    #[inline]
    pub fn mmap_read_lock<'a, L: Before<MmapLock>>(
        &'a self,
        _ctx: &'a mut Ctx<'_, L>,
    ) -> (MmapReadGuard<'a>, Ctx<'a, MmapLock>) {
        // SAFETY: The mm is valid with users (type invariant); the lock order token proves that
        // nothing taken after the mmap lock is held.
        unsafe { bindings::mmap_read_lock(self.as_raw()) };
        // SAFETY: We just took the mmap read lock.
        (unsafe { MmapReadGuard::new(self) }, Ctx::make())
    }

    /// Tries to take the mmap lock for read without sleeping (`mmap_read_trylock`).
    #[inline]
    pub fn mmap_read_trylock<'a, L: Before<MmapLock>>(
        &'a self,
        _ctx: &'a mut Ctx<'_, L>,
    ) -> Option<(MmapReadGuard<'a>, Ctx<'a, MmapLock>)> {
        // SAFETY: As in `mmap_read_lock`.
        if unsafe { bindings::mmap_read_trylock(self.as_raw()) } {
            // SAFETY: We just took the mmap read lock.
            Some((unsafe { MmapReadGuard::new(self) }, Ctx::make()))
        } else {
            None
        }
    }

    /// Takes the mmap lock for read, or fails with `EINTR` if a fatal signal arrives while
    /// waiting (`mmap_read_lock_killable`).
    #[inline]
    pub fn mmap_read_lock_killable<'a, L: Before<MmapLock>>(
        &'a self,
        _ctx: &'a mut Ctx<'_, L>,
    ) -> Result<(MmapReadGuard<'a>, Ctx<'a, MmapLock>)> {
        // SAFETY: As in `mmap_read_lock`.
        if unsafe { bindings::mmap_read_lock_killable(self.as_raw()) } != 0 {
            return Err(EINTR);
        }
        // SAFETY: We just took the mmap read lock.
        Ok((unsafe { MmapReadGuard::new(self) }, Ctx::make()))
    }

    /// Takes the mmap lock for write (`mmap_write_lock`), which may sleep.
    ///
    /// Required, together with a VMA write lock, to write most VMA fields (`process_addrs.rst`,
    /// "Using address space locks": "If you want to write VMA metadata fields ...").
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::mm::{order::Ctx, MmWithUser};
    ///
    /// fn lock_then_read(mm: &MmWithUser) {
    ///     // SAFETY: Called from a context that holds no mm lock.
    ///     let mut ctx = unsafe { Ctx::new() };
    ///     let (mmap, _ctx) = mm.mmap_write_lock(&mut ctx);
    ///     // ... write VMAs through `mmap.vma_start_write(..)` ...
    ///     let mmap = mmap.downgrade();
    ///     let _first = mmap.find_vma(0);
    /// }
    /// # let _ = lock_then_read;
    /// ```
    #[inline]
    pub fn mmap_write_lock<'a, L: Before<MmapLock>>(
        &'a self,
        _ctx: &'a mut Ctx<'_, L>,
    ) -> (MmapWriteGuard<'a>, Ctx<'a, MmapLock>) {
        // SAFETY: As in `mmap_read_lock`.
        unsafe { bindings::mmap_write_lock(self.as_raw()) };
        // SAFETY: We just took the mmap write lock.
        (unsafe { MmapWriteGuard::new(self) }, Ctx::make())
    }

    /// Tries to take the mmap lock for write without sleeping.
    #[inline]
    pub fn mmap_write_trylock<'a, L: Before<MmapLock>>(
        &'a self,
        _ctx: &'a mut Ctx<'_, L>,
    ) -> Option<(MmapWriteGuard<'a>, Ctx<'a, MmapLock>)> {
        // SAFETY: As in `mmap_read_lock`.
        if unsafe { bindings::mmap_write_trylock(self.as_raw()) } {
            // SAFETY: We just took the mmap write lock.
            Some((unsafe { MmapWriteGuard::new(self) }, Ctx::make()))
        } else {
            None
        }
    }

    /// Takes the mmap lock for write, or fails with `EINTR` on a fatal signal
    /// (`mmap_write_lock_killable`).
    #[inline]
    pub fn mmap_write_lock_killable<'a, L: Before<MmapLock>>(
        &'a self,
        _ctx: &'a mut Ctx<'_, L>,
    ) -> Result<(MmapWriteGuard<'a>, Ctx<'a, MmapLock>)> {
        // SAFETY: As in `mmap_read_lock`.
        if unsafe { bindings::mmap_write_lock_killable(self.as_raw()) } != 0 {
            return Err(EINTR);
        }
        // SAFETY: We just took the mmap write lock.
        Ok((unsafe { MmapWriteGuard::new(self) }, Ctx::make()))
    }

    /// Tries to take the per-VMA read lock of the VMA containing `addr` (`lock_vma_under_rcu`).
    ///
    /// `process_addrs.rst`, "Using address space locks", second bullet: this may fail (returns
    /// `None`) when the VMA is write-locked, being modified, absent, or `CONFIG_PER_VMA_LOCK` is
    /// off; callers then fall back to the mmap read lock, which [`MmWithUser::lock_vma`] does in
    /// one call.
    ///
    /// The token level must come before [`VmaLock`]: a task holding the mmap read lock may take
    /// a VMA read lock, but the reverse (mmap lock under a VMA read lock) deadlocks against a
    /// writer in `vma_start_write` and does not compile (warning under the lock-state table).
    #[inline]
    pub fn lock_vma_under_rcu<'a, L: Before<VmaLock>>(
        &'a self,
        _ctx: &'a mut Ctx<'_, L>,
        addr: usize,
    ) -> Option<(VmaReadGuard<'a>, Ctx<'a, VmaLock>)> {
        // SAFETY: The mm is valid with users; `lock_vma_under_rcu` takes the RCU read lock
        // itself and never sleeps.
        let vma = unsafe { bindings::lock_vma_under_rcu(self.as_raw(), addr as _) };
        let vma = NonNull::new(vma)?;
        // SAFETY: A non-null result is read-locked by us and stays valid until `vma_end_read`.
        Some((unsafe { VmaReadGuard::from_raw(vma.as_ptr()) }, Ctx::make()))
    }

    /// Gives a stable view of the VMA containing `addr` the way fault handlers do: first the
    /// per-VMA read lock, and if that fails the mmap read lock (`process_addrs.rst`, "Using
    /// address space locks", second bullet, "fall-back logic is required").
    ///
    /// Returns `None` if no VMA contains `addr`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::mm::{order::Ctx, MmWithUser};
    ///
    /// fn flags_at(mm: &MmWithUser, addr: usize) -> Option<usize> {
    ///     // SAFETY: Called from a context that holds no mm lock.
    ///     let mut ctx = unsafe { Ctx::new() };
    ///     let (vma, _ctx) = mm.lock_vma(&mut ctx, addr)?;
    ///     Some(vma.flags())
    /// }
    /// # let _ = flags_at;
    /// ```
    pub fn lock_vma<'a, L: Before<MmapLock>>(
        &'a self,
        _ctx: &'a mut Ctx<'_, L>,
        addr: usize,
    ) -> Option<(StableVma<'a>, Ctx<'a, VmaLock>)> {
        // SAFETY: As in `lock_vma_under_rcu`; the token allows both locks tried here.
        let vma = unsafe { bindings::lock_vma_under_rcu(self.as_raw(), addr as _) };
        if let Some(vma) = NonNull::new(vma) {
            // SAFETY: A non-null result is read-locked by us and stays valid until `vma_end_read`.
            let guard = unsafe { VmaReadGuard::from_raw(vma.as_ptr()) };
            return Some((StableVma(Stable::Vma(guard)), Ctx::make()));
        }
        // SAFETY: As in `mmap_read_lock`.
        unsafe { bindings::mmap_read_lock(self.as_raw()) };
        // SAFETY: We just took the mmap read lock.
        let mmap = unsafe { MmapReadGuard::new(self) };
        let vma: *const VmaRef = mmap.vma_lookup(addr)?;
        Some((StableVma(Stable::Mmap { _guard: mmap, vma }), Ctx::make()))
    }
}

/// A VMA kept stable either by its own read lock or by the mmap read lock.
///
/// Returned by [`MmWithUser::lock_vma`]; derefs to [`VmaRef`] and releases whichever lock it
/// holds on drop.
pub struct StableVma<'a>(Stable<'a>);

/// # Invariants
///
/// In `Mmap`, `vma` is a VMA of the mm whose mmap read lock the guard holds.
enum Stable<'a> {
    Vma(VmaReadGuard<'a>),
    Mmap {
        _guard: MmapReadGuard<'a>,
        vma: *const VmaRef,
    },
}

impl StableVma<'_> {
    /// Returns `true` if the VMA read lock was taken, `false` if the mmap read lock was.
    #[inline]
    pub fn is_vma_locked(&self) -> bool {
        matches!(self.0, Stable::Vma(_))
    }
}

impl Deref for StableVma<'_> {
    type Target = VmaRef;

    #[inline]
    fn deref(&self) -> &VmaRef {
        match &self.0 {
            Stable::Vma(g) => g,
            // SAFETY: By the invariant of `Stable` the VMA is stable while the guard, which lives
            // at least as long as `&self`, holds the mmap read lock.
            Stable::Mmap { vma, .. } => unsafe { &**vma },
        }
    }
}

/// The address space of an mm whose mmap lock is held (read or write).
///
/// Both [`MmapReadGuard`] and [`MmapWriteGuard`] deref to this type; it holds the VMA lookups
/// that need the mmap lock for stability (`process_addrs.rst`, "Using address space locks").
/// References it returns are bounded by the guard.
///
/// # Invariants
///
/// A `&MmapLocked` only exists while the current task holds the mmap lock of this mm.
#[repr(transparent)]
pub struct MmapLocked {
    mm: MmWithUser,
}

impl MmapLocked {
    /// Returns the mm.
    #[inline]
    pub fn mm(&self) -> &MmWithUser {
        &self.mm
    }

    /// Returns the VMA that contains `addr` (`vma_lookup`): `vm_start <= addr < vm_end`.
    #[inline]
    pub fn vma_lookup(&self, addr: usize) -> Option<&VmaRef> {
        // SAFETY: The mmap lock is held (type invariant), as `vma_lookup` requires.
        let vma = unsafe { bindings::vma_lookup(self.mm.as_raw(), addr as _) };
        // SAFETY: The VMA is stable while the mmap lock is held, which outlives `&self`.
        (!vma.is_null()).then(|| unsafe { VmaRef::from_raw(vma) })
    }

    /// Returns the first VMA that ends above `addr` (`find_vma`); it may start above `addr`.
    #[inline]
    pub fn find_vma(&self, addr: usize) -> Option<&VmaRef> {
        // SAFETY: The mmap lock is held (type invariant), as `find_vma` requires.
        let vma = unsafe { bindings::find_vma(self.mm.as_raw(), addr as _) };
        // SAFETY: The VMA is stable while the mmap lock is held, which outlives `&self`.
        (!vma.is_null()).then(|| unsafe { VmaRef::from_raw(vma) })
    }

    /// Iterates, in address order, over the VMAs that intersect `[start, end)`.
    #[inline]
    pub fn vmas(&self, start: usize, end: usize) -> VmaIter<'_> {
        VmaIter {
            mm: self,
            next: start,
            end,
        }
    }
}

/// Iterator over the VMAs of a range, returned by [`MmapLocked::vmas`].
pub struct VmaIter<'a> {
    mm: &'a MmapLocked,
    next: usize,
    end: usize,
}

impl<'a> Iterator for VmaIter<'a> {
    type Item = &'a VmaRef;

    fn next(&mut self) -> Option<&'a VmaRef> {
        if self.next >= self.end {
            return None;
        }
        let vma = self.mm.find_vma(self.next)?;
        if vma.start() >= self.end {
            self.next = self.end;
            return None;
        }
        self.next = vma.end();
        Some(vma)
    }
}

/// Holds the mmap lock of an mm for read (`mmap_read_lock` .. `mmap_read_unlock`).
///
/// `process_addrs.rst`, lock-state table, row "R/W -/R -/R/W": VMAs are stable and readable, not
/// writable. The guard is `!Send`: the task that locked must unlock.
///
/// # Invariants
///
/// The current task holds the mmap read lock of `mm` until the guard is dropped.
pub struct MmapReadGuard<'a> {
    mm: &'a MmWithUser,
    _not_send: PhantomData<*mut ()>,
}

impl<'a> MmapReadGuard<'a> {
    /// Wraps an mmap read lock that the caller holds.
    ///
    /// # Safety
    ///
    /// The current task must hold the mmap read lock of `mm` and transfer its release to the
    /// guard. In debug builds this is checked with `mmap_assert_locked`.
    #[inline]
    pub unsafe fn new(mm: &'a MmWithUser) -> Self {
        // SAFETY: `mm` is valid.
        unsafe { bindings::mmap_assert_locked(mm.as_raw()) };
        // INVARIANT: The caller holds the read lock.
        Self {
            mm,
            _not_send: PhantomData,
        }
    }
}

impl Deref for MmapReadGuard<'_> {
    type Target = MmapLocked;

    #[inline]
    fn deref(&self) -> &MmapLocked {
        // SAFETY: `MmapLocked` is a transparent wrapper and we hold the mmap lock while `&self`
        // lives.
        unsafe { &*(self.mm as *const MmWithUser).cast() }
    }
}

impl Drop for MmapReadGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: By the type invariant we hold the read lock.
        unsafe { bindings::mmap_read_unlock(self.mm.as_raw()) };
    }
}

/// Holds the mmap lock of an mm for write (`mmap_write_lock` .. `mmap_write_unlock`).
///
/// Needed to take VMA write locks ([`MmapWriteGuard::vma_start_write`]); every VMA write lock
/// taken under it borrows the guard, so releasing or downgrading the guard statically ends them,
/// as `mmap_write_unlock`/`mmap_write_downgrade` end them in C (`vma_end_write_all`).
/// `!Send`: the task that locked must unlock.
///
/// # Invariants
///
/// The current task holds the mmap write lock of `mm` until the guard is dropped or downgraded.
pub struct MmapWriteGuard<'a> {
    mm: &'a MmWithUser,
    _not_send: PhantomData<*mut ()>,
}

impl<'a> MmapWriteGuard<'a> {
    /// Wraps an mmap write lock that the caller holds.
    ///
    /// # Safety
    ///
    /// The current task must hold the mmap write lock of `mm` and transfer its release to the
    /// guard. In debug builds this is checked with `mmap_assert_write_locked`.
    #[inline]
    pub unsafe fn new(mm: &'a MmWithUser) -> Self {
        // SAFETY: `mm` is valid.
        unsafe { bindings::mmap_assert_write_locked(mm.as_raw()) };
        // INVARIANT: The caller holds the write lock.
        Self {
            mm,
            _not_send: PhantomData,
        }
    }

    /// Turns the write lock into a read lock without letting another writer in
    /// (`mmap_write_downgrade`).
    ///
    /// Consuming `self` ends every [`VmaWriteGuard`] taken under this guard: C releases all VMA
    /// write locks here (`process_addrs.rst`: VMA write locks are released "when the mmap write
    /// lock is released" or downgraded), so VMA read locks work again afterwards.
    #[inline]
    pub fn downgrade(self) -> MmapReadGuard<'a> {
        let this = core::mem::ManuallyDrop::new(self);
        // SAFETY: By the type invariant we hold the write lock; after this call we hold the read
        // lock, whose release the returned guard takes over (`self` is not dropped).
        unsafe { bindings::mmap_write_downgrade(this.mm.as_raw()) };
        // SAFETY: We now hold the read lock.
        unsafe { MmapReadGuard::new(this.mm) }
    }

    /// Write-locks the VMA `vma` of this mm (`vma_start_write`).
    ///
    /// `process_addrs.rst`, "Terminology" and "Using address space locks": a VMA write lock can
    /// only be taken with the mmap write lock held and is released only when that lock is
    /// released or downgraded; there is no `vma_end_write`. Hence the returned guard borrows
    /// `self`. Taking it waits for VMA readers (a sleeping lock), and it comes before the rmap
    /// locks in the `mm/rmap.c` order, hence the token bound.
    #[inline]
    pub fn vma_start_write<'g, L: Before<VmaLock>>(
        &'g self,
        _ctx: &mut Ctx<'_, L>,
        vma: &'g VmaRef,
    ) -> VmaWriteGuard<'g> {
        // A VMA of another mm would be write-locked under a lock we do not hold.
        assert!(core::ptr::eq(vma.mm(), &**self.mm));
        // SAFETY: We hold the mmap write lock of the VMA's mm.
        unsafe { bindings::vma_start_write(vma.as_raw()) };
        // SAFETY: The VMA is now write-locked and stays so while `self` is borrowed.
        unsafe { VmaWriteGuard::from_raw(vma.as_raw()) }
    }

    /// Looks up the VMA containing `addr` and write-locks it (`vma_lookup` + `vma_start_write`).
    #[inline]
    pub fn vma_write_at<'g, L: Before<VmaLock>>(
        &'g self,
        ctx: &mut Ctx<'_, L>,
        addr: usize,
    ) -> Option<VmaWriteGuard<'g>> {
        let vma = self.vma_lookup(addr)?;
        Some(self.vma_start_write(ctx, vma))
    }
}

impl Deref for MmapWriteGuard<'_> {
    type Target = MmapLocked;

    #[inline]
    fn deref(&self) -> &MmapLocked {
        // SAFETY: `MmapLocked` is a transparent wrapper and we hold the mmap lock while `&self`
        // lives.
        unsafe { &*(self.mm as *const MmWithUser).cast() }
    }
}

impl Drop for MmapWriteGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: By the type invariant we hold the write lock.
        unsafe { bindings::mmap_write_unlock(self.mm.as_raw()) };
    }
}
