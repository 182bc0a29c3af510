// SPDX-License-Identifier: GPL-2.0
//
// rule: mm/vma.c: __mmap_region(): `f_op->mmap_prepare` only describes the mapping; the core
//       creates the VMA afterwards, within the same `mmap` call, and calls `vm_ops->mapped`
//       on it (mm/util.c: call_vma_mapped), or merges the range into a neighbour and creates
//       none. `VmaDesc::set_vm_ops` therefore takes no reference: it lends the owner for the
//       whole `mmap` call (`'a`, shared with the device borrow), and the VMA takes its own in
//       `mapped`. An owner that may be gone before then, such as one made inside the hook,
//       does not live for `'a`.
// expect-error: E0597
// expect-message: does not live long enough
//
//! Compile-fail case: `mmap_prepare` lends an `Arc` it created itself as the VMA's owner.
#![allow(dead_code)]

use kernel::{
    error::Result,
    mm::{
        order::{Ctx, MmapLock},
        vm_ops::VmaDesc,
    },
    page::Page,
    prelude::*,
    sync::{Arc, ArcBorrow},
};

include!("support/driver.rs");

fn mmap_prepare<'a>(
    buf: ArcBorrow<'a, Buffer>,
    desc: VmaDesc<'a>,
    _ctx: &mut Ctx<'_, MmapLock>,
) -> Result {
    let page = Page::alloc_page(GFP_KERNEL)?;
    let _fresh = Arc::new(Buffer { len: buf.len, page }, GFP_KERNEL)?;
    let desc = desc.set_mixedmap()?;
    desc.set_vm_ops(&VM_OPS, _fresh.as_arc_borrow()); // misuse: desc.set_vm_ops(&VM_OPS, buf);
    Ok(())
}
