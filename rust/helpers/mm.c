// SPDX-License-Identifier: GPL-2.0

/*
 * Out-of-line copies of the static inline mm locking functions used by
 * rust/kernel/mm.rs and rust/kernel/mm/. Each one only calls the C function of
 * the same name.
 */

#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/pfn_t.h>
#include <linux/rmap.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>

void rust_helper_mmgrab(struct mm_struct *mm)
{
	mmgrab(mm);
}

void rust_helper_mmdrop(struct mm_struct *mm)
{
	mmdrop(mm);
}

void rust_helper_mmget(struct mm_struct *mm)
{
	mmget(mm);
}

bool rust_helper_mmget_not_zero(struct mm_struct *mm)
{
	return mmget_not_zero(mm);
}

void rust_helper_mmap_read_lock(struct mm_struct *mm)
{
	mmap_read_lock(mm);
}

bool rust_helper_mmap_read_trylock(struct mm_struct *mm)
{
	return mmap_read_trylock(mm);
}

int rust_helper_mmap_read_lock_killable(struct mm_struct *mm)
{
	return mmap_read_lock_killable(mm);
}

void rust_helper_mmap_read_unlock(struct mm_struct *mm)
{
	mmap_read_unlock(mm);
}

void rust_helper_mmap_write_lock(struct mm_struct *mm)
{
	mmap_write_lock(mm);
}

bool rust_helper_mmap_write_trylock(struct mm_struct *mm)
{
	/* 6.12 has no mmap_write_trylock(); this mirrors mmap_read_trylock(). */
	if (!down_write_trylock(&mm->mmap_lock))
		return false;
	mm_lock_seqcount_begin(mm);
	return true;
}

int rust_helper_mmap_write_lock_killable(struct mm_struct *mm)
{
	return mmap_write_lock_killable(mm);
}

void rust_helper_mmap_write_unlock(struct mm_struct *mm)
{
	mmap_write_unlock(mm);
}

void rust_helper_mmap_write_downgrade(struct mm_struct *mm)
{
	mmap_write_downgrade(mm);
}

void rust_helper_mmap_assert_locked(struct mm_struct *mm)
{
	mmap_assert_locked(mm);
}

void rust_helper_mmap_assert_write_locked(struct mm_struct *mm)
{
	mmap_assert_write_locked(mm);
}

void rust_helper_vma_start_write(struct vm_area_struct *vma)
{
	vma_start_write(vma);
}

void rust_helper_vma_end_read(struct vm_area_struct *vma)
{
	vma_end_read(vma);
}

void rust_helper_vma_assert_locked(struct vm_area_struct *vma)
{
	vma_assert_locked(vma);
}

void rust_helper_vma_assert_write_locked(struct vm_area_struct *vma)
{
	vma_assert_write_locked(vma);
}

struct vm_area_struct *rust_helper_vma_lookup(struct mm_struct *mm,
					      unsigned long addr)
{
	return vma_lookup(mm, addr);
}

void rust_helper_vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vm_flags_set(vma, flags);
}

void rust_helper_vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags)
{
	vm_flags_clear(vma, flags);
}

void rust_helper_vm_flags_mod(struct vm_area_struct *vma, vm_flags_t set,
			      vm_flags_t clear)
{
	vm_flags_mod(vma, set, clear);
}

bool rust_helper_vma_is_anonymous(struct vm_area_struct *vma)
{
	return vma_is_anonymous(vma);
}

void rust_helper_might_sleep(void)
{
	might_sleep();
}

/*
 * current->mm, read in C: bindgen's layout of struct task_struct does not
 * match the compiler's on this configuration, so Rust must not read its fields.
 */
struct mm_struct *rust_helper_current_mm(void)
{
	return current->mm;
}

/*
 * Offsets of the fields kernel::mm reads directly, as C lays them out; a KUnit
 * test compares them with bindgen's layout.
 */
size_t rust_helper_mm_field_offset(int field)
{
	switch (field) {
	case 0: return offsetof(struct vm_area_struct, vm_start);
	case 1: return offsetof(struct vm_area_struct, vm_end);
	case 2: return offsetof(struct vm_area_struct, vm_mm);
	case 3: return offsetof(struct vm_area_struct, vm_page_prot);
	case 4: return offsetof(struct vm_area_struct, vm_flags);
	case 5: return offsetof(struct vm_area_struct, vm_pgoff);
	case 6: return offsetof(struct vm_area_struct, vm_file);
	case 7: return offsetof(struct vm_area_struct, vm_ops);
	case 8: return offsetof(struct vm_area_struct, vm_private_data);
	case 9: return offsetof(struct mm_struct, mm_users);
	}
	return (size_t)-1;
}

/* Page tables (rust/kernel/mm/pgtable.rs). */

/*
 * Walk to the PMD entry that covers @addr. Returns NULL if a higher level is
 * empty, bad or a leaf (huge) entry. This is a traversal: it takes no lock and
 * needs only a stable VMA ("Page tables" in Documentation/mm/process_addrs.rst).
 */
static pmd_t *rust_mm_walk_pmd(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	p4d_t *p4d;
	pud_t *pud, pudval;

	if (pgd_none(pgdp_get(pgd)) || pgd_bad(pgdp_get(pgd)))
		return NULL;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(p4dp_get(p4d)) || p4d_bad(p4dp_get(p4d)))
		return NULL;
	pud = pud_offset(p4d, addr);
	pudval = pudp_get(pud);
	if (pud_none(pudval) || pud_leaf(pudval) || pud_bad(pudval))
		return NULL;
	return pmd_offset(pud, addr);
}

pte_t *rust_helper_rust_mm_pte_lock(struct mm_struct *mm, unsigned long addr,
				    spinlock_t **ptl)
{
	pmd_t *pmd = rust_mm_walk_pmd(mm, addr);

	if (!pmd)
		return NULL;
	/* NULL if there is no PTE table (pmd none, huge, or being changed). */
	return pte_offset_map_lock(mm, pmd, addr, ptl);
}

void rust_helper_rust_mm_pte_unlock(pte_t *pte, spinlock_t *ptl)
{
	pte_unmap_unlock(pte, ptl);
}

pte_t rust_helper_ptep_get(pte_t *ptep)
{
	return ptep_get(ptep);
}

bool rust_helper_pte_present(pte_t pte)
{
	return pte_present(pte);
}

bool rust_helper_pte_none(pte_t pte)
{
	return pte_none(pte);
}

unsigned long rust_helper_pte_pfn(pte_t pte)
{
	return pte_pfn(pte);
}

bool rust_helper_pte_write(pte_t pte)
{
	return pte_write(pte);
}

bool rust_helper_pte_dirty(pte_t pte)
{
	return pte_dirty(pte);
}

bool rust_helper_pte_young(pte_t pte)
{
	return pte_young(pte);
}

/*
 * Write-protect and clean one present PTE, moving its dirty bit to the folio,
 * as page_vma_mkclean_one() does. Caller holds the PTE lock.
 * Returns whether the PTE was dirty.
 */
bool rust_helper_rust_mm_pte_mkclean(struct vm_area_struct *vma,
				     unsigned long addr, pte_t *ptep)
{
	pte_t entry = ptep_get(ptep);
	struct folio *folio;
	bool dirty;

	if (!pte_present(entry) || (!pte_dirty(entry) && !pte_write(entry)))
		return false;
	flush_cache_page(vma, addr, pte_pfn(entry));
	entry = ptep_clear_flush(vma, addr, ptep);
	dirty = pte_dirty(entry);
	entry = pte_mkclean(pte_wrprotect(entry));
	set_pte_at(vma->vm_mm, addr, ptep, entry);
	if (dirty) {
		folio = vm_normal_folio(vma, addr, entry);
		if (folio)
			folio_mark_dirty(folio);
	}
	return dirty;
}

spinlock_t *rust_helper_rust_mm_pmd_lock(struct mm_struct *mm,
					 unsigned long addr, pmd_t **pmdp)
{
	pmd_t *pmd = rust_mm_walk_pmd(mm, addr);

	if (!pmd)
		return NULL;
	*pmdp = pmd;
	return pmd_lock(mm, pmd);
}

pmd_t rust_helper_pmdp_get(pmd_t *pmdp)
{
	return pmdp_get(pmdp);
}

bool rust_helper_pmd_none(pmd_t pmd)
{
	return pmd_none(pmd);
}

bool rust_helper_pmd_leaf(pmd_t pmd)
{
	return pmd_leaf(pmd);
}

void rust_helper_spin_unlock_ptl(spinlock_t *ptl)
{
	spin_unlock(ptl);
}

void rust_helper_rust_mm_page_table_lock(struct mm_struct *mm)
{
	spin_lock(&mm->page_table_lock);
}

void rust_helper_rust_mm_page_table_unlock(struct mm_struct *mm)
{
	spin_unlock(&mm->page_table_lock);
}

bool rust_helper_rust_mm_page_table_is_locked(struct mm_struct *mm)
{
	return spin_is_locked(&mm->page_table_lock);
}

/* Reverse-map locks (rust/kernel/mm/rmap.rs). */

void rust_helper_i_mmap_lock_read(struct address_space *mapping)
{
	i_mmap_lock_read(mapping);
}

void rust_helper_i_mmap_unlock_read(struct address_space *mapping)
{
	i_mmap_unlock_read(mapping);
}

void rust_helper_i_mmap_lock_write(struct address_space *mapping)
{
	i_mmap_lock_write(mapping);
}

void rust_helper_i_mmap_unlock_write(struct address_space *mapping)
{
	i_mmap_unlock_write(mapping);
}

void rust_helper_i_mmap_assert_locked(struct address_space *mapping)
{
	i_mmap_assert_locked(mapping);
}

struct rb_root_cached *rust_helper_rust_mm_i_mmap_root(struct address_space *mapping)
{
	return &mapping->i_mmap;
}

struct address_space *rust_helper_rust_mm_file_mapping(struct file *file)
{
	return file->f_mapping;
}

unsigned int rust_helper_rust_mm_file_flags(struct file *file)
{
	return file->f_flags;
}

bool rust_helper_rust_mm_file_writable(struct file *file)
{
	return file->f_mode & FMODE_WRITE;
}

struct file *rust_helper_rust_mm_vma_file(struct vm_area_struct *vma)
{
	return vma->vm_file;
}

void rust_helper_anon_vma_lock_read(struct anon_vma *anon_vma)
{
	anon_vma_lock_read(anon_vma);
}

void rust_helper_anon_vma_unlock_read(struct anon_vma *anon_vma)
{
	anon_vma_unlock_read(anon_vma);
}

void rust_helper_anon_vma_lock_write(struct anon_vma *anon_vma)
{
	anon_vma_lock_write(anon_vma);
}

void rust_helper_anon_vma_unlock_write(struct anon_vma *anon_vma)
{
	anon_vma_unlock_write(anon_vma);
}

struct rb_root_cached *rust_helper_rust_mm_anon_vma_root(struct anon_vma *anon_vma)
{
	return &anon_vma->rb_root;
}

struct vm_area_struct *rust_helper_rust_mm_avc_vma(struct anon_vma_chain *avc)
{
	return avc->vma;
}

struct anon_vma *rust_helper_rust_mm_vma_anon_vma(struct vm_area_struct *vma)
{
	return READ_ONCE(vma->anon_vma);
}

/* For the KUnit tests of kernel::mm. */

unsigned long rust_helper_rust_mm_page_to_pfn(struct page *page)
{
	return page_to_pfn(page);
}

void rust_helper_put_page(struct page *page)
{
	put_page(page);
}

/* Fault handling and vm_operations (rust/kernel/mm/fault.rs, vm_ops.rs). */

struct vm_area_struct *rust_helper_rust_mm_vmf_vma(struct vm_fault *vmf)
{
	return vmf->vma;
}

unsigned long rust_helper_rust_mm_vmf_pgoff(struct vm_fault *vmf)
{
	return vmf->pgoff;
}

unsigned long rust_helper_rust_mm_vmf_address(struct vm_fault *vmf)
{
	return vmf->address;
}

unsigned int rust_helper_rust_mm_vmf_flags(struct vm_fault *vmf)
{
	return vmf->flags;
}

void rust_helper_rust_mm_vmf_set_page(struct vm_fault *vmf, struct page *page)
{
	get_page(page);
	vmf->page = page;
}

void *rust_helper_rust_mm_vma_private(struct vm_area_struct *vma)
{
	return vma->vm_private_data;
}

void rust_helper_rust_mm_vma_set_ops(struct vm_area_struct *vma,
				     const struct vm_operations_struct *ops,
				     void *data)
{
	vma->vm_private_data = data;
	vma->vm_ops = ops;
}

void rust_helper_rust_mm_vma_set_page_prot(struct vm_area_struct *vma,
					   pgprot_t prot)
{
	WRITE_ONCE(vma->vm_page_prot, prot);
}

void *rust_helper_rust_mm_file_private(struct file *file)
{
	return file->private_data;
}

void rust_helper_rust_mm_file_set_private(struct file *file, void *data)
{
	file->private_data = data;
}

/*
 * A shared VMA that may be written counts in mapping->i_mmap_writable until it
 * is unlinked; when VM_MAYWRITE is cleared it will not be uncounted then, so
 * uncount it now (as mprotect-less sealing in the mm core does).
 */
void rust_helper_rust_mm_vma_drop_writable(struct vm_area_struct *vma)
{
	if (vma->vm_file && vma_is_shared_maywrite(vma))
		mapping_unmap_writable(vma->vm_file->f_mapping);
}

void rust_helper_assert_fault_locked(struct vm_fault *vmf)
{
	assert_fault_locked(vmf);
}

vm_fault_t rust_helper_rust_mm_vmf_insert_mixed(struct vm_area_struct *vma,
						unsigned long addr,
						unsigned long pfn)
{
	return vmf_insert_mixed(vma, addr, __pfn_to_pfn_t(pfn, 0));
}

bool rust_helper_is_cow_mapping(vm_flags_t flags)
{
	return is_cow_mapping(flags);
}

/* Number of present entries among the @n PTEs from @ptep (PTE lock held). */
unsigned int rust_helper_rust_mm_pte_count_present(pte_t *ptep, unsigned int n)
{
	unsigned int i, present = 0;

	for (i = 0; i < n; i++)
		present += pte_present(ptep_get(ptep + i));
	return present;
}

#ifdef CONFIG_KUNIT
/* Test-only helpers for the KUnit suites of kernel::mm. */

struct rust_mm_test_holder {
	struct mm_struct *mm;
	atomic_t locked;
};

static int rust_mm_test_hold_fn(void *data)
{
	struct rust_mm_test_holder *h = data;

	mmap_write_lock(h->mm);
	atomic_set(&h->locked, 1);
	while (!kthread_should_stop())
		msleep(1);
	mmap_write_unlock(h->mm);
	return 0;
}

/*
 * Start a kernel thread that holds the mmap write lock of @mm until
 * rust_mm_test_release(); returns once the lock is held. One at a time.
 */
struct task_struct *rust_helper_rust_mm_test_hold_write(struct mm_struct *mm)
{
	static struct rust_mm_test_holder h;
	struct task_struct *t;

	h.mm = mm;
	atomic_set(&h.locked, 0);
	t = kthread_run(rust_mm_test_hold_fn, &h, "rust-mm-holder");
	if (IS_ERR(t))
		return NULL;
	while (!atomic_read(&h.locked))
		msleep(1);
	return t;
}

void rust_helper_rust_mm_test_release(struct task_struct *t)
{
	kthread_stop(t);
}

/* Make SIGKILL pending on the current thread (fatal_signal_pending()), or flush it. */
void rust_helper_rust_mm_test_fatal_signal(bool pending)
{
	if (!pending) {
		flush_signals(current);
		return;
	}
	spin_lock_irq(&current->sighand->siglock);
	sigaddset(&current->pending.signal, SIGKILL);
	set_tsk_thread_flag(current, TIF_SIGPENDING);
	spin_unlock_irq(&current->sighand->siglock);
}
#endif

const struct vm_operations_struct *rust_helper_rust_mm_vma_ops(struct vm_area_struct *vma)
{
	return vma->vm_ops;
}

/*
 * f_op->mmap failed after installing vm_ops: the core will not call ->close
 * (mmap_file() replaces vm_ops with the dummy ops), so release what the
 * installed ops own by calling their ->close once now.
 */
void rust_helper_rust_mm_vma_undo_ops(struct vm_area_struct *vma)
{
	if (vma->vm_ops && vma->vm_ops->close)
		vma->vm_ops->close(vma);
	vma->vm_private_data = NULL;
}
