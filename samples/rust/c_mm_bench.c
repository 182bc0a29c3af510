// SPDX-License-Identifier: GPL-2.0
/*
 * Per-operation lock benchmark, C side: /dev/c-mm-bench runs one locking
 * operation in a loop on the caller's address space, making by hand the C
 * calls that the kernel::mm guards of samples/rust/rust_mm_bench.rs make.
 * The ABI is include/uapi/linux/rust_mm_bench.h.
 */

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/pgtable.h>
#include <linux/sched/mm.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <uapi/linux/rust_mm_bench.h>

/* The PMD of @addr, walked as the Rust side walks it (rust/kernel/mm/pgtable.rs). */
static pmd_t *c_mm_bench_pmd(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	pgd_t pgde = pgdp_get(pgd);
	p4d_t *p4d;
	p4d_t p4de;
	pud_t *pud;
	pud_t pude;

	if (pgd_none(pgde) || pgd_bad(pgde))
		return NULL;
	p4d = p4d_offset(pgd, addr);
	p4de = p4dp_get(p4d);
	if (p4d_none(p4de) || p4d_bad(p4de))
		return NULL;
	pud = pud_offset(p4d, addr);
	pude = pudp_get(pud);
	if (pud_none(pude) || pud_leaf(pude) || pud_bad(pude))
		return NULL;
	return pmd_offset(pud, addr);
}

/*
 * Present entries among the PTRS_PER_PTE entries from @addr, clamped to the
 * end of its table and of @vma as the Rust side's count_present() is.
 */
static u64 c_mm_bench_pte_scan(struct vm_area_struct *vma, unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	pmd_t *pmd = c_mm_bench_pmd(mm, addr);
	unsigned long i, nr;
	spinlock_t *ptl;	/* the lock of the PTE table */
	pte_t *pte;
	u64 n = 0;

	if (!pmd)
		return 0;
	pte = pte_offset_map_lock(mm, pmd, addr, &ptl);
	if (!pte)
		return 0;
	nr = min3((unsigned long)PTRS_PER_PTE, (PMD_SIZE - (addr & ~PMD_MASK)) >> PAGE_SHIFT,
		  (vma->vm_end - addr) >> PAGE_SHIFT);
	for (i = 0; i < nr; i++)
		if (pte_present(ptep_get(pte + i)))
			n++;
	pte_unmap_unlock(pte, ptl);
	return n;
}

static int c_mm_bench_run(struct file *file, struct mm_struct *mm, u32 op,
			  u32 iters, unsigned long addr, u64 *sum)
{
	struct address_space *mapping = file->f_mapping;
	struct vm_area_struct *vma;
	struct vma_iterator vmi;
	u32 i;

	*sum = 0;
	switch (op) {
	case RUST_MM_BENCH_MMAP_READ:
		for (i = 0; i < iters; i++) {
			mmap_read_lock(mm);
			mmap_read_unlock(mm);
		}
		return 0;
	case RUST_MM_BENCH_MMAP_WRITE:
		for (i = 0; i < iters; i++) {
			mmap_write_lock(mm);
			mmap_write_unlock(mm);
		}
		return 0;
	case RUST_MM_BENCH_VMA_READ:
		for (i = 0; i < iters; i++) {
			vma = lock_vma_under_rcu(mm, addr);
			if (vma) {
				(*sum)++;
				vma_end_read(vma);
			}
		}
		return 0;
	case RUST_MM_BENCH_LOCK_VMA:
		for (i = 0; i < iters; i++) {
			vma = lock_vma_under_rcu(mm, addr);
			if (vma) {
				(*sum)++;
				vma_end_read(vma);
				continue;
			}
			mmap_read_lock(mm);
			if (vma_lookup(mm, addr))
				(*sum)++;
			mmap_read_unlock(mm);
		}
		return 0;
	case RUST_MM_BENCH_VMA_LOOKUP:
		for (i = 0; i < iters; i++) {
			mmap_read_lock(mm);
			if (vma_lookup(mm, addr))
				(*sum)++;
			mmap_read_unlock(mm);
		}
		return 0;
	case RUST_MM_BENCH_VMA_ITER:
		for (i = 0; i < iters; i++) {
			mmap_read_lock(mm);
			vma_iter_init(&vmi, mm, 0);
			for_each_vma(vmi, vma)
				(*sum)++;
			mmap_read_unlock(mm);
		}
		return 0;
	case RUST_MM_BENCH_PTE_SCAN:
		mmap_read_lock(mm);
		vma = vma_lookup(mm, addr);
		for (i = 0; vma && i < iters; i++)
			*sum += c_mm_bench_pte_scan(vma, addr);
		mmap_read_unlock(mm);
		return vma ? 0 : -EINVAL;
	case RUST_MM_BENCH_I_MMAP:
		for (i = 0; i < iters; i++) {
			i_mmap_lock_read(mapping);
			i_mmap_unlock_read(mapping);
		}
		return 0;
	}
	return -EINVAL;
}

static long c_mm_bench_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	struct rust_mm_bench __user *uarg = (void __user *)arg;
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct rust_mm_bench b;
	u64 t0, sum;
	int ret;

	if (cmd != RUST_MM_BENCH_RUN)
		return -ENOTTY;
	if (copy_from_user(&b, uarg, sizeof(b)))
		return -EFAULT;
	if (!b.iters || b.iters > RUST_MM_BENCH_MAX_ITERS || !mm)
		return -EINVAL;
	mmap_read_lock(mm);
	vma = vma_lookup(mm, b.addr);
	ret = !vma || !IS_ALIGNED(b.addr, RUST_MM_BENCH_LEN) ||
	      vma->vm_end - b.addr < RUST_MM_BENCH_LEN ? -EINVAL : 0;
	mmap_read_unlock(mm);
	if (ret)
		return ret;

	t0 = ktime_get_ns();
	ret = c_mm_bench_run(file, mm, b.op, b.iters, b.addr, &sum);
	b.ns = ktime_get_ns() - t0;
	b.result = sum;
	if (ret)
		return ret;
	if (copy_to_user(&uarg->ns, &b.ns, 2 * sizeof(u64)))
		return -EFAULT;
	return 0;
}

static const struct file_operations c_mm_bench_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = c_mm_bench_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice c_mm_bench_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "c-mm-bench",
	.fops = &c_mm_bench_fops,
};

module_misc_device(c_mm_bench_dev);

MODULE_DESCRIPTION("C twin of the Rust mm locking benchmark");
MODULE_LICENSE("GPL");
