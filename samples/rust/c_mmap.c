// SPDX-License-Identifier: GPL-2.0
/*
 * C twin of the Rust mmap sample: the misc device /dev/c-mmap.
 *
 * It implements the ABI of include/uapi/linux/rust_mmap.h exactly as
 * /dev/rust-mmap (samples/rust/rust_mmap.rs) does, so that the same selftests
 * run against both devices and the C driver serves as the reference behaviour
 * and performance baseline of the Rust one.
 *
 * Each open file owns a reference-counted buffer of lazily allocated, zeroed
 * pages. Every VMA mapping the file holds its own buffer reference (taken in
 * ->mmap and in vm_ops->open on fork and VMA split, dropped in vm_ops->close),
 * so the pages outlive the file while they are mapped.
 *
 * Locking:
 *  - buf->lock (mutex) serialises SET_SIZE, page allocation and the reads of
 *    the size in ->mmap. The page array and its length never change once the
 *    size is set, so the page fault handler can rely on them after ->mmap.
 *  - The range ioctls run under the mmap lock of current->mm (read, or write
 *    when they change vm_flags); QUERY tries the per-VMA lock first.
 *  - RESIDENT maps and locks each page table once with pte_offset_map_lock().
 *  - STATS walks the i_mmap tree under i_mmap_lock_read().
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pgtable.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/linux/rust_mmap.h>

/**
 * struct c_mmap_buf - the buffer of one open file
 * @ref:    held by the open file and by every VMA that maps it
 * @lock:   protects @size, @npages, @pages (the array and its entries)
 * @size:   buffer size in bytes, 0 until RUST_MMAP_SET_SIZE
 * @npages: @size in pages
 * @pages:  @npages entries, NULL until the page is first faulted in
 * @faults: faults that inserted a page
 * @allocated: pages allocated so far
 */
struct c_mmap_buf {
	struct kref ref;
	struct mutex lock;	/* protects size, npages and pages */
	u64 size;
	unsigned long npages;
	struct page **pages;
	atomic64_t faults;
	atomic64_t allocated;
};

static const struct vm_operations_struct c_mmap_vm_ops;

static struct c_mmap_buf *c_mmap_buf_alloc(void)
{
	struct c_mmap_buf *buf = kzalloc(sizeof(*buf), GFP_KERNEL);

	if (!buf)
		return NULL;
	kref_init(&buf->ref);
	mutex_init(&buf->lock);
	atomic64_set(&buf->faults, 0);
	atomic64_set(&buf->allocated, 0);
	return buf;
}

static void c_mmap_buf_release(struct kref *ref)
{
	struct c_mmap_buf *buf = container_of(ref, struct c_mmap_buf, ref);
	unsigned long i;

	/* No VMA maps the buffer any more, so no PTE points at its pages. */
	for (i = 0; i < buf->npages; i++)
		if (buf->pages[i])
			__free_page(buf->pages[i]);
	kvfree(buf->pages);
	mutex_destroy(&buf->lock);
	kfree(buf);
}

static void c_mmap_buf_get(struct c_mmap_buf *buf)
{
	kref_get(&buf->ref);
}

static void c_mmap_buf_put(struct c_mmap_buf *buf)
{
	kref_put(&buf->ref, c_mmap_buf_release);
}

/* VMA operations */

/* A new VMA was copied from one of ours (fork, split, mremap move). */
static void c_mmap_vm_open(struct vm_area_struct *vma)
{
	c_mmap_buf_get(vma->vm_private_data);
}

static void c_mmap_vm_close(struct vm_area_struct *vma)
{
	c_mmap_buf_put(vma->vm_private_data);
}

static vm_fault_t c_mmap_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct c_mmap_buf *buf = vma->vm_private_data;
	struct page *page;
	int err;

	/* The mapping may extend past the end of the buffer, like past EOF. */
	if (vmf->pgoff >= buf->npages)
		return VM_FAULT_SIGBUS;

	mutex_lock(&buf->lock);
	page = buf->pages[vmf->pgoff];
	if (!page) {
		page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!page) {
			mutex_unlock(&buf->lock);
			return VM_FAULT_OOM;
		}
		buf->pages[vmf->pgoff] = page;
		atomic64_inc(&buf->allocated);
	}
	mutex_unlock(&buf->lock);

	/*
	 * The page stays in the buffer until the buffer is released, which
	 * cannot happen while this VMA holds its reference.
	 */
	err = vm_insert_page(vma, vmf->address, page);
	switch (err) {
	case 0:
		atomic64_inc(&buf->faults);
		return VM_FAULT_NOPAGE;
	case -EBUSY:
		/* Another thread inserted the page first. */
		return VM_FAULT_NOPAGE;
	case -ENOMEM:
		return VM_FAULT_OOM;
	default:
		return VM_FAULT_SIGBUS;
	}
}

/*
 * The core created a VMA from our description: it takes its reference now. A
 * range merged into a neighbouring VMA of this file, or a mapping that failed
 * before its VMA existed, never gets here and holds nothing.
 */
static int c_mmap_vm_mapped(unsigned long start, unsigned long end,
			    pgoff_t pgoff, const struct file *file,
			    void **vm_private_data)
{
	c_mmap_buf_get(*vm_private_data);
	return 0;
}

static const struct vm_operations_struct c_mmap_vm_ops = {
	.open = c_mmap_vm_open,
	.close = c_mmap_vm_close,
	.mapped = c_mmap_vm_mapped,
	.fault = c_mmap_vm_fault,
};

/* File operations */

static int c_mmap_open(struct inode *inode, struct file *filp)
{
	struct c_mmap_buf *buf = c_mmap_buf_alloc();

	if (!buf)
		return -ENOMEM;
	filp->private_data = buf;
	return 0;
}

static int c_mmap_release(struct inode *inode, struct file *filp)
{
	c_mmap_buf_put(filp->private_data);
	return 0;
}

static int c_mmap_mmap_prepare(struct vm_area_desc *desc)
{
	struct c_mmap_buf *buf = desc->file->private_data;
	unsigned long npages;

	mutex_lock(&buf->lock);
	npages = buf->npages;
	mutex_unlock(&buf->lock);

	if (!npages)
		return -ENODEV;
	/* MAP_SHARED on an O_RDONLY file has VM_MAYSHARE but not VM_SHARED. */
	if (!vma_desc_test_any(desc, VMA_MAYSHARE_BIT))
		return -EINVAL;
	if (vma_desc_test_any(desc, VMA_EXEC_BIT))
		return -EPERM;
	if (desc->pgoff >= npages)
		return -EINVAL;
	if (vma_desc_size(desc) > RUST_MMAP_MAX_SIZE)
		return -EINVAL;

	/*
	 * No mprotect(PROT_EXEC) later; no mremap growth; pages are inserted
	 * with vm_insert_page(), which wants VM_MIXEDMAP to be set up front
	 * (it cannot set it from the fault path).
	 */
	vma_desc_clear_flags(desc, VMA_MAYEXEC_BIT);
	vma_desc_set_flags(desc, VMA_MIXEDMAP_BIT, VMA_DONTEXPAND_BIT);
	desc->vm_ops = &c_mmap_vm_ops;
	/* Uncounted until c_mmap_vm_mapped(); the open file pins buf. */
	desc->private_data = buf;
	return 0;
}

/* RUST_MMAP_F_* flags of a VMA. */
static u64 c_mmap_vma_flags(struct vm_area_struct *vma)
{
	vm_flags_t vm_flags = vma->vm_flags;
	u64 flags = 0;

	if (vm_flags & VM_READ)
		flags |= RUST_MMAP_F_READ;
	if (vm_flags & VM_WRITE)
		flags |= RUST_MMAP_F_WRITE;
	if (vm_flags & VM_MAYWRITE)
		flags |= RUST_MMAP_F_MAYWRITE;
	if (vm_flags & VM_DONTCOPY)
		flags |= RUST_MMAP_F_DONTCOPY;
	/* Every mapping of ours is MAP_SHARED, also on an O_RDONLY file. */
	if (vm_flags & VM_MAYSHARE)
		flags |= RUST_MMAP_F_SHARED;
	return flags;
}

/* Is @vma a mapping of this open file (and not of another file or open)? */
static bool c_mmap_vma_is_ours(struct vm_area_struct *vma, struct file *filp)
{
	return vma->vm_ops == &c_mmap_vm_ops && vma->vm_file == filp;
}

/*
 * Find the VMA of @filp that contains the range described by @range; the
 * caller holds the mmap lock of @mm. On success *@end is the end of the
 * range (the end of the VMA if range->len is 0).
 */
static struct vm_area_struct *c_mmap_find_range(struct file *filp,
						struct mm_struct *mm,
						const struct rust_mmap_range *range,
						unsigned long *end)
{
	struct vm_area_struct *vma;
	unsigned long addr = range->addr;

	if (!PAGE_ALIGNED(range->addr) || !PAGE_ALIGNED(range->len))
		return ERR_PTR(-EINVAL);
	/* Addresses beyond unsigned long, wrap-around. */
	if (range->addr != addr || range->addr + range->len < range->addr)
		return ERR_PTR(-EINVAL);

	vma = vma_lookup(mm, addr);
	if (!vma)
		return ERR_PTR(-ENOENT);
	if (!c_mmap_vma_is_ours(vma, filp))
		return ERR_PTR(-EINVAL);

	if (!range->len) {
		*end = vma->vm_end;
	} else {
		if (range->addr + range->len > vma->vm_end)
			return ERR_PTR(-EINVAL);
		*end = addr + range->len;
	}
	return vma;
}

/* The PMD that covers @addr, or NULL. The caller holds the mmap lock of @mm. */
static pmd_t *c_mmap_pmd(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud;

	/* Only 4 KiB pages are inserted: no huge entries at the upper levels. */
	pgd = pgd_offset(mm, addr);
	if (pgd_none(*pgd) || pgd_bad(*pgd))
		return NULL;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d) || p4d_bad(*p4d))
		return NULL;
	pud = pud_offset(p4d, addr);
	if (pud_none(*pud) || pud_bad(*pud))
		return NULL;
	return pmd_offset(pud, addr);
}

/*
 * Resident (present PTE) pages in [@addr, @end), which lies in one VMA of
 * ours. Each page table is mapped and locked once, with pte_offset_map_lock(),
 * and all of its entries in the range are counted under that lock.
 */
static u64 c_mmap_count_resident(struct mm_struct *mm, unsigned long addr,
				 unsigned long end)
{
	unsigned long next;
	spinlock_t *ptl;	/* the lock of the PTE table */
	pte_t *start, *pte;
	pmd_t *pmd;
	u64 count = 0;

	for (; addr < end; addr = next) {
		next = pmd_addr_end(addr, end);
		pmd = c_mmap_pmd(mm, addr);
		if (!pmd)
			continue;
		/* NULL if the PMD is none, bad or huge: nothing resident. */
		start = pte_offset_map_lock(mm, pmd, addr, &ptl);
		if (!start)
			continue;
		for (pte = start; addr < next; addr += PAGE_SIZE, pte++)
			/* pte_present() is not 0/1: a PROT_NONE entry gives _PAGE_PROTNONE. */
			if (pte_present(ptep_get(pte)))
				count++;
		pte_unmap_unlock(start, ptl);
	}
	return count;
}

static long c_mmap_set_size(struct c_mmap_buf *buf, u64 __user *arg)
{
	struct page **pages;
	u64 size;
	long ret = 0;

	if (copy_from_user(&size, arg, sizeof(size)))
		return -EFAULT;
	if (!size || !PAGE_ALIGNED(size) || size > RUST_MMAP_MAX_SIZE)
		return -EINVAL;

	pages = kvcalloc(size >> PAGE_SHIFT, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;

	mutex_lock(&buf->lock);
	if (buf->size) {
		ret = -EBUSY;
	} else {
		buf->pages = pages;
		buf->npages = size >> PAGE_SHIFT;
		buf->size = size;
		pages = NULL;
	}
	mutex_unlock(&buf->lock);
	kvfree(pages);
	return ret;
}

static long c_mmap_stats(struct file *filp, struct c_mmap_buf *buf,
			 struct rust_mmap_stats __user *arg)
{
	struct address_space *mapping = filp->f_mapping;
	struct rust_mmap_stats stats = {};
	struct vm_area_struct *vma;

	mutex_lock(&buf->lock);
	stats.size = buf->size;
	mutex_unlock(&buf->lock);
	stats.faults = atomic64_read(&buf->faults);
	stats.pages = atomic64_read(&buf->allocated);

	/*
	 * Opens through one device node share its inode and so one i_mmap
	 * tree (another node of the same minor has its own): count only the
	 * VMAs of this open file, in every address space.
	 */
	i_mmap_lock_read(mapping);
	mapping_rmap_tree_foreach(vma, mapping, 0, ULONG_MAX)
		if (vma->vm_file == filp)
			stats.mappings++;
	i_mmap_unlock_read(mapping);

	if (copy_to_user(arg, &stats, sizeof(stats)))
		return -EFAULT;
	return 0;
}

static long c_mmap_resident(struct file *filp, struct mm_struct *mm,
			    struct rust_mmap_range *range)
{
	struct vm_area_struct *vma;
	unsigned long end;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	vma = c_mmap_find_range(filp, mm, range, &end);
	if (!IS_ERR(vma))
		range->result = c_mmap_count_resident(mm, range->addr, end);
	mmap_read_unlock(mm);
	return PTR_ERR_OR_ZERO(vma);
}

static long c_mmap_seal(struct file *filp, struct mm_struct *mm,
			struct rust_mmap_range *range)
{
	struct vm_area_struct *vma;
	unsigned long end;
	bool was_writable;

	if (mmap_write_lock_killable(mm))
		return -EINTR;
	vma = c_mmap_find_range(filp, mm, range, &end);
	if (IS_ERR(vma)) {
		mmap_write_unlock(mm);
		return PTR_ERR(vma);
	}

	/*
	 * A shared writable VMA counts in mapping->i_mmap_writable until it
	 * is unlinked; without VM_MAYWRITE it will not be uncounted then, so
	 * drop its count now (as if it had been mapped read-only).
	 */
	if (vma_is_shared_maywrite(vma))
		mapping_unmap_writable(filp->f_mapping);
	was_writable = vma->vm_flags & VM_WRITE;
	vm_flags_clear(vma, VM_WRITE | VM_MAYWRITE);
	vma_set_page_prot(vma);
	/*
	 * Writable PTEs must go: the next accesses fault in read-only ones
	 * (vm_flags_clear() write-locked the VMA, so no fault refills them).
	 */
	if (was_writable)
		zap_vma_range(vma, vma->vm_start, vma->vm_end - vma->vm_start);
	range->result = c_mmap_vma_flags(vma);
	mmap_write_unlock(mm);
	return 0;
}

static long c_mmap_dontcopy(struct file *filp, struct mm_struct *mm,
			    struct rust_mmap_range *range)
{
	struct vm_area_struct *vma;
	unsigned long end;

	if (mmap_write_lock_killable(mm))
		return -EINTR;
	vma = c_mmap_find_range(filp, mm, range, &end);
	if (!IS_ERR(vma)) {
		vm_flags_set(vma, VM_DONTCOPY);
		range->result = c_mmap_vma_flags(vma);
	}
	mmap_write_unlock(mm);
	return PTR_ERR_OR_ZERO(vma);
}

static long c_mmap_zap(struct file *filp, struct mm_struct *mm,
		       struct rust_mmap_range *range)
{
	struct vm_area_struct *vma;
	unsigned long end;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	vma = c_mmap_find_range(filp, mm, range, &end);
	if (!IS_ERR(vma)) {
		range->result = c_mmap_count_resident(mm, range->addr, end);
		zap_vma_range(vma, range->addr, end - range->addr);
	}
	mmap_read_unlock(mm);
	return PTR_ERR_OR_ZERO(vma);
}

/* Fill @query from the VMA at query->addr, which the caller has locked. */
static long c_mmap_query_vma(struct file *filp, struct vm_area_struct *vma,
			     struct rust_mmap_query *query)
{
	if (!c_mmap_vma_is_ours(vma, filp))
		return -EINVAL;
	query->start = vma->vm_start;
	query->end = vma->vm_end;
	query->pgoff = vma->vm_pgoff;
	query->flags = c_mmap_vma_flags(vma);
	return 0;
}

static long c_mmap_query(struct file *filp, struct mm_struct *mm,
			 struct rust_mmap_query *query)
{
	struct vm_area_struct *vma;
	long ret;

	if (query->addr != (unsigned long)query->addr)
		return -ENOENT;

#ifdef CONFIG_PER_VMA_LOCK
	/* Fast path: read-lock only this VMA. */
	vma = lock_vma_under_rcu(mm, query->addr);
	if (vma) {
		ret = c_mmap_query_vma(filp, vma, query);
		vma_end_read(vma);
		return ret;
	}
#endif
	/* No VMA there, or it is being changed: ask under the mmap lock. */
	if (mmap_read_lock_killable(mm))
		return -EINTR;
	vma = vma_lookup(mm, query->addr);
	ret = vma ? c_mmap_query_vma(filp, vma, query) : -ENOENT;
	mmap_read_unlock(mm);
	return ret;
}

static long c_mmap_ioctl(struct file *filp, unsigned int cmd,
			 unsigned long arg)
{
	struct c_mmap_buf *buf = filp->private_data;
	void __user *uarg = (void __user *)arg;
	struct mm_struct *mm = current->mm;
	struct rust_mmap_query query;
	struct rust_mmap_range range;
	long ret;

	switch (cmd) {
	case RUST_MMAP_SET_SIZE:
		return c_mmap_set_size(buf, uarg);
	case RUST_MMAP_STATS:
		return c_mmap_stats(filp, buf, uarg);
	case RUST_MMAP_QUERY:
		if (copy_from_user(&query, uarg, sizeof(query)))
			return -EFAULT;
		ret = c_mmap_query(filp, mm, &query);
		if (!ret && copy_to_user(uarg, &query, sizeof(query)))
			ret = -EFAULT;
		return ret;
	case RUST_MMAP_RESIDENT:
	case RUST_MMAP_SEAL:
	case RUST_MMAP_DONTCOPY:
	case RUST_MMAP_ZAP:
		break;
	default:
		return -ENOTTY;
	}

	/* The range ioctls. */
	if (copy_from_user(&range, uarg, sizeof(range)))
		return -EFAULT;
	switch (cmd) {
	case RUST_MMAP_RESIDENT:
		ret = c_mmap_resident(filp, mm, &range);
		break;
	case RUST_MMAP_SEAL:
		ret = c_mmap_seal(filp, mm, &range);
		break;
	case RUST_MMAP_DONTCOPY:
		ret = c_mmap_dontcopy(filp, mm, &range);
		break;
	default:
		ret = c_mmap_zap(filp, mm, &range);
		break;
	}
	if (!ret && copy_to_user(uarg, &range, sizeof(range)))
		ret = -EFAULT;
	return ret;
}

static const struct file_operations c_mmap_fops = {
	.owner = THIS_MODULE,
	.open = c_mmap_open,
	.release = c_mmap_release,
	.mmap_prepare = c_mmap_mmap_prepare,
	.unlocked_ioctl = c_mmap_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice c_mmap_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "c-mmap",
	.fops = &c_mmap_fops,
	.mode = 0666,
};

static int __init c_mmap_init(void)
{
	int ret = misc_register(&c_mmap_misc);

	if (ret)
		pr_err("cannot register /dev/c-mmap: %d\n", ret);
	return ret;
}
module_init(c_mmap_init);

static void __exit c_mmap_exit(void)
{
	misc_deregister(&c_mmap_misc);
}
module_exit(c_mmap_exit);

MODULE_DESCRIPTION("C twin of the Rust mmap sample driver");
MODULE_AUTHOR("Rust mm-locking team <rust-mm@example.org>");
MODULE_LICENSE("GPL");
