// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Core fields": `vm_private_data` is "handled by
//       driver"; check `vm_ops` before using it.
//
//! Control: the VMA looked up by address goes through `VmOpsTable::owns` before `data()`.
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
    let vma = VM_OPS.owns(mmap.vma_lookup(addr)?)?;
    Some(vma.data().len)
}
