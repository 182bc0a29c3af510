// SPDX-License-Identifier: GPL-2.0

/*
 * Out-of-line copies of the static inline mm locking functions used by
 * rust/kernel/mm.rs and rust/kernel/mm/. Each one only calls the C function of
 * the same name.
 */

#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/sched/mm.h>

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
