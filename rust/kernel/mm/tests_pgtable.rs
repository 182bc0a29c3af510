// SPDX-License-Identifier: GPL-2.0

//! KUnit suites for the page-table and rmap guards, on real address spaces and real files.

use super::tests::{root_ctx, user_read, user_write, TestMm, A, B, D, PROT_RW};
use crate::{
    bindings,
    mm::kunit_util::{kunit_check, kunit_check_eq, kunit_skip, mm_suite, TestError, TestResult},
    mm::{
        order::Ctx,
        pgtable::{PageTableLockGuard, PmdGuard, PteGuard, PMD_SIZE},
        rmap::AddressSpace,
        virt::flags,
    },
    page::PAGE_SIZE,
};

/// The pfn of the page mapped at `addr`, through `get_user_pages_fast` (independent of ours).
fn gup_pfn(addr: usize) -> core::result::Result<usize, TestError> {
    let mut page = core::ptr::null_mut();
    // SAFETY: The current kthread uses the test mm; one page pointer slot is provided.
    let n = unsafe { bindings::get_user_pages_fast(addr, 1, 0, &mut page) };
    kunit_check_eq!(n, 1);
    // SAFETY: `page` holds a reference from GUP, dropped right after reading the pfn.
    let pfn = unsafe { bindings::page_to_pfn(page) };
    // SAFETY: Drops the GUP reference.
    unsafe { bindings::put_page(page) };
    Ok(pfn)
}

/// A shmem file of `pages` pages, released with `fput` on drop.
struct ShmemFile(*mut bindings::file);

impl ShmemFile {
    fn new(pages: usize) -> core::result::Result<Self, TestError> {
        // SAFETY: FFI call with a valid name.
        let f = unsafe {
            bindings::shmem_file_setup(
                crate::str::CStrExt::as_char_ptr(crate::c_str!("rust-mm-test")),
                (pages * PAGE_SIZE) as i64,
                // An empty flag set (no `VM_NORESERVE`) is all zeroes.
                core::mem::zeroed(),
            )
        };
        kunit_check!(!f.is_null() && (f as usize) < (-4095isize) as usize);
        Ok(ShmemFile(f))
    }
}

impl Drop for ShmemFile {
    fn drop(&mut self) {
        // SAFETY: We own the reference from `shmem_file_setup`.
        unsafe { bindings::fput(self.0) };
    }
}

fn pte_none_before_first_touch() -> TestResult {
    let t = TestMm::new()?;
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(A.0).ok_or(TestError::Failed)?;
    // Nothing was ever faulted in this PMD range: no PTE table at all.
    kunit_check!(PteGuard::lock(&mut ctx, vma, A.0).is_none());
    kunit_check!(PmdGuard::lock(&mut ctx, vma, A.0).is_none());
    Ok(())
}

fn pte_present_after_touch() -> TestResult {
    let t = TestMm::new()?;
    user_write(A.0, 0x5a)?;
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(A.0).ok_or(TestError::Failed)?;
    let (pte, _) = PteGuard::lock(&mut ctx, vma, A.0).ok_or(TestError::Failed)?;
    let e = pte.get();
    kunit_check!(e.is_present() && !e.is_none());
    kunit_check!(e.is_writable() && e.is_dirty());
    kunit_check_eq!(pte.addr(), A.0);
    Ok(())
}

fn pte_pfn_matches_gup() -> TestResult {
    let t = TestMm::new()?;
    user_write(A.0 + PAGE_SIZE, 0x5a)?;
    let expect = gup_pfn(A.0 + PAGE_SIZE)?;
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(A.0).ok_or(TestError::Failed)?;
    let (pte, _) = PteGuard::lock(&mut ctx, vma, A.0 + PAGE_SIZE + 7).ok_or(TestError::Failed)?;
    kunit_check_eq!(pte.get().pfn(), expect);
    Ok(())
}

fn pte_walk_sees_exactly_touched_pages() -> TestResult {
    let t = TestMm::new()?;
    user_write(A.0, 0x5a)?;
    user_write(A.0 + 2 * PAGE_SIZE, 0x5a)?;
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(A.0).ok_or(TestError::Failed)?;
    let (mut pte, _) = PteGuard::lock(&mut ctx, vma, A.0).ok_or(TestError::Failed)?;
    let mut seen = [false; 4];
    let mut i = 0;
    loop {
        seen[i] = pte.get().is_present();
        i += 1;
        if !pte.advance() {
            break;
        }
    }
    // The walk stops at the VMA end (4 pages), within one PTE table.
    kunit_check_eq!(i, 4);
    kunit_check_eq!(seen, [true, false, true, false]);
    kunit_check_eq!(pte.addr(), A.1 - PAGE_SIZE);
    Ok(())
}

fn pte_count_present_batches_within_table_and_vma() -> TestResult {
    let t = TestMm::new()?;
    user_write(A.0, 0x5a)?;
    user_write(A.0 + 2 * PAGE_SIZE, 0x5a)?;
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(A.0).ok_or(TestError::Failed)?;
    let (mut pte, _) = PteGuard::lock(&mut ctx, vma, A.0).ok_or(TestError::Failed)?;
    // Clamped to the 4-page VMA; agrees with the entry-by-entry walk.
    kunit_check_eq!(pte.count_present(100), (2, 4));
    kunit_check_eq!(pte.count_present(2), (1, 2));
    kunit_check!(pte.advance());
    kunit_check_eq!(pte.count_present(100), (1, 3));
    Ok(())
}

/// `mprotect(2)` on the test mm, through the real system call (the architecture's entry point,
/// which takes the arguments in the registers of a `pt_regs`).
fn mprotect(addr: usize, len: usize, prot: u32) -> TestResult {
    extern "C" {
        #[cfg_attr(CONFIG_X86_64, link_name = "__x64_sys_mprotect")]
        #[cfg_attr(CONFIG_ARM64, link_name = "__arm64_sys_mprotect")]
        fn sys_mprotect(regs: *const bindings::pt_regs) -> core::ffi::c_long;
    }
    // SAFETY: All-zero is a valid `pt_regs`; the syscall reads its arguments from it.
    let mut regs: bindings::pt_regs = unsafe { core::mem::zeroed() };
    #[cfg(CONFIG_X86_64)]
    {
        regs.di = addr;
        regs.si = len;
        regs.dx = prot as usize;
    }
    #[cfg(CONFIG_ARM64)]
    {
        // The first argument is read from `orig_x0` (x0 as it was on entry), the others from
        // `regs[1..]`.
        regs.orig_x0 = addr as u64;
        let args = [addr as u64, len as u64, u64::from(prot)];
        // SAFETY: `user_regs` is the `regs[31], sp, pc, pstate` view of the union, all integers.
        unsafe { regs.__bindgen_anon_1.user_regs.regs[..3].copy_from_slice(&args) };
    }
    // SAFETY: The current kthread uses the test mm, which the syscall changes; `regs` is valid.
    let ret = unsafe { sys_mprotect(&regs) };
    kunit_check_eq!(ret, 0);
    Ok(())
}

fn pte_count_present_prot_none_counts_one() -> TestResult {
    let t = TestMm::new()?;
    user_write(A.0, 0x5a)?;
    user_write(A.0 + 3 * PAGE_SIZE, 0x5a)?;
    mprotect(A.0, A.1 - A.0, 0)?;
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(A.0).ok_or(TestError::Failed)?;
    let (pte, _) = PteGuard::lock(&mut ctx, vma, A.0).ok_or(TestError::Failed)?;
    // A PROT_NONE entry is present (`_PAGE_PROTNONE`): it counts once, not as its bit value.
    kunit_check!(pte.get().is_present() && !pte.get().is_writable());
    kunit_check_eq!(pte.count_present(100), (2, 4));
    Ok(())
}

/// Under a `PteGuard` the task is atomic (the PTE spinlock raised the preempt count), which is
/// what makes `might_sleep` in any sleeping call outside `kernel::mm` (`UserSlice` copies,
/// `GFP_KERNEL` allocations, `Mutex::lock`) report it under `CONFIG_DEBUG_ATOMIC_SLEEP`; the
/// token closes the calls inside `kernel::mm` by type.
fn pte_guard_is_atomic_for_might_sleep() -> TestResult {
    if !cfg!(CONFIG_DEBUG_ATOMIC_SLEEP) {
        kunit_skip!("needs CONFIG_DEBUG_ATOMIC_SLEEP");
    }
    let t = TestMm::new()?;
    user_write(A.0, 1)?;
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(A.0).ok_or(TestError::Failed)?;
    // SAFETY: Reads the current task's preempt count; no requirements.
    let outside = unsafe { bindings::preempt_count() };
    let (pte, _) = PteGuard::lock(&mut ctx, vma, A.0).ok_or(TestError::Failed)?;
    // SAFETY: As above.
    let inside = unsafe { bindings::preempt_count() };
    drop(pte);
    kunit_check!(inside > outside);
    // SAFETY: As above.
    kunit_check_eq!(unsafe { bindings::preempt_count() }, outside);
    Ok(())
}

fn pte_lock_outside_vma_is_none() -> TestResult {
    let t = TestMm::new()?;
    user_write(A.0, 0x5a)?;
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(A.0).ok_or(TestError::Failed)?;
    kunit_check!(PteGuard::lock(&mut ctx, vma, A.1).is_none());
    kunit_check!(PteGuard::lock(&mut ctx, vma, A.0 - 1).is_none());
    Ok(())
}

/// Hugetlb VMAs are refused by both walkers (`walk_to_pmd`): `include/linux/hugetlb.h`,
/// `hugetlb_walk`: a shared PMD table can be unshared and freed while the VMA stays stable, so
/// a stable VMA is not enough to walk one. The huge page is faulted in first, so a walk that did
/// not refuse would find its PMD table and lock it.
fn page_table_guards_refuse_hugetlb() -> TestResult {
    if !cfg!(CONFIG_HUGETLB_PAGE) {
        kunit_skip!("needs CONFIG_HUGETLBFS");
    }
    extern "C" {
        // `include/linux/syscalls.h`: `mmap(2)` as the system call makes it, `MAP_HUGETLB` too
        // (`vm_mmap` has no hugetlb file to map).
        fn ksys_mmap_pgoff(
            addr: usize,
            len: usize,
            prot: usize,
            flags: usize,
            fd: usize,
            pgoff: usize,
        ) -> usize;
    }
    // Away from the test regions, aligned to the huge page (2 MB: `PMD_SIZE` with 4K pages).
    const HUGE: (usize, usize) = (0x4000_0000, 0x4000_0000 + PMD_SIZE);
    let t = TestMm::new()?;
    let kind = bindings::MAP_PRIVATE
        | bindings::MAP_ANONYMOUS
        | bindings::MAP_FIXED
        | bindings::MAP_HUGETLB;
    // SAFETY: The current kthread uses the test mm; an anonymous mapping takes no file (`fd`).
    let ret = unsafe {
        ksys_mmap_pgoff(
            HUGE.0,
            PMD_SIZE,
            PROT_RW as usize,
            kind as usize,
            usize::MAX,
            0,
        )
    };
    if ret == crate::error::code::ENOMEM.to_errno() as usize {
        kunit_skip!("no free huge page (boot with hugepages=N)");
    }
    kunit_check_eq!(ret, HUGE.0);
    user_write(HUGE.0 + PAGE_SIZE, 0x5a)?;
    kunit_check_eq!(user_read(HUGE.0 + PAGE_SIZE)?, 0x5a);
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(HUGE.0).ok_or(TestError::Failed)?;
    kunit_check!(vma.flags() & flags::HUGETLB != 0);
    kunit_check!(PmdGuard::lock(&mut ctx, vma, HUGE.0).is_none());
    kunit_check!(PteGuard::lock(&mut ctx, vma, HUGE.0 + PAGE_SIZE).is_none());
    // The same walk on an ordinary VMA of the same mm still works.
    drop(mmap);
    user_write(A.0, 0x5a)?;
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(A.0).ok_or(TestError::Failed)?;
    kunit_check!(PmdGuard::lock(&mut ctx, vma, A.0).is_some());
    Ok(())
}

fn pte_clear_young_test_and_clear() -> TestResult {
    let t = TestMm::new()?;
    user_write(B.0, 0x5a)?;
    user_write(B.0 + PAGE_SIZE, 0x5a)?;
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(B.0).ok_or(TestError::Failed)?;
    let (mut pte, _) = PteGuard::lock(&mut ctx, vma, B.0).ok_or(TestError::Failed)?;
    kunit_check!(pte.get().is_young());
    // Test-and-clear: reports the old bit once, then finds it clear.
    kunit_check!(pte.clear_young());
    kunit_check!(!pte.get().is_young());
    kunit_check!(!pte.clear_young());
    // Only this entry changed: the neighbour is still young, and both stay present.
    kunit_check!(pte.get().is_present());
    kunit_check!(pte.advance());
    kunit_check!(pte.get().is_young() && pte.get().is_present());
    Ok(())
}

fn pte_mkclean_then_write_dirties_again() -> TestResult {
    let t = TestMm::new()?;
    user_write(B.0, 0x5a)?;
    let mut root = root_ctx!();
    {
        let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
        let vma = mmap.vma_lookup(B.0).ok_or(TestError::Failed)?;
        let (mut pte, _) = PteGuard::lock(&mut ctx, vma, B.0).ok_or(TestError::Failed)?;
        kunit_check!(pte.mkclean());
        let e = pte.get();
        kunit_check!(e.is_present() && !e.is_dirty() && !e.is_writable());
        kunit_check!(!pte.mkclean());
    }
    // The data survived cleaning; the page is write-protected, so the write faults and makes the
    // entry writable and dirty again.
    kunit_check_eq!(user_read(B.0)?, 0x5a);
    user_write(B.0, 0x5a)?;
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(B.0).ok_or(TestError::Failed)?;
    let (pte, _) = PteGuard::lock(&mut ctx, vma, B.0).ok_or(TestError::Failed)?;
    kunit_check!(pte.get().is_dirty() && pte.get().is_writable());
    Ok(())
}

fn pte_under_vma_read_lock() -> TestResult {
    let t = TestMm::new()?;
    user_write(A.0, 0x5a)?;
    let mut root = root_ctx!();
    let Some((vma, mut ctx)) = t.mm.lock_vma_under_rcu(&mut root, A.0) else {
        kunit_skip!("lock_vma_under_rcu failed optimistically");
    };
    let (pte, _) = PteGuard::lock(&mut ctx, &vma, A.0).ok_or(TestError::Failed)?;
    kunit_check!(pte.get().is_present());
    Ok(())
}

fn pmd_guard_on_populated_table() -> TestResult {
    let t = TestMm::new()?;
    user_write(A.0, 0x5a)?;
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(A.0).ok_or(TestError::Failed)?;
    let (pmd, _) = PmdGuard::lock(&mut ctx, vma, A.0).ok_or(TestError::Failed)?;
    kunit_check!(!pmd.is_none());
    kunit_check!(!pmd.is_leaf());
    Ok(())
}

/// Whether `mm->page_table_lock` is held (a trylock probe, released at once if it succeeds).
fn page_table_lock_held(mm: &crate::mm::Mm) -> bool {
    // SAFETY: `mm` is valid; a trylock never waits, and a successful one is released at once.
    unsafe {
        let lock = core::ptr::addr_of_mut!((*mm.as_raw()).__bindgen_anon_1.page_table_lock);
        if bindings::spin_trylock(lock) != 0 {
            bindings::spin_unlock(lock);
            false
        } else {
            true
        }
    }
}

fn page_table_lock_guard_holds_lock() -> TestResult {
    if !cfg!(CONFIG_SMP) {
        // A failed trylock on a uniprocessor kernel is itself a spinlock-debug bug report.
        kunit_skip!("needs CONFIG_SMP (the check is a trylock)");
    }
    let t = TestMm::new()?;
    let mut root = root_ctx!();
    let (mmap, mut ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(A.0).ok_or(TestError::Failed)?;
    {
        let (g, _) = PageTableLockGuard::lock(&mut ctx, vma);
        kunit_check!(page_table_lock_held(g.mm()));
    }
    kunit_check!(!page_table_lock_held(&t.mm));
    Ok(())
}

fn i_mmap_finds_both_mappings() -> TestResult {
    let t = TestMm::new()?;
    let file = ShmemFile::new(4)?;
    t.map_file(file.0, D.0, 4 * PAGE_SIZE, 0)?;
    t.map_file(file.0, D.1 + 4 * PAGE_SIZE, 2 * PAGE_SIZE, 2)?;
    // SAFETY: We hold a reference on the file.
    let f = unsafe { crate::fs::File::from_raw_file(file.0) };
    let mut root = root_ctx!();
    let (i_mmap, _ctx) = AddressSpace::of_file(f).i_mmap_lock_read(&mut root);
    let mut starts = [0usize; 3];
    let mut n = 0;
    for vma in i_mmap.vmas(0, usize::MAX) {
        kunit_check!(n < 2);
        kunit_check!(vma.file().is_some_and(|vf| vf.as_ptr() == file.0));
        starts[n] = vma.start();
        n += 1;
    }
    kunit_check_eq!(n, 2);
    starts[..2].sort_unstable();
    kunit_check_eq!(starts[..2], [D.0, D.1 + 4 * PAGE_SIZE]);
    // File page 0 is mapped only by the first mapping; page 3 by both.
    kunit_check_eq!(i_mmap.vmas(0, 0).count(), 1);
    kunit_check_eq!(i_mmap.vmas(3, 3).count(), 2);
    kunit_check_eq!(i_mmap.vmas(4, 100).count(), 0);
    Ok(())
}

fn i_mmap_write_guard_reads_and_releases() -> TestResult {
    let t = TestMm::new()?;
    let file = ShmemFile::new(1)?;
    t.map_file(file.0, D.0, PAGE_SIZE, 0)?;
    // SAFETY: We hold a reference on the file.
    let f = unsafe { crate::fs::File::from_raw_file(file.0) };
    let mut root = root_ctx!();
    {
        let (w, _ctx) = AddressSpace::of_file(f).i_mmap_lock_write(&mut root);
        kunit_check_eq!(w.vmas(0, 0).count(), 1);
    }
    // Released: a read lock (and the mmap lock) can be taken again.
    let (r, _ctx) = AddressSpace::of_file(f).i_mmap_lock_read(&mut root);
    kunit_check_eq!(r.vmas(0, 0).count(), 1);
    Ok(())
}

fn vma_file_accessors() -> TestResult {
    let t = TestMm::new()?;
    let file = ShmemFile::new(2)?;
    t.map_file(file.0, D.0, 2 * PAGE_SIZE, 0)?;
    let mut root = root_ctx!();
    let (mmap, _ctx) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(D.0).ok_or(TestError::Failed)?;
    let f = vma.file().ok_or(TestError::Failed)?;
    kunit_check!(f.as_ptr() == file.0 && f.flags() & bindings::O_ACCMODE == bindings::O_RDWR);
    kunit_check!(!vma.is_anonymous());
    Ok(())
}

fn pte_walk_through_i_mmap() -> TestResult {
    let t = TestMm::new()?;
    let file = ShmemFile::new(2)?;
    t.map_file(file.0, D.0, 2 * PAGE_SIZE, 0)?;
    user_write(D.0 + PAGE_SIZE, 0x5a)?;
    // SAFETY: We hold a reference on the file.
    let f = unsafe { crate::fs::File::from_raw_file(file.0) };
    let mut root = root_ctx!();
    let (i_mmap, mut ctx) = AddressSpace::of_file(f).i_mmap_lock_read(&mut root);
    let vma = i_mmap.vmas(1, 1).next().ok_or(TestError::Failed)?;
    // Traversal is allowed with only an rmap lock keeping the VMA stable.
    let (pte, _) = PteGuard::lock(&mut ctx, vma, D.0 + PAGE_SIZE).ok_or(TestError::Failed)?;
    kunit_check!(pte.get().is_present());
    Ok(())
}

fn locks_nest_in_rmap_order() -> TestResult {
    let t = TestMm::new()?;
    let file = ShmemFile::new(1)?;
    t.map_file(file.0, D.0, PAGE_SIZE, 0)?;
    user_write(D.0, 0x5a)?;
    // SAFETY: We hold a reference on the file.
    let f = unsafe { crate::fs::File::from_raw_file(file.0) };
    let mut root = root_ctx!();
    // mmap lock -> i_mmap -> PTE lock, each with the token of the previous level.
    let (mmap, mut c1) = t.mm.mmap_read_lock(&mut root);
    let vma = mmap.vma_lookup(D.0).ok_or(TestError::Failed)?;
    let (i_mmap, mut c2) = AddressSpace::of_file(f).i_mmap_lock_read(&mut c1);
    kunit_check_eq!(i_mmap.vmas(0, 0).count(), 1);
    let (pte, _c3) = PteGuard::lock(&mut c2, vma, D.0).ok_or(TestError::Failed)?;
    kunit_check!(pte.get().is_present());
    Ok(())
}

mm_suite!(
    rust_mm_pgtable,
    [
        pte_none_before_first_touch,
        pte_present_after_touch,
        pte_pfn_matches_gup,
        pte_walk_sees_exactly_touched_pages,
        pte_count_present_batches_within_table_and_vma,
        pte_count_present_prot_none_counts_one,
        pte_lock_outside_vma_is_none,
        page_table_guards_refuse_hugetlb,
        pte_guard_is_atomic_for_might_sleep,
        pte_clear_young_test_and_clear,
        pte_mkclean_then_write_dirties_again,
        pte_under_vma_read_lock,
        pmd_guard_on_populated_table,
        page_table_lock_guard_holds_lock,
    ]
);

mm_suite!(
    rust_mm_rmap,
    [
        i_mmap_finds_both_mappings,
        i_mmap_write_guard_reads_and_releases,
        vma_file_accessors,
        pte_walk_through_i_mmap,
        locks_nest_in_rmap_order,
    ]
);
