// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Core fields": `vm_private_data` is "handled by
//       driver", and every copy of a VMA (split, fork: `->open()`) shares it until its own
//       `->close()` (Documentation/filesystems/locking.rst, vm_operations_struct), so the owner
//       must outlive the last copy. `VmaData` is sealed to `Arc` (a reference per copy) and
//       `OwnerRef` (unsafe: the owner outlives the VMAs); a handle of the driver's own, such as
//       a `KBox` freed at the first `close`, would leave the other copies dangling.
// expect-error: E0277
// expect-message: the trait bound `Box<Buffer, Kmalloc>: vm_ops::private::Sealed
// expect-message: `VmaData` is a "sealed trait"
//
//! Compile-fail case: a driver implements `VmaData` for its own handle type (`KBox`).
#![allow(dead_code)]

use kernel::{mm::vm_ops::VmaData, prelude::*};

struct Buffer {
    len: usize,
}

impl VmaData<Buffer> for KBox<Buffer> {
    const COUNTED: bool = true;

    type Lent<'a> = &'a Buffer;

    fn into_owner_ptr(self) -> *const Buffer {
        KBox::into_raw(self)
    }

    fn lent_ptr(lent: &Buffer) -> *const Buffer {
        lent
    }

    unsafe fn dup(_owner: *const Buffer) {}

    unsafe fn release(owner: *const Buffer) {
        // SAFETY: `owner` came from `into_owner_ptr`, i.e. `KBox::into_raw`.
        drop(unsafe { KBox::from_raw(owner.cast_mut()) });
    }
}
