// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Core fields": `vm_private_data` is "handled by
//       driver" and means something only for a VMA whose `vm_ops` is that driver's table; a VMA
//       looked up by address may have been replaced by someone else's mapping.
// expect-error: E0599
// expect-message: no method named `data` found for reference `&VmaRef`
//
//! Compile-fail case: reading driver private data from a `&VmaRef` without `VmOpsTable::owns`.
#![allow(dead_code)]

use kernel::{
    mm::{
        order::Ctx,
        vm_ops::{VmOperations, VmOpsTable},
        MmWithUser,
    },
    prelude::*,
    sync::Arc,
};

struct Buffer {
    len: usize,
}

struct BufferVma;

#[vtable]
impl VmOperations for BufferVma {
    type Data = Arc<Buffer>;
}

static VM_OPS: VmOpsTable<BufferVma> = VmOpsTable::new();

fn buffer_len(mm: &MmWithUser, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, _ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    Some(vma.data().len)
}
