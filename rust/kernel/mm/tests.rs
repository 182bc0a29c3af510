// SPDX-License-Identifier: GPL-2.0

//! KUnit suites for `kernel::mm`, run on real address spaces.
//!
//! Each test builds a fresh mm (`mm_alloc`), adopts it in the KUnit kernel thread
//! (`kthread_use_mm`) and creates anonymous mappings in it with `vm_mmap`, exactly as a process
//! would with `mmap(2)`. Nothing is mocked.

use super::tests_driver::{map as device_map, TestFile, TEST_NOFAULT_VM_OPS, TEST_VM_OPS};
use crate::{
    bindings,
    error::code::{EINTR, EINVAL},
    mm::kunit_util::{kunit_check, kunit_check_eq, kunit_skip, mm_suite, TestError, TestResult},
    mm::{
        order::{Ctx, HeldLocks},
        pgtable::PteGuard,
        virt::{check_flags_change, flags},
        Mm, MmWithUser,
    },
    page::PAGE_SIZE,
    sync::aref::ARef,
};

/// Where the test mappings live: three anonymous regions with gaps, so they never merge.
const BASE: usize = 0x1000_0000;
pub(super) const A: (usize, usize) = (BASE, BASE + 4 * PAGE_SIZE);
pub(super) const B: (usize, usize) = (BASE + 6 * PAGE_SIZE, BASE + 8 * PAGE_SIZE);
pub(super) const C: (usize, usize) = (BASE + 16 * PAGE_SIZE, BASE + 20 * PAGE_SIZE);
/// Free space above `C` for mappings made by single tests.
pub(super) const D: (usize, usize) = (BASE + 32 * PAGE_SIZE, BASE + 36 * PAGE_SIZE);
pub(super) const PROT_RW: u32 = bindings::PROT_READ | bindings::PROT_WRITE;

/// A fresh address space adopted by the current kernel thread, with regions `A`, `B`, `C`.
pub(super) struct TestMm {
    pub(super) mm: ARef<MmWithUser>,
}

impl TestMm {
    pub(super) fn new() -> core::result::Result<Self, TestError> {
        // SAFETY: FFI call without requirements.
        let raw = unsafe { bindings::mm_alloc() };
        if raw.is_null() {
            crate::pr_err!("    # mm_alloc failed\n");
            return Err(TestError::Failed);
        }
        // SAFETY: `mm_alloc` returned an mm with one `mmget` reference, which we own. KUnit runs
        // each case in its own kernel thread, which has no mm of its own.
        unsafe { bindings::kthread_use_mm(raw) };
        // SAFETY: We own the reference from `mm_alloc`; `Drop` unuses the mm before it goes.
        let mm = unsafe { ARef::from_raw(core::ptr::NonNull::from(MmWithUser::from_raw(raw))) };
        let this = TestMm { mm };
        for (start, end) in [A, B, C] {
            this.map(start, end - start, PROT_RW, bindings::MAP_PRIVATE)?;
        }
        Ok(this)
    }

    /// `mmap(addr, len, prot, kind | MAP_ANONYMOUS | MAP_FIXED)` in the test mm.
    pub(super) fn map(&self, addr: usize, len: usize, prot: u32, kind: u32) -> TestResult {
        let flags = kind | bindings::MAP_ANONYMOUS | bindings::MAP_FIXED;
        // SAFETY: The current kthread uses `self.mm`; `vm_mmap` maps into `current->mm`.
        let ret = unsafe {
            bindings::vm_mmap(
                core::ptr::null_mut(),
                addr,
                len,
                prot as usize,
                flags as usize,
                0,
            )
        };
        kunit_check_eq!(ret as usize, addr);
        Ok(())
    }
}

impl TestMm {
    /// `mmap(addr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, file, pgoff pages)`.
    pub(super) fn map_file(
        &self,
        file: *mut bindings::file,
        addr: usize,
        len: usize,
        pgoff: usize,
    ) -> TestResult {
        let flags = bindings::MAP_SHARED | bindings::MAP_FIXED;
        // SAFETY: The current kthread uses `self.mm`; the caller holds a reference on `file`.
        let ret = unsafe {
            bindings::vm_mmap(
                file,
                addr,
                len,
                PROT_RW as usize,
                flags as usize,
                pgoff * PAGE_SIZE,
            )
        };
        kunit_check_eq!(ret as usize, addr);
        Ok(())
    }
}

impl Drop for TestMm {
    fn drop(&mut self) {
        // SAFETY: The current kthread adopted this mm in `new`.
        unsafe { bindings::kthread_unuse_mm(self.mm.as_raw()) };
    }
}

/// Writes `v` to user address `addr` of the adopted mm (faulting the page in, as a process
/// would).
pub(super) fn user_write(addr: usize, v: u8) -> crate::error::Result {
    crate::uaccess::UserSlice::new(crate::uaccess::UserPtr::from_addr(addr), 1)
        .writer()
        .write_slice(&[v])
}

/// Reads one byte from user address `addr` of the adopted mm.
pub(super) fn user_read(addr: usize) -> crate::error::Result<u8> {
    let mut b = [0u8];
    crate::uaccess::UserSlice::new(crate::uaccess::UserPtr::from_addr(addr), 1)
        .reader()
        .read_slice(&mut b)?;
    Ok(b[0])
}

/// A kernel thread that holds the mmap write lock of an mm until dropped (contention for the
/// killable lock tests).
struct WriteHolder {
    task: *mut bindings::task_struct,
    // Boxed: the thread reads it until it exits in `drop`.
    _state: crate::alloc::KBox<HolderState>,
}

struct HolderState {
    mm: *mut bindings::mm_struct,
    locked: core::sync::atomic::AtomicBool,
}

impl WriteHolder {
    extern "C" fn run(data: *mut core::ffi::c_void) -> core::ffi::c_int {
        use core::sync::atomic::Ordering;
        // SAFETY: `data` is the `HolderState` that outlives this thread (stopped in `drop`).
        let st = unsafe { &*data.cast::<HolderState>() };
        // SAFETY: The test holds an `mmget` reference on the mm for the thread's lifetime.
        unsafe { bindings::mmap_write_lock(st.mm) };
        st.locked.store(true, Ordering::Release);
        // SAFETY: FFI calls without requirements, from a kthread.
        while !unsafe { bindings::kthread_should_stop() } {
            // SAFETY: As above.
            unsafe { bindings::msleep(1) };
        }
        // SAFETY: Taken above by this thread.
        unsafe { bindings::mmap_write_unlock(st.mm) };
        0
    }

    fn start(mm: &MmWithUser) -> core::result::Result<Self, TestError> {
        use core::sync::atomic::Ordering;
        let state = crate::alloc::KBox::new(
            HolderState {
                mm: mm.as_raw(),
                locked: core::sync::atomic::AtomicBool::new(false),
            },
            crate::alloc::flags::GFP_KERNEL,
        )?;
        // SAFETY: `run` matches the thread function type; `state` outlives the thread.
        let task = unsafe {
            bindings::kthread_create_on_node(
                Some(Self::run),
                core::ptr::from_ref::<HolderState>(&state).cast_mut().cast(),
                bindings::NUMA_NO_NODE,
                crate::str::CStrExt::as_char_ptr(crate::c_str!("rust-mm-holder")),
            )
        };
        kunit_check!(crate::error::from_err_ptr(task).is_ok());
        // SAFETY: A freshly created kthread.
        unsafe { bindings::wake_up_process(task) };
        while !state.locked.load(Ordering::Acquire) {
            // SAFETY: FFI call without requirements.
            unsafe { bindings::msleep(1) };
        }
        Ok(Self {
            task,
            _state: state,
        })
    }
}

impl Drop for WriteHolder {
    fn drop(&mut self) {
        // SAFETY: `task` is our running kthread; this waits for it to unlock and exit.
        unsafe { bindings::kthread_stop(self.task) };
    }
}

/// Makes `SIGKILL` pending on the current (KUnit) kernel thread, so `fatal_signal_pending()` is
/// true, or removes it again.
fn set_fatal_signal(pending: bool) {
    let sig = bindings::SIGKILL as core::ffi::c_int;
    // SAFETY: The current task is a kthread that we may let accept SIGKILL while the test runs;
    // `SEND_SIG_PRIV` is the kernel's "sent by the kernel" marker value.
    unsafe {
        let cur = bindings::get_current();
        if pending {
            bindings::allow_signal(sig);
            bindings::do_send_sig_info(
                sig,
                // `SEND_SIG_PRIV`: the value 1, not a pointer.
                core::ptr::without_provenance_mut::<bindings::kernel_siginfo>(1),
                cur,
                bindings::pid_type_PIDTYPE_PID,
            );
        } else {
            bindings::flush_signals(cur);
            bindings::disallow_signal(sig);
        }
    }
}

/// Whether the mmap lock of `mm` could be taken for write right now (probe; released at once).
fn mmap_write_free(mm: &Mm) -> bool {
    // SAFETY: Probing the rwsem with a trylock cannot deadlock; on success we release at once
    // (the mm has no mmap lock seqcount readers to notify: nothing was changed).
    unsafe {
        let sem = core::ptr::addr_of_mut!((*mm.as_raw()).__bindgen_anon_1.mmap_lock);
        if bindings::down_write_trylock(sem) != 0 {
            bindings::up_write(sem);
            true
        } else {
            false
        }
    }
}

/// Whether the mmap lock of `mm` could be taken for read right now (probe; released at once).
fn mmap_read_free(mm: &Mm) -> bool {
    // SAFETY: As in `mmap_write_free`.
    unsafe {
        if bindings::mmap_read_trylock(mm.as_raw()) {
            bindings::mmap_read_unlock(mm.as_raw());
            true
        } else {
            false
        }
    }
}

macro_rules! root_ctx {
    () => {
        // SAFETY: KUnit runs each case in a fresh kernel thread that holds no mm lock.
        unsafe { Ctx::new() }
    };
}
pub(super) use root_ctx;

fn kthread_has_no_mm() -> TestResult {
    kunit_check!(crate::current!().mm().is_none());
    Ok(())
}

fn current_mm_after_use_mm() -> TestResult {
    let t = TestMm::new()?;
    let task = crate::current!();
    let cur = task.mm();
    kunit_check!(cur.is_some_and(|mm| core::ptr::eq(mm.as_raw(), t.mm.as_raw())));
    Ok(())
}

fn mmget_not_zero_while_users() -> TestResult {
    let t = TestMm::new()?;
    let grabbed: ARef<Mm> = ARef::from(&**t.mm);
    let again = grabbed.mmget_not_zero();
    kunit_check!(again.is_some());
    Ok(())
}

fn mmgrab_outlives_users() -> TestResult {
    let t = TestMm::new()?;
    let grabbed: ARef<Mm> = ARef::from(&**t.mm);
    // Drop the only user: the address space is torn down (`mmput` -> `exit_mmap`).
    drop(t);
    kunit_check!(grabbed.mmget_not_zero().is_none());
    Ok(())
}

fn put_async_drops_user() -> TestResult {
    let t = TestMm::new()?;
    let extra = t.mm.clone();
    // SAFETY: Reading a counter of a live mm.
    let users = || unsafe { (*t.mm.as_raw()).__bindgen_anon_1.mm_users.counter };
    // One from `mm_alloc` (`kthread_use_mm` takes none), one for `extra`.
    kunit_check_eq!(users(), 2);
    drop(MmWithUser::into_mmput_async(extra));
    kunit_check_eq!(users(), 1);
    Ok(())
}

fn mmap_read_lock_blocks_writers() -> TestResult {
    let t = TestMm::new()?;
    let mut ctx = root_ctx!();
    {
        let (_mmap, _ctx) = t.mm.mmap_read_lock(&mut ctx);
        kunit_check!(!mmap_write_free(&t.mm));
        kunit_check!(mmap_read_free(&t.mm));
    }
    kunit_check!(mmap_write_free(&t.mm));
    Ok(())
}

fn mmap_read_trylock_uncontended() -> TestResult {
    let t = TestMm::new()?;
    let mut ctx = root_ctx!();
    let got = t.mm.mmap_read_trylock(&mut ctx);
    kunit_check!(got.is_some());
    kunit_check!(!mmap_write_free(&t.mm));
    drop(got);
    kunit_check!(mmap_write_free(&t.mm));
    Ok(())
}

fn mmap_read_lock_killable_uncontended() -> TestResult {
    let t = TestMm::new()?;
    let mut ctx = root_ctx!();
    let (mmap, _ctx) = t.mm.mmap_read_lock_killable(&mut ctx)?;
    kunit_check!(mmap.vma_lookup(A.0).is_some());
    Ok(())
}

fn mmap_killable_locks_fail_with_eintr() -> TestResult {
    let t = TestMm::new()?;
    let holder = WriteHolder::start(&t.mm)?;
    kunit_check!(!mmap_read_free(&t.mm));
    set_fatal_signal(true);
    let mut ctx = root_ctx!();
    let r = t.mm.mmap_read_lock_killable(&mut ctx).map(|_| ());
    let w = t.mm.mmap_write_lock_killable(&mut ctx).map(|_| ());
    set_fatal_signal(false);
    drop(holder);
    kunit_check!(r == Err(EINTR));
    kunit_check!(w == Err(EINTR));
    // With the holder gone and no signal pending, the killable locks succeed again.
    kunit_check!(t.mm.mmap_read_lock_killable(&mut ctx).is_ok());
    Ok(())
}

fn mmap_write_lock_excludes_all() -> TestResult {
    let t = TestMm::new()?;
    let mut ctx = root_ctx!();
    {
        let (_mmap, _ctx) = t.mm.mmap_write_lock(&mut ctx);
        kunit_check!(!mmap_read_free(&t.mm));
        kunit_check!(!mmap_write_free(&t.mm));
    }
    kunit_check!(mmap_read_free(&t.mm));
    Ok(())
}

fn mmap_write_lock_killable_uncontended() -> TestResult {
    let t = TestMm::new()?;
    let mut ctx = root_ctx!();
    let (mmap, _ctx) = t.mm.mmap_write_lock_killable(&mut ctx)?;
    kunit_check!(mmap.vma_lookup(B.0).is_some());
    kunit_check!(!mmap_read_free(&t.mm));
    Ok(())
}

fn vma_lookup_boundaries() -> TestResult {
    let t = TestMm::new()?;
    let mut ctx = root_ctx!();
    let (mmap, _ctx) = t.mm.mmap_read_lock(&mut ctx);
    // Start is inclusive, end exclusive.
    let at_start = mmap.vma_lookup(B.0);
    kunit_check!(at_start.is_some_and(|v| v.start() == B.0 && v.end() == B.1));
    kunit_check!(mmap.vma_lookup(B.1 - 1).is_some_and(|v| v.start() == B.0));
    kunit_check!(mmap.vma_lookup(B.1).is_none());
    kunit_check!(mmap.vma_lookup(B.0 - 1).is_none());
    kunit_check!(mmap.vma_lookup(A.1).is_none());
    Ok(())
}

fn find_vma_returns_next() -> TestResult {
    let t = TestMm::new()?;
    let mut ctx = root_ctx!();
    let (mmap, _ctx) = t.mm.mmap_read_lock(&mut ctx);
    // In the gap between A and B, `find_vma` gives B; `vma_lookup` gives nothing.
    kunit_check!(mmap.find_vma(A.1).is_some_and(|v| v.start() == B.0));
    kunit_check!(mmap.find_vma(B.0).is_some_and(|v| v.start() == B.0));
    kunit_check!(mmap.find_vma(C.1).is_none());
    Ok(())
}

fn vma_iteration_order_and_count() -> TestResult {
    let t = TestMm::new()?;
    let mut ctx = root_ctx!();
    let (mmap, _ctx) = t.mm.mmap_read_lock(&mut ctx);
    let mut starts = [0usize; 4];
    let mut n = 0;
    for vma in mmap.vmas(0, usize::MAX) {
        kunit_check!(n < starts.len());
        starts[n] = vma.start();
        n += 1;
    }
    kunit_check_eq!(n, 3);
    kunit_check_eq!(starts[..3], [A.0, B.0, C.0]);
    // Partial ranges: intersecting VMAs only, end exclusive.
    kunit_check_eq!(mmap.vmas(A.1, B.0).count(), 0);
    kunit_check_eq!(mmap.vmas(A.1 - 1, B.0 + 1).count(), 2);
    kunit_check_eq!(mmap.vmas(B.0, C.0).count(), 1);
    Ok(())
}

fn vma_ref_fields() -> TestResult {
    let t = TestMm::new()?;
    let mut ctx = root_ctx!();
    let (mmap, _ctx) = t.mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(C.0).ok_or(TestError::Failed)?;
    kunit_check_eq!(vma.len(), C.1 - C.0);
    kunit_check!(vma.contains(C.1 - 1) && !vma.contains(C.1));
    kunit_check!(vma.is_anonymous());
    kunit_check!(!vma.has_file());
    kunit_check!(vma.vm_ops().is_null());
    kunit_check!(core::ptr::eq(vma.mm(), &**t.mm));
    // Anonymous private memory: pgoff is the address in pages.
    kunit_check_eq!(vma.pgoff(), C.0 / PAGE_SIZE);
    let f = vma.flags();
    kunit_check!(f & flags::READ != 0 && f & flags::WRITE != 0 && f & flags::SHARED == 0);
    kunit_check!(f & flags::MAYWRITE != 0);
    Ok(())
}

fn vma_read_lock_without_mmap_lock() -> TestResult {
    let t = TestMm::new()?;
    let mut ctx = root_ctx!();
    let got = t.mm.lock_vma_under_rcu(&mut ctx, A.0 + PAGE_SIZE);
    let Some((vma, _ctx)) = got else {
        kunit_skip!("lock_vma_under_rcu failed optimistically");
    };
    kunit_check_eq!(vma.start(), A.0);
    // A VMA read lock does not take the mmap lock.
    kunit_check!(mmap_write_free(&t.mm));
    Ok(())
}

fn vma_read_lock_misses_unmapped() -> TestResult {
    let t = TestMm::new()?;
    let mut ctx = root_ctx!();
    kunit_check!(t.mm.lock_vma_under_rcu(&mut ctx, A.1).is_none());
    kunit_check!(t.mm.lock_vma_under_rcu(&mut ctx, C.1 + PAGE_SIZE).is_none());
    Ok(())
}

fn vma_read_lock_under_mmap_read_lock() -> TestResult {
    let t = TestMm::new()?;
    let mut ctx = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut ctx);
    let got = t.mm.lock_vma_under_rcu(&mut ctx, B.0);
    if cfg!(CONFIG_PER_VMA_LOCK) {
        kunit_check!(got.as_ref().is_some_and(|(v, _)| v.start() == B.0));
    } else {
        // Without per-VMA locks the trylock always misses, as upstream's stub does.
        kunit_check!(got.is_none());
    }
    kunit_check!(mmap.vma_lookup(B.0).is_some());
    Ok(())
}

fn vma_write_lock_blocks_vma_readers() -> TestResult {
    if !cfg!(CONFIG_PER_VMA_LOCK) {
        kunit_skip!("needs CONFIG_PER_VMA_LOCK (VMA read locks always miss without it)");
    }
    let t = TestMm::new()?;
    let mut root = root_ctx!();
    {
        let (mmap, mut ctx) = t.mm.mmap_write_lock(&mut root);
        let w = mmap.vma_write_at(&mut ctx, A.0).ok_or(TestError::Failed)?;
        kunit_check_eq!(w.start(), A.0);
        // The same VMA cannot be read-locked while write-locked ...
        kunit_check!(t.mm.lock_vma_under_rcu(&mut ctx, A.0).is_none());
        // ... but other VMAs can.
        kunit_check!(t.mm.lock_vma_under_rcu(&mut ctx, B.0).is_some());
    }
    // Releasing the mmap write lock released the VMA write lock (no `vma_end_write`).
    kunit_check!(t.mm.lock_vma_under_rcu(&mut root, A.0).is_some());
    Ok(())
}

/// Maps the driver test device (`tests_driver`) at `D`: a VMA of ours, as `mod_flags` needs.
fn map_device() -> core::result::Result<TestFile, TestError> {
    let f = TestFile::new()?;
    kunit_check_eq!(device_map(&f, D.0, 2, bindings::MAP_SHARED), D.0 as isize);
    Ok(f)
}

fn downgrade_keeps_mm_and_reenables_vma_readers() -> TestResult {
    let t = TestMm::new()?;
    let f = map_device()?;
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_write_lock(&mut root);
    let w = mmap.vma_write_at(&mut ctx, D.0).ok_or(TestError::Failed)?;
    let ours = TEST_VM_OPS.owns(&w, &*f.buf).ok_or(TestError::Failed)?;
    w.mod_flags(&mut ctx, &ours, flags::DONTDUMP, 0)?;
    kunit_check!(t.mm.lock_vma_under_rcu(&mut ctx, D.0).is_none());
    let mmap = mmap.downgrade();
    // Still locked for read: writers excluded, readers admitted, VMAs still there.
    kunit_check!(!mmap_write_free(&t.mm));
    kunit_check!(mmap_read_free(&t.mm));
    kunit_check!(mmap
        .vma_lookup(D.0)
        .is_some_and(|v| v.flags() & flags::DONTDUMP != 0));
    // VMA write locks ended with the downgrade (without per-VMA locks the trylock misses).
    kunit_check_eq!(
        t.mm.lock_vma_under_rcu(&mut ctx, D.0).is_some(),
        cfg!(CONFIG_PER_VMA_LOCK)
    );
    Ok(())
}

fn flags_change_visible_to_later_reader() -> TestResult {
    let t = TestMm::new()?;
    let f = map_device()?;
    let mut root = root_ctx!();
    {
        let (mmap, mut ctx) = t.mm.mmap_write_lock(&mut root);
        let w = mmap.vma_write_at(&mut ctx, D.0).ok_or(TestError::Failed)?;
        let ours = TEST_VM_OPS.owns(&w, &*f.buf).ok_or(TestError::Failed)?;
        kunit_check!(w.flags() & flags::DONTCOPY == 0);
        w.mod_flags(&mut ctx, &ours, flags::DONTCOPY, 0)?;
        kunit_check!(w.flags() & flags::DONTCOPY != 0);
    }
    let (vma, _ctx) = t.mm.lock_vma(&mut root, D.0).ok_or(TestError::Failed)?;
    kunit_check!(vma.flags() & flags::DONTCOPY != 0);
    Ok(())
}

fn flags_change_updates_page_prot() -> TestResult {
    let t = TestMm::new()?;
    // A shared writable mapping of the test device: its `vm_page_prot` is writable (private
    // ones are COW, mapped read-only until written; the device has no `page_mkwrite`).
    let f = map_device()?;
    user_write(D.0, 1)?;
    let mut root = root_ctx!();
    {
        let (mmap, mut ctx) = t.mm.mmap_write_lock(&mut root);
        let w = mmap.vma_write_at(&mut ctx, D.0).ok_or(TestError::Failed)?;
        let ours = TEST_VM_OPS.owns(&w, &*f.buf).ok_or(TestError::Failed)?;
        kunit_check!(w.flags() & flags::SHARED != 0 && !w.is_anonymous());
        let before = w.page_prot();
        // Seal read-only: no write now, and no write through `mprotect` later either.
        w.mod_flags(&mut ctx, &ours, 0, flags::WRITE | flags::MAYWRITE)?;
        // The entry faulted in writable before the seal is gone with it (a shared VMA with a
        // `fault` callback is unmapped, not write-protected).
        {
            let (pte, _) = PteGuard::lock(&mut ctx, &w, D.0).ok_or(TestError::Failed)?;
            kunit_check!(!pte.get().is_present());
        }
        kunit_check!(w.flags() & (flags::WRITE | flags::MAYWRITE) == 0);
        kunit_check!(w.page_prot() != before);
        // Once `VM_MAYWRITE` is gone it cannot come back.
        kunit_check!(w.mod_flags(&mut ctx, &ours, flags::WRITE, 0).is_err());
        kunit_check!(w.mod_flags(&mut ctx, &ours, flags::MAYWRITE, 0).is_err());
    }
    // The next access faults the page in again, read-only: the data is there, writes fail.
    kunit_check_eq!(user_read(D.0)?, 1);
    kunit_check!(user_write(D.0, 2).is_err());
    let (vma, mut ctx) = t.mm.lock_vma(&mut root, D.0).ok_or(TestError::Failed)?;
    let (pte, _) = PteGuard::lock(&mut ctx, &vma, D.0).ok_or(TestError::Failed)?;
    kunit_check!(pte.get().is_present() && !pte.get().is_writable());
    Ok(())
}

fn clearing_write_needs_a_fault_to_map_again() -> TestResult {
    let t = TestMm::new()?;
    let f = TestFile::without_fault()?;
    kunit_check_eq!(device_map(&f, D.0, 2, bindings::MAP_SHARED), D.0 as isize);
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_write_lock(&mut root);
    let w = mmap.vma_write_at(&mut ctx, D.0).ok_or(TestError::Failed)?;
    let ours = TEST_NOFAULT_VM_OPS
        .owns(&w, &*f.buf)
        .ok_or(TestError::Failed)?;
    let before = w.flags();
    kunit_check!(before & flags::WRITE != 0);
    // No `fault` would map the pages again after an unmap: refused, and nothing changed.
    kunit_check!(w.mod_flags(&mut ctx, &ours, 0, flags::WRITE) == Err(EINVAL));
    kunit_check_eq!(w.flags(), before);
    // Changes that leave `VM_WRITE` alone still work.
    w.mod_flags(&mut ctx, &ours, flags::DONTCOPY, 0)?;
    kunit_check!(w.flags() & flags::DONTCOPY != 0);
    Ok(())
}

fn flags_change_rejects_fixed_bits() -> TestResult {
    let t = TestMm::new()?;
    let f = map_device()?;
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_write_lock(&mut root);
    let w = mmap.vma_write_at(&mut ctx, D.0).ok_or(TestError::Failed)?;
    let ours = TEST_VM_OPS.owns(&w, &*f.buf).ok_or(TestError::Failed)?;
    let before = w.flags();
    for bad in [flags::SHARED, flags::PFNMAP, flags::MIXEDMAP, flags::IO] {
        kunit_check!(w.mod_flags(&mut ctx, &ours, bad, 0).is_err());
        kunit_check!(w.mod_flags(&mut ctx, &ours, 0, bad).is_err());
    }
    kunit_check_eq!(w.flags(), before);
    Ok(())
}

fn mod_flags_needs_proof_for_this_vma() -> TestResult {
    let t = TestMm::new()?;
    let f = map_device()?;
    // A second mapping of the same file, not adjacent (it would not merge anyway: the device's
    // VMAs have a `close`).
    let other = D.0 + 3 * PAGE_SIZE;
    kunit_check_eq!(
        device_map(&f, other, 1, bindings::MAP_SHARED),
        other as isize
    );
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_write_lock(&mut root);
    let second = mmap.vma_lookup(other).ok_or(TestError::Failed)?;
    let ours_second = TEST_VM_OPS.owns(second, &*f.buf).ok_or(TestError::Failed)?;
    let w = mmap.vma_write_at(&mut ctx, D.0).ok_or(TestError::Failed)?;
    kunit_check!(w.mod_flags(&mut ctx, &ours_second, flags::DONTCOPY, 0) == Err(EINVAL));
    kunit_check!(w.flags() & flags::DONTCOPY == 0);
    Ok(())
}

fn flags_invariants_pure() -> TestResult {
    let rw = flags::READ | flags::WRITE | flags::MAYREAD | flags::MAYWRITE;
    kunit_check!(check_flags_change(rw, flags::DONTCOPY, 0) == Ok(rw | flags::DONTCOPY));
    kunit_check!(check_flags_change(rw, 0, flags::WRITE) == Ok(rw & !flags::WRITE));
    // Clearing MAYWRITE while WRITE stays set breaks WRITE => MAYWRITE.
    kunit_check!(check_flags_change(rw, 0, flags::MAYWRITE).is_err());
    // EXEC needs MAYEXEC, which this VMA lacks and cannot gain.
    kunit_check!(check_flags_change(rw, flags::EXEC, 0).is_err());
    kunit_check!(check_flags_change(rw, flags::EXEC | flags::MAYEXEC, 0).is_err());
    // Access is only ever dropped here: WRITE cannot come back even with MAYWRITE (that is
    // `mprotect`'s, with its accounting, LSM hook and MDWE check).
    let ro = rw & !flags::WRITE;
    kunit_check!(check_flags_change(ro, flags::WRITE, 0).is_err());
    kunit_check!(check_flags_change(rw, 0, flags::READ) == Ok(rw & !flags::READ));
    Ok(())
}

fn vma_start_write_refuses_another_mms_vma() -> TestResult {
    // A second address space with the same regions, kept alive (and its VMAs with it) by an
    // extra `mmget` reference after this thread stops using it.
    let other = {
        let t2 = TestMm::new()?;
        t2.mm.clone()
    };
    let t = TestMm::new()?;
    let mut root = root_ctx!();
    let (mmap, mut c1) = t.mm.mmap_write_lock(&mut root);
    // A trylock under the write guard yields a token at the same level...
    let (mmap2, mut c2) = other.mmap_read_trylock(&mut c1).ok_or(TestError::Failed)?;
    let foreign = mmap2.vma_lookup(A.0).ok_or(TestError::Failed)?;
    // ... but the other mm's VMA cannot be write-locked under this mm's mmap write lock.
    kunit_check!(mmap.vma_start_write(&mut c2, foreign).is_none());
    kunit_check!(mmap.vma_write_at(&mut c2, A.0).is_some());
    Ok(())
}

fn vma_write_at_misses_unmapped() -> TestResult {
    let t = TestMm::new()?;
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_write_lock(&mut root);
    kunit_check!(mmap.vma_write_at(&mut ctx, B.1).is_none());
    Ok(())
}

fn lock_vma_prefers_vma_lock() -> TestResult {
    let t = TestMm::new()?;
    let mut root = root_ctx!();
    let (vma, _ctx) = t.mm.lock_vma(&mut root, C.0).ok_or(TestError::Failed)?;
    kunit_check_eq!(vma.start(), C.0);
    // Without per-VMA locks `lock_vma` degrades to the mmap read lock.
    kunit_check_eq!(vma.is_vma_locked(), cfg!(CONFIG_PER_VMA_LOCK));
    kunit_check_eq!(mmap_write_free(&t.mm), cfg!(CONFIG_PER_VMA_LOCK));
    Ok(())
}

fn lock_vma_misses_unmapped() -> TestResult {
    let t = TestMm::new()?;
    let mut root = root_ctx!();
    kunit_check!(t.mm.lock_vma(&mut root, B.1).is_none());
    // The fallback released the mmap lock it took.
    kunit_check!(mmap_write_free(&t.mm));
    Ok(())
}

/// `mem::forget` on a guard is not a type error; lockdep's count, which every trampoline checks
/// with [`HeldLocks`], sees the lock still held.
fn forgotten_guards_are_counted_by_held_locks() -> TestResult {
    if !cfg!(CONFIG_LOCKDEP) {
        kunit_skip!("needs CONFIG_LOCKDEP");
    }
    let t = TestMm::new()?;
    let mut root = root_ctx!();
    let held = HeldLocks::now();
    let (mmap, _ctx) = t.mm.mmap_read_lock(&mut root);
    core::mem::forget(mmap);
    // The root token is usable again, but the mmap lock is still held: one lock more.
    let leaked = held.leaked();
    // SAFETY: Releases the mmap read lock that the forgotten guard held, as its `drop` would.
    unsafe { bindings::mmap_read_unlock(t.mm.as_raw()) };
    kunit_check_eq!(leaked, 1);
    kunit_check_eq!(held.leaked(), 0);
    let Some((vma, _ctx)) = t.mm.lock_vma_under_rcu(&mut root, A.0) else {
        kunit_skip!("lock_vma_under_rcu failed optimistically (or no CONFIG_PER_VMA_LOCK)");
    };
    let raw = vma.as_ptr();
    core::mem::forget(vma);
    let leaked = held.leaked();
    // SAFETY: Releases the VMA read lock that the forgotten guard held, as its `drop` would.
    unsafe { bindings::vma_end_read(raw) };
    kunit_check_eq!(leaked, 1);
    kunit_check_eq!(held.leaked(), 0);
    Ok(())
}

mm_suite!(
    rust_mm_handles,
    [
        kthread_has_no_mm,
        current_mm_after_use_mm,
        mmget_not_zero_while_users,
        mmgrab_outlives_users,
        put_async_drops_user,
    ]
);

mm_suite!(
    rust_mm_mmap_lock,
    [
        mmap_read_lock_blocks_writers,
        mmap_read_trylock_uncontended,
        mmap_read_lock_killable_uncontended,
        mmap_killable_locks_fail_with_eintr,
        mmap_write_lock_excludes_all,
        mmap_write_lock_killable_uncontended,
        vma_lookup_boundaries,
        find_vma_returns_next,
        vma_iteration_order_and_count,
        vma_ref_fields,
        forgotten_guards_are_counted_by_held_locks,
    ]
);

mm_suite!(
    rust_mm_vma_lock,
    [
        vma_read_lock_without_mmap_lock,
        vma_read_lock_misses_unmapped,
        vma_read_lock_under_mmap_read_lock,
        vma_write_lock_blocks_vma_readers,
        downgrade_keeps_mm_and_reenables_vma_readers,
        flags_change_visible_to_later_reader,
        flags_change_updates_page_prot,
        flags_change_rejects_fixed_bits,
        flags_invariants_pure,
        vma_write_at_misses_unmapped,
        mod_flags_needs_proof_for_this_vma,
        clearing_write_needs_a_fault_to_map_again,
        vma_start_write_refuses_another_mms_vma,
        lock_vma_prefers_vma_lock,
        lock_vma_misses_unmapped,
    ]
);
