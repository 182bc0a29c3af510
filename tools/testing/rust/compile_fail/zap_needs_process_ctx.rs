// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page tables": zapping needs only a stable VMA (here
//       a VMA read lock, taken with the lock_vma_under_rcu trylock), but zap_vma_range() takes
//       the PTE locks itself and may sleep (cond_resched, TLB gather), so it must not run in
//       the atomic context the token was made for (`Ctx::new_atomic`).
// expect-error: E0308
// expect-message: mismatched types
// expect-message: found `&mut Ctx<'_, VmaLock, Atomic>`
// expect-message: expected mutable reference `&mut Ctx<'_, _, Process>`
//
//! Compile-fail case: `OwnedVma::zap_vma_range` with the atomic token that `lock_vma_under_rcu`
//! returns for an atomic caller (a spinlock of its own is held).
#![allow(dead_code)]

use kernel::{
    error::{code::EAGAIN, Result},
    mm::{
        order::Ctx,
        vm_ops::{VmOperations, VmOpsTable},
        MmWithUser,
    },
    page::PAGE_SIZE,
    prelude::*,
    sync::{Arc, SpinLock},
    ModuleMetadata,
};

/// What `module!` would declare: `#[vtable]` impls name `crate::LocalModule` as their owner.
struct LocalModule;

impl ModuleMetadata for LocalModule {
    const NAME: &'static CStr = c"compile_fail";
    // SAFETY: This crate is only type-checked, never loaded: it has no `THIS_MODULE`, and a null
    // module pointer is what the `kernel` crate's own `LocalModule` uses.
    const THIS_MODULE: ThisModule = unsafe { ThisModule::from_ptr(core::ptr::null_mut()) };
}

struct Buffer;

struct BufferVma;

#[vtable]
impl VmOperations for BufferVma {
    type Owner = Buffer;
    type Data = Arc<Buffer>;
}

static VM_OPS: VmOpsTable<BufferVma> = VmOpsTable::new();

fn zap_first_page(lru: &SpinLock<usize>, mm: &MmWithUser, buf: &Buffer, addr: usize) -> Result {
    let lru = lru.lock();
    // SAFETY: No mm lock is held; the spinlock `lru` is (atomic context).
    let mut ctx = unsafe { Ctx::new_atomic() };
    let (vma, mut ctx) = mm.lock_vma_under_rcu(&mut ctx, addr).ok_or(EAGAIN)?;
    let ours = VM_OPS.owns(&vma, buf).ok_or(EAGAIN)?;
    ours.zap_vma_range(&mut ctx, vma.start(), PAGE_SIZE)?;
    drop(lru);
    Ok(())
}
