// SPDX-License-Identifier: GPL-2.0

//! KUnit suite for the driver side: a test device implemented with [`MiscDevice`] and
//! [`VmOperations`] is opened as a real file (`anon_inode_getfile` on its `file_operations`)
//! and mapped into the test's own address space, so the `mmap`, `fault`, `open` and `close`
//! trampolines run exactly as for a process.

use super::tests::{root_ctx, user_read, user_write, TestMm, D, PROT_RW};
use crate::{
    alloc::flags::{__GFP_ZERO, GFP_KERNEL},
    bindings,
    error::{code::*, Result},
    fs::File,
    miscdevice::{MiscDevice, MiscDeviceRegistration},
    mm::kunit_util::{kunit_check, kunit_check_eq, mm_suite, TestError, TestResult},
    mm::{
        fault::{Proceed, VmFault, VmFaultResult},
        order::{Ctx, MmapLock},
        pgtable::{Pte, PteGuard},
        rmap::AddressSpace,
        virt::{flags, VmaRef},
        vm_ops::{VmOperations, VmOpsTable, VmaDesc, VmaNew},
    },
    page::{Page, PAGE_SIZE},
    sync::{Arc, ArcBorrow},
    types::ForeignOwnable,
};
use core::sync::atomic::{AtomicUsize, Ordering};

/// Pages of the test device's buffer; the mapping may be longer (SIGBUS past it).
const PAGES: usize = 2;

/// Number of live `Buf`s, to check that every reference taken by the trampolines is dropped.
static LIVE: AtomicUsize = AtomicUsize::new(0);

/// Live `Buf`s once every deferred `fput` has run (kernel threads defer the final `fput` of a
/// file, e.g. the one `exit_mmap` does for a VMA's `vm_file`).
fn live() -> usize {
    // SAFETY: FFI call without requirements; runs the pending deferred `fput`s.
    unsafe { bindings::flush_delayed_fput() };
    LIVE.load(Ordering::Relaxed)
}

#[derive(Clone, Copy, PartialEq)]
enum SetPage {
    No,
    Yes,
    ThenSigbus,
    /// Return `0` without setting a page, as a `proceed()` result carried over from another
    /// callback would.
    ZeroWithoutPage,
}

pub(super) struct Buf {
    /// Map with `VM_PFNMAP` + `vmf_insert_pfn` instead of `VM_MIXEDMAP` + `vm_insert_page`.
    pfnmap: bool,
    /// Map with [`TEST_NOFAULT_VM_OPS`], whose VMAs have no `fault` callback.
    no_fault: bool,
    /// Make `mmap` fail after installing the vm_ops (with `MAP_SHARED` mappings of 3 pages).
    fail_3_pages: bool,
    /// `fault` returns the page through `set_page` (set twice: page 0, then the faulting one)
    /// instead of inserting it; with `SetPage::ThenSigbus` it then returns SIGBUS after all.
    set_page: SetPage,
    pages: [Page; PAGES],
    faults: AtomicUsize,
    opens: AtomicUsize,
    closes: AtomicUsize,
    pfn_mkwrites: AtomicUsize,
    accesses: AtomicUsize,
}

impl Drop for Buf {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::Relaxed);
    }
}

pub(super) static TEST_VM_OPS: VmOpsTable<TestVma> = VmOpsTable::new();
static OTHER_VM_OPS: VmOpsTable<TestVma> = VmOpsTable::new();

pub(super) struct TestVma;

#[macros::vtable]
impl VmOperations for TestVma {
    type Owner = Buf;
    type Data = Arc<Buf>;

    fn open(buf: &Buf, _vma: &VmaRef) {
        buf.opens.fetch_add(1, Ordering::Relaxed);
    }

    fn close(buf: &Buf, _vma: &VmaRef) {
        buf.closes.fetch_add(1, Ordering::Relaxed);
    }

    fn fault(buf: &Buf, vmf: &mut VmFault<'_>) -> VmFaultResult {
        let Some(page) = buf.pages.get(vmf.pgoff()) else {
            return VmFaultResult::SIGBUS;
        };
        if buf.set_page == SetPage::ZeroWithoutPage {
            buf.faults.fetch_add(1, Ordering::Relaxed);
            return VmFaultResult::ZERO;
        }
        if buf.set_page != SetPage::No {
            buf.faults.fetch_add(1, Ordering::Relaxed);
            // The first page is replaced (its reference dropped) by the second call.
            let _ = vmf.set_page(&buf.pages[0]);
            let done = vmf.set_page(page);
            if buf.set_page == SetPage::ThenSigbus {
                // The trampoline drops the reference `set_page` took.
                return VmFaultResult::SIGBUS;
            }
            return done;
        }
        match vmf.insert_page(page) {
            Ok(done) => {
                if !done.raced() {
                    buf.faults.fetch_add(1, Ordering::Relaxed);
                }
                done.into()
            }
            Err(e) => VmFaultResult::from_error(e),
        }
    }
}

/// VMAs without a `fault` callback: pages unmapped from them would not come back, so
/// `VmaWriteGuard::mod_flags` refuses to clear `VM_WRITE` on them.
pub(super) struct TestNoFaultVma;

pub(super) static TEST_NOFAULT_VM_OPS: VmOpsTable<TestNoFaultVma> = VmOpsTable::new();

#[macros::vtable]
impl VmOperations for TestNoFaultVma {
    type Owner = Buf;
    type Data = Arc<Buf>;
}

/// The `VM_PFNMAP` flavour: PFN inserts, and the callbacks only such mappings get from the
/// core: `pfn_mkwrite` (write-notify on a read-only PFN entry) and `access` (GUP refuses
/// `VM_IO | VM_PFNMAP`, so `access_remote_vm` asks the driver).
struct TestPfnVma;

static TEST_PFN_VM_OPS: VmOpsTable<TestPfnVma> = VmOpsTable::new();

#[macros::vtable]
impl VmOperations for TestPfnVma {
    type Owner = Buf;
    type Data = Arc<Buf>;

    fn fault(buf: &Buf, vmf: &mut VmFault<'_>) -> VmFaultResult {
        let Some(page) = buf.pages.get(vmf.pgoff()) else {
            return VmFaultResult::SIGBUS;
        };
        let Some(vma) = vmf.as_pfnmap() else {
            return VmFaultResult::SIGBUS;
        };
        let addr = vmf.address();
        // SAFETY: The page belongs to `buf`, which every VMA of ours keeps alive.
        let ret = unsafe { vma.vmf_insert_pfn(vmf.ctx(), addr, pfn_of(page)) };
        if ret.is_nopage() {
            buf.faults.fetch_add(1, Ordering::Relaxed);
        }
        ret
    }

    fn pfn_mkwrite(buf: &Buf, vmf: &mut VmFault<'_, Proceed>) -> VmFaultResult {
        // Only write faults may get here; a read would then fail with SIGBUS and the test too.
        if !vmf.is_write() {
            return VmFaultResult::SIGBUS;
        }
        buf.pfn_mkwrites.fetch_add(1, Ordering::Relaxed);
        // Let the core make the entry writable.
        vmf.proceed()
    }

    fn access(
        buf: &Buf,
        vma: &VmaRef,
        _ctx: &mut Ctx<'_, MmapLock>,
        addr: usize,
        out: &mut [u8],
        write: bool,
    ) -> Result<usize> {
        if write {
            return Err(EPERM);
        }
        let off = addr - vma.start() + vma.pgoff() * PAGE_SIZE;
        let page = buf.pages.get(off / PAGE_SIZE).ok_or(EFAULT)?;
        let n = out.len().min(PAGE_SIZE - off % PAGE_SIZE);
        // SAFETY: `out` is valid for `n` bytes; in these tests nothing writes the page while the
        // mmap read lock is held for `access`.
        unsafe { page.read_raw(out.as_mut_ptr(), off % PAGE_SIZE, n)? };
        buf.accesses.fetch_add(1, Ordering::Relaxed);
        Ok(n)
    }
}

struct TestDev;

#[macros::vtable]
impl MiscDevice for TestDev {
    type Ptr = Arc<Buf>;

    fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<Arc<Buf>> {
        Err(ENODEV) // Files are made by `TestFile::new` in these tests.
    }

    fn mmap(
        buf: ArcBorrow<'_, Buf>,
        _file: &File,
        vma: VmaNew<'_>,
        _ctx: &mut Ctx<'_, MmapLock>,
    ) -> Result {
        if vma.flags() & flags::MAYSHARE == 0 {
            return Err(EINVAL);
        }
        vma.set_dontexpand();
        let fail = buf.fail_3_pages && vma.len() == 3 * PAGE_SIZE;
        if buf.pfnmap {
            vma.set_pfnmap()?.set_vm_ops(&TEST_PFN_VM_OPS, buf.into());
        } else if buf.no_fault {
            vma.set_mixedmap()?
                .set_vm_ops(&TEST_NOFAULT_VM_OPS, buf.into());
        } else {
            vma.set_mixedmap()?.set_vm_ops(&TEST_VM_OPS, buf.into());
        }
        if fail {
            return Err(ENOSPC);
        }
        Ok(())
    }
}

/// The same device with `mmap_prepare` instead of `mmap`.
struct TestPrepDev;

#[macros::vtable]
impl MiscDevice for TestPrepDev {
    type Ptr = Arc<Buf>;

    fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<Arc<Buf>> {
        Err(ENODEV) // Files are made by `TestFile::new_prepared` in these tests.
    }

    fn mmap_prepare<'a>(
        buf: ArcBorrow<'a, Buf>,
        _file: &'a File,
        desc: VmaDesc<'a>,
        _ctx: &mut Ctx<'_, MmapLock>,
    ) -> Result {
        if desc.flags() & flags::MAYSHARE == 0 {
            return Err(EINVAL);
        }
        let (pages, fail) = (desc.len() / PAGE_SIZE, buf.fail_3_pages);
        if pages == 1 {
            // No special flag: the core may merge the range into a neighbouring VMA of ours.
            desc.set_vm_ops(&TEST_VM_OPS, buf);
        } else {
            desc.set_dontexpand();
            desc.set_mixedmap()?.set_vm_ops(&TEST_VM_OPS, buf);
        }
        if fail && pages == 3 {
            return Err(ENOSPC);
        }
        Ok(())
    }
}

/// An open file of the test device (its `release` runs on the last `fput`).
pub(super) struct TestFile {
    file: *mut bindings::file,
    pub(super) buf: Arc<Buf>,
}

impl TestFile {
    pub(super) fn new() -> core::result::Result<Self, TestError> {
        Self::with_kind(false)
    }

    fn with_kind(pfnmap: bool) -> core::result::Result<Self, TestError> {
        Self::with_mode(pfnmap, SetPage::No)
    }

    /// A file of the `mmap_prepare` flavour of the device.
    fn new_prepared() -> core::result::Result<Self, TestError> {
        Self::build(
            false,
            false,
            SetPage::No,
            MiscDeviceRegistration::<TestPrepDev>::fops(),
        )
    }

    /// A file whose mappings get [`TEST_NOFAULT_VM_OPS`].
    pub(super) fn without_fault() -> core::result::Result<Self, TestError> {
        Self::build(
            false,
            true,
            SetPage::No,
            MiscDeviceRegistration::<TestDev>::fops(),
        )
    }

    fn with_mode(pfnmap: bool, set_page: SetPage) -> core::result::Result<Self, TestError> {
        Self::build(
            pfnmap,
            false,
            set_page,
            MiscDeviceRegistration::<TestDev>::fops(),
        )
    }

    fn build(
        pfnmap: bool,
        no_fault: bool,
        set_page: SetPage,
        fops: &'static bindings::file_operations,
    ) -> core::result::Result<Self, TestError> {
        let page = || Page::alloc_page(GFP_KERNEL | __GFP_ZERO).map_err(|_| TestError::Failed);
        let buf = Arc::new(
            Buf {
                pfnmap,
                no_fault,
                fail_3_pages: true,
                set_page,
                pages: [page()?, page()?],
                faults: AtomicUsize::new(0),
                opens: AtomicUsize::new(0),
                closes: AtomicUsize::new(0),
                pfn_mkwrites: AtomicUsize::new(0),
                accesses: AtomicUsize::new(0),
            },
            GFP_KERNEL,
        )
        .map_err(|_| TestError::Failed)?;
        LIVE.fetch_add(1, Ordering::Relaxed);
        let private = buf.clone().into_foreign();
        // SAFETY: The fops are valid for the kernel's lifetime; `private` is released by the
        // `release` trampoline on the last `fput`.
        let file = unsafe {
            bindings::anon_inode_getfile(
                crate::str::CStrExt::as_char_ptr(crate::c_str!("rust-mm-test-dev")),
                fops,
                private.cast(),
                bindings::O_RDWR as i32,
            )
        };
        if file.is_null() || (file as usize) >= (-4095isize) as usize {
            // SAFETY: Not handed to a file: take the reference back.
            drop(unsafe { Arc::<Buf>::from_foreign(private) });
            crate::pr_err!("    # anon_inode_getfile failed\n");
            return Err(TestError::Failed);
        }
        Ok(TestFile { file, buf })
    }

    fn faults(&self) -> usize {
        self.buf.faults.load(Ordering::Relaxed)
    }
}

impl Drop for TestFile {
    fn drop(&mut self) {
        // SAFETY: We own the reference from `anon_inode_getfile`. Kernel threads defer the
        // final `fput`; flush it so `release` has run when this returns.
        unsafe {
            bindings::fput(self.file);
            bindings::flush_delayed_fput();
        }
    }
}

/// `mmap(addr, pages, PROT_READ | PROT_WRITE, kind | MAP_FIXED, file, 0)`; returns the result.
pub(super) fn map(f: &TestFile, addr: usize, pages: usize, kind: u32) -> isize {
    map_at(f, addr, pages, kind, 0)
}

/// As [`map`], at file page `pgoff`.
fn map_at(f: &TestFile, addr: usize, pages: usize, kind: u32, pgoff: usize) -> isize {
    // SAFETY: The test kthread uses the test mm; we hold a reference on the file.
    let ret = unsafe {
        bindings::vm_mmap(
            f.file,
            addr,
            pages * PAGE_SIZE,
            PROT_RW as usize,
            (kind | bindings::MAP_FIXED) as usize,
            pgoff * PAGE_SIZE,
        )
    };
    ret as isize
}

fn pfn_of(page: &Page) -> usize {
    // SAFETY: Reading the pfn of a live page.
    unsafe { bindings::page_to_pfn(page.as_ptr()) }
}

fn mmap_trampoline_installs_vm_ops() -> TestResult {
    let t = TestMm::new()?;
    let f = TestFile::new()?;
    kunit_check_eq!(map(&f, D.0, 2, bindings::MAP_SHARED), D.0 as isize);
    let mut root = root_ctx!();
    let (mmap, _ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(D.0).ok_or(TestError::Failed)?;
    kunit_check!(TEST_VM_OPS.owns(vma, &*f.buf).is_some());
    kunit_check!(
        vma.flags() & (flags::MIXEDMAP | flags::DONTEXPAND) == flags::MIXEDMAP | flags::DONTEXPAND
    );
    kunit_check!(vma.as_mixedmap_vma().is_some() && vma.as_pfnmap().is_none());
    Ok(())
}

fn mmap_trampoline_returns_driver_error() -> TestResult {
    let _t = TestMm::new()?;
    let before = live();
    let f = TestFile::new()?;
    kunit_check_eq!(
        map(&f, D.0, 2, bindings::MAP_PRIVATE),
        EINVAL.to_errno() as isize
    );
    kunit_check_eq!(f.buf.opens.load(Ordering::Relaxed), 0);
    drop(f);
    // Nothing was left behind: no VMA holds a reference, `release` dropped the file's.
    kunit_check_eq!(live(), before);
    Ok(())
}

fn mmap_failure_after_set_vm_ops_releases_data() -> TestResult {
    let _t = TestMm::new()?;
    let before = live();
    let f = TestFile::new()?;
    kunit_check_eq!(
        map(&f, D.0, 3, bindings::MAP_SHARED),
        ENOSPC.to_errno() as isize
    );
    // The trampoline ran `close` for the installed ops (the core runs no hook after a failed
    // `->mmap`), so the VMA's reference is gone with the file's.
    kunit_check_eq!(f.buf.closes.load(Ordering::Relaxed), 1);
    drop(f);
    kunit_check_eq!(live(), before);
    Ok(())
}

fn fault_trampoline_inserts_driver_page() -> TestResult {
    let t = TestMm::new()?;
    let f = TestFile::new()?;
    kunit_check_eq!(map(&f, D.0, 2, bindings::MAP_SHARED), D.0 as isize);
    user_write(D.0 + PAGE_SIZE, 7)?;
    kunit_check_eq!(f.faults(), 1);
    let pte = pte_at(&t, D.0 + PAGE_SIZE)?;
    kunit_check!(pte.is_present());
    kunit_check_eq!(pte.pfn(), pfn_of(&f.buf.pages[1]));
    Ok(())
}

/// The page-table entry for `addr` in the test mm, read under its PTE lock.
fn pte_at(t: &TestMm, addr: usize) -> core::result::Result<Pte, TestError> {
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(addr).ok_or(TestError::Failed)?;
    let (pte, _) = PteGuard::lock(&mut ctx, vma, addr).ok_or(TestError::Failed)?;
    Ok(pte.get())
}

/// The reference count of a page (`page_ref_count`).
fn page_refs(page: &Page) -> i32 {
    // SAFETY: `page` is live; this reads its reference count once.
    unsafe { core::ptr::read_volatile(&raw const (*page.as_ptr())._refcount.counter) }
}

fn fault_set_page_maps_the_page() -> TestResult {
    let t = TestMm::new()?;
    let f = TestFile::with_mode(false, SetPage::Yes)?;
    let before = [page_refs(&f.buf.pages[0]), page_refs(&f.buf.pages[1])];
    kunit_check_eq!(map(&f, D.0, 2, bindings::MAP_SHARED), D.0 as isize);
    user_write(D.0 + PAGE_SIZE, 9)?;
    kunit_check_eq!(f.faults(), 1);
    kunit_check_eq!(pte_at(&t, D.0 + PAGE_SIZE)?.pfn(), pfn_of(&f.buf.pages[1]));
    // The replaced page got its reference back; the mapped one holds the mapping's.
    kunit_check_eq!(page_refs(&f.buf.pages[0]), before[0]);
    kunit_check!(page_refs(&f.buf.pages[1]) > before[1]);
    drop(t);
    kunit_check_eq!(page_refs(&f.buf.pages[1]), before[1]);
    Ok(())
}

fn fault_set_page_then_error_drops_the_reference() -> TestResult {
    let _t = TestMm::new()?;
    let f = TestFile::with_mode(false, SetPage::ThenSigbus)?;
    let before = [page_refs(&f.buf.pages[0]), page_refs(&f.buf.pages[1])];
    kunit_check_eq!(map(&f, D.0, 2, bindings::MAP_SHARED), D.0 as isize);
    kunit_check!(user_write(D.0 + PAGE_SIZE, 1) == Err(EFAULT));
    kunit_check_eq!(f.faults(), 1);
    kunit_check_eq!(page_refs(&f.buf.pages[0]), before[0]);
    kunit_check_eq!(page_refs(&f.buf.pages[1]), before[1]);
    Ok(())
}

fn mkclean_and_clear_young_ranges_on_our_vma() -> TestResult {
    let t = TestMm::new()?;
    let f = TestFile::new()?;
    kunit_check_eq!(map(&f, D.0, 2, bindings::MAP_SHARED), D.0 as isize);
    user_write(D.0, 1)?;
    user_write(D.0 + PAGE_SIZE, 2)?;
    let mut root = root_ctx!();
    {
        let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
        let vma = mmap.vma_lookup(D.0).ok_or(TestError::Failed)?;
        let ours = TEST_VM_OPS.owns(vma, &*f.buf).ok_or(TestError::Failed)?;
        let end = D.0 + 2 * PAGE_SIZE;
        kunit_check_eq!(ours.clear_young_range(&mut ctx, D.0, end)?, 2);
        kunit_check_eq!(ours.clear_young_range(&mut ctx, D.0, end)?, 0);
        kunit_check_eq!(ours.mkclean_range(&mut ctx, D.0, end)?, 2);
        kunit_check_eq!(ours.mkclean_range(&mut ctx, D.0, end)?, 0);
        // Ranges are checked: unaligned, empty, or outside the VMA.
        kunit_check!(ours.mkclean_range(&mut ctx, D.0 + 1, end) == Err(EINVAL));
        kunit_check!(ours.mkclean_range(&mut ctx, D.0, D.0) == Err(EINVAL));
        kunit_check!(ours.clear_young_range(&mut ctx, D.0, end + PAGE_SIZE) == Err(EINVAL));
        let (pte, _) = PteGuard::lock(&mut ctx, vma, D.0).ok_or(TestError::Failed)?;
        kunit_check!(pte.get().is_present() && !pte.get().is_dirty() && !pte.get().is_writable());
    }
    // The data survived; the next write makes the entry writable and dirty again.
    kunit_check_eq!(user_read(D.0)?, 1);
    user_write(D.0, 3)?;
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(D.0).ok_or(TestError::Failed)?;
    let (pte, _) = PteGuard::lock(&mut ctx, vma, D.0).ok_or(TestError::Failed)?;
    kunit_check!(pte.get().is_dirty() && pte.get().is_writable());
    Ok(())
}

fn fault_zero_without_page_is_sigbus() -> TestResult {
    let _t = TestMm::new()?;
    let f = TestFile::with_mode(false, SetPage::ZeroWithoutPage)?;
    kunit_check_eq!(map(&f, D.0, 2, bindings::MAP_SHARED), D.0 as isize);
    // The trampoline turns the page-less `0` into SIGBUS: the copy fails, nothing is mapped.
    kunit_check!(user_write(D.0, 1) == Err(EFAULT));
    kunit_check_eq!(f.faults(), 1);
    Ok(())
}

fn fault_trampoline_sigbus_past_buffer() -> TestResult {
    let _t = TestMm::new()?;
    let f = TestFile::new()?;
    kunit_check_eq!(map(&f, D.0, 4, bindings::MAP_SHARED), D.0 as isize);
    // Page 3 is past the 2-page buffer: the fault returns SIGBUS, the user copy fails.
    kunit_check!(user_write(D.0 + 3 * PAGE_SIZE, 1) == Err(EFAULT));
    kunit_check_eq!(f.faults(), 0);
    Ok(())
}

fn open_close_trampolines_count_references() -> TestResult {
    let t = TestMm::new()?;
    let before = live();
    let f = TestFile::new()?;
    kunit_check_eq!(map(&f, D.0, 4, bindings::MAP_SHARED), D.0 as isize);
    // Mapping over the middle page splits our VMA in three (two `open`s for the copies) and
    // unmaps the middle one (`close`).
    // SAFETY: The test kthread uses the test mm.
    let ret = unsafe {
        bindings::vm_mmap(
            core::ptr::null_mut(),
            D.0 + PAGE_SIZE,
            PAGE_SIZE,
            PROT_RW as usize,
            (bindings::MAP_PRIVATE | bindings::MAP_ANONYMOUS | bindings::MAP_FIXED) as usize,
            0,
        )
    };
    kunit_check_eq!(ret as usize, D.0 + PAGE_SIZE);
    // The split copied our VMA (`open`), then the middle copy was unmapped (`close`).
    kunit_check_eq!(f.buf.opens.load(Ordering::Relaxed), 2);
    kunit_check_eq!(f.buf.closes.load(Ordering::Relaxed), 1);
    drop(t);
    // Tearing the mm down closed the two remaining VMAs.
    kunit_check_eq!(f.buf.closes.load(Ordering::Relaxed), 3);
    drop(f);
    // Every reference taken by `mmap` and `open` was dropped by `close`, the file's by `release`.
    kunit_check_eq!(live(), before);
    Ok(())
}

fn owns_rejects_foreign_vmas() -> TestResult {
    let t = TestMm::new()?;
    let f = TestFile::new()?;
    kunit_check_eq!(map(&f, D.0, 2, bindings::MAP_SHARED), D.0 as isize);
    let mut root = root_ctx!();
    let (mmap, _ctx) = t.mm.mmap_read_lock(&mut root);
    let ours = mmap.vma_lookup(D.0).ok_or(TestError::Failed)?;
    let anon = mmap
        .vma_lookup(super::tests::A.0)
        .ok_or(TestError::Failed)?;
    kunit_check!(TEST_VM_OPS.owns(anon, &*f.buf).is_none());
    // A null owner matches nothing (an rmap walker may see a VMA of `mmap_prepare` with our
    // ops and no private data yet).
    kunit_check!(TEST_VM_OPS.owns(ours, core::ptr::null()).is_none());
    // Same Rust type, different table: not ours either.
    kunit_check!(OTHER_VM_OPS.owns(ours, &*f.buf).is_none());
    // Same table, another open file of the same driver: not this file's VMA.
    let other = TestFile::new()?;
    kunit_check!(TEST_VM_OPS.owns(ours, &*other.buf).is_none());
    let owned = TEST_VM_OPS.owns(ours, &*f.buf).ok_or(TestError::Failed)?;
    kunit_check!(core::ptr::eq(owned.owner(), &*f.buf));
    Ok(())
}

fn zap_forces_refault() -> TestResult {
    let t = TestMm::new()?;
    let f = TestFile::new()?;
    kunit_check_eq!(map(&f, D.0, 2, bindings::MAP_SHARED), D.0 as isize);
    user_write(D.0, 1)?;
    {
        let mut root = root_ctx!();
        let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
        let vma = mmap.vma_lookup(D.0).ok_or(TestError::Failed)?;
        let ours = TEST_VM_OPS.owns(vma, &*f.buf).ok_or(TestError::Failed)?;
        ours.zap_vma_range(&mut ctx, D.0, PAGE_SIZE)?;
        // Outside the VMA, unaligned, or overflowing: refused (`zap_pte_range` would walk past
        // its table).
        kunit_check!(ours.zap_vma_range(&mut ctx, D.0, 3 * PAGE_SIZE) == Err(EINVAL));
        kunit_check!(ours.zap_vma_range(&mut ctx, D.0 + 8, PAGE_SIZE) == Err(EINVAL));
        kunit_check!(ours.zap_vma_range(&mut ctx, D.0, PAGE_SIZE + 1) == Err(EINVAL));
        kunit_check!(ours.zap_vma_range(&mut ctx, D.0, usize::MAX) == Err(EINVAL));
        let pte = PteGuard::lock(&mut ctx, vma, D.0);
        kunit_check!(pte.is_some_and(|(p, _)| !p.get().is_present()));
    }
    user_write(D.0, 2)?;
    kunit_check_eq!(f.faults(), 2);
    Ok(())
}

fn unmap_mapping_range_zaps_all_mappings() -> TestResult {
    let t = TestMm::new()?;
    let f = TestFile::new()?;
    kunit_check_eq!(map(&f, D.0, 2, bindings::MAP_SHARED), D.0 as isize);
    kunit_check_eq!(map(&f, D.1, 2, bindings::MAP_SHARED), D.1 as isize);
    user_write(D.0, 1)?;
    user_write(D.1, 1)?;
    kunit_check_eq!(f.faults(), 2);
    // SAFETY: We hold a reference on the file.
    let file = unsafe { File::from_raw_file(f.file) };
    let mut root = root_ctx!();
    AddressSpace::of_file(file).unmap_mapping_range(&mut root, 0, PAGE_SIZE, false);
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    for addr in [D.0, D.1] {
        let vma = mmap.vma_lookup(addr).ok_or(TestError::Failed)?;
        let present =
            PteGuard::lock(&mut ctx, vma, addr).is_some_and(|(p, _)| p.get().is_present());
        kunit_check!(!present);
    }
    Ok(())
}

fn vm_insert_page_under_mmap_lock() -> TestResult {
    let t = TestMm::new()?;
    let f = TestFile::new()?;
    kunit_check_eq!(map(&f, D.0, 2, bindings::MAP_SHARED), D.0 as isize);
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(D.0).ok_or(TestError::Failed)?;
    let mixed = vma.as_mixedmap_vma().ok_or(TestError::Failed)?;
    mixed.vm_insert_page(&mut ctx, D.0, &f.buf.pages[0])?;
    // Already there: EBUSY; outside the VMA: EINVAL.
    kunit_check!(mixed.vm_insert_page(&mut ctx, D.0, &f.buf.pages[0]) == Err(EBUSY));
    kunit_check!(mixed.vm_insert_page(&mut ctx, D.1, &f.buf.pages[0]) == Err(EINVAL));
    kunit_check!(PteGuard::lock(&mut ctx, vma, D.0).is_some_and(|(p, _)| p.get().is_present()));
    Ok(())
}

fn pfnmap_fault_inserts_pfn() -> TestResult {
    let t = TestMm::new()?;
    let f = TestFile::with_kind(true)?;
    kunit_check_eq!(map(&f, D.0, 2, bindings::MAP_SHARED), D.0 as isize);
    user_write(D.0 + PAGE_SIZE, 9)?;
    kunit_check_eq!(f.faults(), 1);
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(D.0).ok_or(TestError::Failed)?;
    kunit_check!(vma.as_pfnmap().is_some() && vma.as_mixedmap_vma().is_none());
    kunit_check!(vma.flags() & flags::IO != 0);
    let (pte, _) = PteGuard::lock(&mut ctx, vma, D.0 + PAGE_SIZE).ok_or(TestError::Failed)?;
    kunit_check_eq!(pte.get().pfn(), pfn_of(&f.buf.pages[1]));
    Ok(())
}

fn pfnmap_pfn_mkwrite_and_access() -> TestResult {
    let t = TestMm::new()?;
    let f = TestFile::with_kind(true)?;
    kunit_check_eq!(map(&f, D.0, 2, bindings::MAP_SHARED), D.0 as isize);
    // Read fault: `pfn_mkwrite` makes the core map shared PFNs read-only (write-notify).
    kunit_check_eq!(user_read(D.0 + PAGE_SIZE)?, 0);
    kunit_check_eq!(f.buf.pfn_mkwrites.load(Ordering::Relaxed), 0);
    {
        let mut root = root_ctx!();
        let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
        let vma = mmap.vma_lookup(D.0).ok_or(TestError::Failed)?;
        let (pte, _) = PteGuard::lock(&mut ctx, vma, D.0 + PAGE_SIZE).ok_or(TestError::Failed)?;
        kunit_check!(pte.get().is_present() && !pte.get().is_writable());
    }
    // The write goes through `pfn_mkwrite`, then the entry is writable.
    user_write(D.0 + PAGE_SIZE, 9)?;
    kunit_check_eq!(f.buf.pfn_mkwrites.load(Ordering::Relaxed), 1);
    kunit_check_eq!(f.faults(), 1);
    // GUP refuses VM_IO | VM_PFNMAP: `access_remote_vm` reads through our `access`.
    let mut b = [0u8; 1];
    // SAFETY: The mm is live; `b` is a kernel buffer of one byte.
    let n = unsafe {
        bindings::access_remote_vm(t.mm.as_raw(), D.0 + PAGE_SIZE, b.as_mut_ptr().cast(), 1, 0)
    };
    kunit_check_eq!(n, 1);
    kunit_check_eq!(b[0], 9);
    kunit_check_eq!(f.buf.accesses.load(Ordering::Relaxed), 1);
    Ok(())
}

fn vmf_insert_mixed_maps_pfn() -> TestResult {
    let t = TestMm::new()?;
    let f = TestFile::new()?;
    kunit_check_eq!(map(&f, D.0, 2, bindings::MAP_SHARED), D.0 as isize);
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(D.0).ok_or(TestError::Failed)?;
    let mixed = vma.as_mixedmap_vma().ok_or(TestError::Failed)?;
    let pfn = pfn_of(&f.buf.pages[0]);
    // SAFETY: The page belongs to the file's buffer, which outlives the mapping (the mm is torn
    // down first).
    let ret = unsafe { mixed.vmf_insert_mixed(&mut ctx, D.0, pfn) };
    kunit_check!(ret.is_nopage());
    // SAFETY: As above; outside the VMA the insert is refused.
    let ret = unsafe { mixed.vmf_insert_mixed(&mut ctx, D.1, pfn) };
    kunit_check_eq!(ret, VmFaultResult::SIGBUS);
    let (pte, _) = PteGuard::lock(&mut ctx, vma, D.0).ok_or(TestError::Failed)?;
    kunit_check_eq!(pte.get().pfn(), pfn);
    Ok(())
}

fn mmap_prepare_vma_takes_its_reference_when_mapped() -> TestResult {
    let t = TestMm::new()?;
    let before = live();
    let f = TestFile::new_prepared()?;
    kunit_check_eq!(map(&f, D.0, 2, bindings::MAP_SHARED), D.0 as isize);
    {
        let mut root = root_ctx!();
        let (mmap, _ctx) = t.mm.mmap_read_lock(&mut root);
        let vma = mmap.vma_lookup(D.0).ok_or(TestError::Failed)?;
        // The descriptor's settings reached the VMA, which `owns` recognises as ours.
        kunit_check!(TEST_VM_OPS.owns(vma, &*f.buf).is_some());
        kunit_check!(
            vma.flags() & (flags::MIXEDMAP | flags::DONTEXPAND)
                == flags::MIXEDMAP | flags::DONTEXPAND
        );
    }
    // Faults reach the driver through the `mmap_prepare` table too.
    user_write(D.0 + PAGE_SIZE, 7)?;
    kunit_check_eq!(user_read(D.0 + PAGE_SIZE)?, 7);
    kunit_check_eq!(f.faults(), 1);
    drop(t);
    kunit_check_eq!(f.buf.closes.load(Ordering::Relaxed), 1);
    // `close` dropped the reference `mapped` took, not the file's: the buffer is still alive.
    kunit_check_eq!(live(), before + 1);
    drop(f);
    kunit_check_eq!(live(), before);
    Ok(())
}

fn mmap_prepare_merged_range_holds_nothing() -> TestResult {
    let t = TestMm::new()?;
    let before = live();
    let f = TestFile::new_prepared()?;
    kunit_check_eq!(map_at(&f, D.0, 1, bindings::MAP_SHARED, 0), D.0 as isize);
    // The next page of the file right after it: the core merges the new range into our VMA
    // (no special flag), creates no VMA and calls no `mapped`.
    let next = D.0 + PAGE_SIZE;
    kunit_check_eq!(map_at(&f, next, 1, bindings::MAP_SHARED, 1), next as isize);
    {
        let mut root = root_ctx!();
        let (mmap, _ctx) = t.mm.mmap_read_lock(&mut root);
        let vma = mmap.vma_lookup(D.0).ok_or(TestError::Failed)?;
        kunit_check_eq!(vma.end(), D.0 + 2 * PAGE_SIZE);
    }
    drop(t);
    // One VMA, one `close`, and no reference left over from the merged description.
    kunit_check_eq!(f.buf.closes.load(Ordering::Relaxed), 1);
    drop(f);
    kunit_check_eq!(live(), before);
    Ok(())
}

fn mmap_prepare_failure_holds_nothing() -> TestResult {
    let _t = TestMm::new()?;
    let before = live();
    let f = TestFile::new_prepared()?;
    // `mmap_prepare` fails after `set_vm_ops`: no VMA, no reference, no `close`.
    kunit_check_eq!(
        map(&f, D.0, 3, bindings::MAP_SHARED),
        ENOSPC.to_errno() as isize
    );
    kunit_check_eq!(
        map(&f, D.0, 2, bindings::MAP_PRIVATE),
        EINVAL.to_errno() as isize
    );
    kunit_check_eq!(f.buf.closes.load(Ordering::Relaxed), 0);
    drop(f);
    kunit_check_eq!(live(), before);
    Ok(())
}

mm_suite!(
    rust_mm_driver,
    [
        mmap_trampoline_installs_vm_ops,
        mmap_trampoline_returns_driver_error,
        mmap_failure_after_set_vm_ops_releases_data,
        fault_trampoline_inserts_driver_page,
        fault_trampoline_sigbus_past_buffer,
        fault_set_page_maps_the_page,
        fault_set_page_then_error_drops_the_reference,
        fault_zero_without_page_is_sigbus,
        mkclean_and_clear_young_ranges_on_our_vma,
        open_close_trampolines_count_references,
        owns_rejects_foreign_vmas,
        zap_forces_refault,
        unmap_mapping_range_zaps_all_mappings,
        vm_insert_page_under_mmap_lock,
        pfnmap_fault_inserts_pfn,
        pfnmap_pfn_mkwrite_and_access,
        vmf_insert_mixed_maps_pfn,
        mmap_prepare_vma_takes_its_reference_when_mapped,
        mmap_prepare_merged_range_holds_nothing,
        mmap_prepare_failure_holds_nothing,
    ]
);
