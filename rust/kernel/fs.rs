// SPDX-License-Identifier: GPL-2.0

//! Files (`struct file`), as far as memory mapping needs them.
//!
//! C header: [`include/linux/fs.h`](srctree/include/linux/fs.h).

use crate::{bindings, mm::rmap::AddressSpace, types::Opaque};

/// An open file (`struct file`).
///
/// # Invariants
///
/// A `&File` points to a valid `struct file` with a reference held by someone for the lifetime
/// of the borrow.
#[repr(transparent)]
pub struct File {
    file: Opaque<bindings::file>,
}

impl File {
    /// Returns a reference to the file at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must be a valid file, kept alive (referenced) for `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::file) -> &'a File {
        // SAFETY: Transparent wrapper; the caller guarantees validity.
        unsafe { &*ptr.cast() }
    }

    /// Returns the raw pointer.
    #[inline]
    pub fn as_raw(&self) -> *mut bindings::file {
        self.file.get()
    }

    /// The open flags (`f_flags`: `O_RDONLY`, `O_NONBLOCK`, ...).
    #[inline]
    pub fn flags(&self) -> u32 {
        // SAFETY: The file is valid (type invariant).
        unsafe { bindings::rust_mm_file_flags(self.as_raw()) }
    }

    /// Whether the file was opened for writing (`f_mode & FMODE_WRITE`).
    #[inline]
    pub fn is_writable(&self) -> bool {
        // SAFETY: The file is valid (type invariant).
        unsafe { bindings::rust_mm_file_writable(self.as_raw()) }
    }

    /// The page cache mapping (`f_mapping`), whose `i_mmap` tree lists the VMAs mapping the file.
    #[inline]
    pub fn mapping(&self) -> &AddressSpace {
        // SAFETY: `f_mapping` is set at open and valid while the file is.
        unsafe { AddressSpace::from_raw(bindings::rust_mm_file_mapping(self.as_raw())) }
    }
}
