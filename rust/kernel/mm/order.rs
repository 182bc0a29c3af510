// SPDX-License-Identifier: GPL-2.0

//! Lock levels and the context token that orders mm lock acquisition at compile time.
//!
//! The opening comment of `mm/rmap.c`, quoted in `Documentation/mm/process_addrs.rst`
//! ("Lock ordering"), fixes the order in which the locks of an address space nest:
//!
//! ```text
//! mm->mmap_lock
//!   vma_start_write            (and, on the read side, lock_vma_under_rcu)
//!     mapping->i_mmap_rwsem
//!       anon_vma->rwsem        (mm-internal in 7.3: mm/internal.h; no Rust API takes it)
//!         mm->page_table_lock or pte_lock
//! ```
//!
//! Every lock-taking function of `kernel::mm` takes a `&mut` [`Ctx`] whose [`Level`] says what the
//! caller already holds, and it only type-checks when that level comes [`Before`] the level of
//! the lock being taken. Taking the lock yields a child [`Ctx`] at the new level that mutably
//! borrows the parent, so while the guard lives the outer levels cannot be used to take a lock
//! out of order. The same rule rejects, at compile time:
//!
//! - taking the mmap lock while holding a VMA read lock (`process_addrs.rst`, "Locking": the
//!   warning below the lock-state table, deadlock against a writer waiting in
//!   `vma_start_write`);
//! - taking any sleeping lock while a page-table spinlock is held (only [`Sleepable`] levels can
//!   take a `rw_semaphore`).
//!
//! [`Ctx`] is a zero-sized value: it costs no memory and no instructions.

use core::marker::PhantomData;

mod private {
    pub trait Sealed {}
}

/// A position in the `mm/rmap.c` lock order. Implemented only by the level types of this module.
pub trait Level: private::Sealed {}

/// Levels at which the task may still sleep (no spinlock of ours is held).
///
/// `rw_semaphore` based locks (mmap lock, VMA locks, i_mmap, anon_vma) sleep when contended,
/// so only these levels may take them (`process_addrs.rst`, "Page table locking details").
pub trait Sleepable: Level {}

/// `Self` may be held while the lock of level `Next` is acquired (`mm/rmap.c` order).
pub trait Before<Next: Level>: Level {}

/// No mm lock is held.
pub enum Unlocked {}
/// The mmap lock (`mm->mmap_lock`) is held, for read or write.
pub enum MmapLock {}
/// A VMA lock is held: a VMA read lock (`lock_vma_under_rcu`) or VMA write lock
/// (`vma_start_write`), or the VMA is stabilised by the mmap lock and a VMA lock together.
pub enum VmaLock {}
/// A file's `i_mmap` lock (`mapping->i_mmap_rwsem`) is held.
pub enum IMmapLock {}
/// A page-table spinlock (`mm->page_table_lock`, a PMD lock or a PTE lock) is held: atomic
/// context.
pub enum PageTableLock {}

macro_rules! levels {
    ($($l:ident),*) => { $(impl private::Sealed for $l {} impl Level for $l {})* };
}
levels!(Unlocked, MmapLock, VmaLock, IMmapLock, PageTableLock);

macro_rules! order {
    ($first:ident $(, $rest:ident)*) => {
        $(
            impl Before<$rest> for $first {}
            impl Max<$rest> for $first { type Out = $rest; }
            impl Max<$first> for $rest { type Out = $rest; }
        )*
        impl Max<$first> for $first { type Out = $first; }
        order!($($rest),*);
    };
    () => {};
}
order!(Unlocked, MmapLock, VmaLock, IMmapLock, PageTableLock);

impl Sleepable for Unlocked {}
impl Sleepable for MmapLock {}
impl Sleepable for VmaLock {}
impl Sleepable for IMmapLock {}

/// The later of two levels in the `mm/rmap.c` order.
///
/// A trylock never waits, so it cannot deadlock whatever the task holds ("Trylocks may be taken
/// at any level"); the token it returns is at the later of the caller's level and the lock's,
/// so the rest of the order still holds for blocking locks taken afterwards.
pub trait Max<Other: Level>: Level {
    /// The later level.
    type Out: Level;
}

/// Whether the task may sleep: [`Process`] or [`Atomic`] context.
pub trait Context: private::Sealed {}

/// Process context: the task may sleep unless the level says otherwise (a page-table lock).
pub enum Process {}
/// Atomic context (a spinlock of the caller is held, or preemption or interrupts are off): only
/// trylocks and other non-sleeping operations are available.
pub enum Atomic {}
impl private::Sealed for Process {}
impl private::Sealed for Atomic {}
impl Context for Process {}
impl Context for Atomic {}

/// Proof of the locks the current task holds, as a [`Level`] of the `mm/rmap.c` order.
///
/// A `Ctx` is obtained once per entry into mm-locking code ([`Ctx::new`], or handed to a
/// callback by its trampoline at the level the callback runs at) and then threaded by `&mut`
/// through every lock acquisition. It is neither `Send` nor `Sync`: the locks it describes are
/// those of the task that holds it.
///
/// The context parameter `C` is [`Process`] unless the token was made for atomic context
/// ([`Ctx::new_atomic`]); operations that may sleep take only `Ctx<'_, L, Process>` with `L`
/// [`Sleepable`], while trylocks take any context and pass it on to the token they return.
///
/// # Invariants
///
/// While a `Ctx<'a, L, C>` can be used, the current task holds no mm lock that comes after `L`
/// in the `mm/rmap.c` order; if `L` is not [`Sleepable`] or `C` is [`Atomic`] it may be in
/// atomic context, otherwise it may sleep.
pub struct Ctx<'a, L: Level, C: Context = Process> {
    _level: PhantomData<(L, C)>,
    _parent: PhantomData<&'a mut ()>,
    _not_send: PhantomData<*mut ()>,
}

impl Ctx<'static, Unlocked> {
    /// Creates the root token for a task that holds no mm lock.
    ///
    /// # Safety
    ///
    /// The caller must be in process context that may sleep and must hold none of the locks of
    /// the `mm/rmap.c` order (mmap lock, VMA locks, i_mmap, anon_vma, page-table locks), and must
    /// not create another root token while this one (or a child of it) is in use.
    #[inline]
    pub unsafe fn new() -> Self {
        // The check exists only under `CONFIG_DEBUG_ATOMIC_SLEEP`; without it `might_sleep` is
        // only a voluntary preemption point, which the C entry points that make root tokens
        // (`ioctl`, ...) do not have, so it is left out there.
        #[cfg(CONFIG_DEBUG_ATOMIC_SLEEP)]
        // SAFETY: FFI call without requirements; it checks that we may sleep.
        unsafe {
            crate::bindings::might_sleep()
        };
        // INVARIANT: The caller guarantees that no mm lock is held and that we may sleep.
        Ctx::make()
    }
}

impl Ctx<'static, Unlocked, Atomic> {
    /// Creates the root token for atomic context: a caller that holds no mm lock but may hold a
    /// spinlock of its own (e.g. a shrinker callback under its LRU lock). Only trylocks accept
    /// it.
    ///
    /// # Safety
    ///
    /// The caller must hold none of the locks of the `mm/rmap.c` order and must not create
    /// another root token while this one (or a child of it) is in use.
    #[inline]
    pub unsafe fn new_atomic() -> Self {
        // INVARIANT: No mm lock is held; nothing is claimed about sleeping.
        Ctx::make()
    }
}

impl<'a, L: Level> Ctx<'a, L, Atomic> {
    /// Returns a process-context token at the same level, for after the caller's atomic
    /// section has ended (e.g. it released its spinlock) while the mm locks it took stay held.
    ///
    /// # Safety
    ///
    /// The task must be able to sleep from now on, for as long as the returned token is used.
    #[inline]
    pub unsafe fn assume_process(&mut self) -> Ctx<'_, L, Process> {
        // INVARIANT: The caller guarantees that the task may sleep; the level is unchanged.
        Ctx::make()
    }
}

impl<'a, L: Level, C: Context> Ctx<'a, L, C> {
    /// Creates a token; the invariant must be established by the caller.
    #[inline]
    pub(crate) fn make() -> Self {
        Ctx {
            _level: PhantomData,
            _parent: PhantomData,
            _not_send: PhantomData,
        }
    }
}

impl<'a, L: Sleepable> Ctx<'a, L> {
    /// Asserts (in debug builds) that the task may sleep here; only available at sleepable
    /// levels, so sleeping under a page-table spinlock does not compile.
    #[inline]
    pub fn might_sleep(&mut self) {
        // SAFETY: FFI call without requirements.
        unsafe { crate::bindings::might_sleep() };
    }
}

/// The locks the current task holds, as lockdep counts them, taken where a callback receives a
/// token, to check that it returns holding no more.
///
/// `mem::forget` on a guard (of `kernel::mm` or of `kernel::sync`) keeps its lock held while the
/// borrow of the parent token ends, so the parent token can be used again: the type system cannot
/// see a value that is never dropped. Lockdep can: each trampoline of `kernel::mm` and
/// `MiscDevice` that hands out a token snapshots the task's lock depth before the callback and
/// [`HeldLocks::check`]s it afterwards, which reports the leak (with the held locks) at the entry
/// point that leaked it, also where `lockdep_sys_exit` never looks (page faults, kernel threads).
/// Without `CONFIG_LOCKDEP` it compiles to nothing.
pub struct HeldLocks {
    depth: i32,
}

impl HeldLocks {
    /// Snapshots the current task's lock depth (0 without `CONFIG_LOCKDEP`, or once lockdep has
    /// turned itself off after a report).
    #[inline]
    pub fn now() -> Self {
        #[cfg(CONFIG_LOCKDEP)]
        // SAFETY: Reads the current task's `lockdep_depth`, which only the task itself changes.
        let depth = unsafe { crate::bindings::lockdep_depth(crate::task::Task::current_raw()) };
        #[cfg(not(CONFIG_LOCKDEP))]
        let depth = 0;
        HeldLocks { depth }
    }

    /// How many more locks the task holds now than at the snapshot (negative if it released
    /// locks it held before).
    #[inline]
    pub fn leaked(&self) -> i32 {
        HeldLocks::now().depth - self.depth
    }

    /// Reports, with a warning and the list of held locks, if callback `entry` returned with a
    /// different number of locks held than it was called with.
    #[inline]
    pub fn check(self, entry: &str) {
        #[cfg(CONFIG_LOCKDEP)]
        {
            let n = self.leaked();
            if n != 0 {
                Self::report(entry, n);
            }
        }
        #[cfg(not(CONFIG_LOCKDEP))]
        let _ = (self, entry);
    }

    // Only with lockdep: without it `debug_show_held_locks` is a static inline stub that has no
    // binding, and there is nothing to report.
    #[cfg(CONFIG_LOCKDEP)]
    #[cold]
    fn report(entry: &str, n: i32) {
        crate::pr_err!("{entry}: {n} more lock(s) held on return than on entry (leaked guard?)\n");
        // SAFETY: Prints the current task's held locks; no requirements.
        unsafe { crate::bindings::debug_show_held_locks(crate::task::Task::current_raw()) };
        crate::warn_on!(true);
    }
}
