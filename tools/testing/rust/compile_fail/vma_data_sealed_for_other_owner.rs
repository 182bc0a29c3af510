// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Core fields": `vm_private_data` is "handled by
//       driver"; the trampolines turn it into the `&Owner` each callback receives, so only the
//       `kernel` crate's two `VmaData` kinds (`Arc<O>`, `OwnerRef<O>`, for the same `O`) may
//       produce it. `Arc<Buffer>` is sealed as a handle to a `Buffer`, not to another owner type.
// expect-error: E0277
// expect-message: `VmaData` is a "sealed trait"
// control: ok_vma_data_not_sealed_impl
//
//! Compile-fail case: a driver implements `VmaData<Evil>` for `Arc<Buffer>`, whose owner pointer
//! is dangling; the callbacks would get a `&Evil` from it.
#![allow(dead_code)]

use kernel::{mm::vm_ops::VmaData, prelude::*, sync::Arc};

struct Buffer;

struct Evil {
    len: usize,
}

impl VmaData<Evil> for Arc<Buffer> {
    const COUNTED: bool = false;

    type Lent<'a> = &'a Evil;

    fn into_owner_ptr(self) -> *const Evil {
        core::ptr::NonNull::dangling().as_ptr()
    }

    fn lent_ptr(lent: &Evil) -> *const Evil {
        lent
    }

    unsafe fn dup(_owner: *const Evil) {}

    unsafe fn release(_owner: *const Evil) {}
}
