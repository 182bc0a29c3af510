// SPDX-License-Identifier: GPL-2.0

//! KUnit suites written as ordinary Rust functions.
//!
//! Each test is a plain `fn() -> TestResult`. [`kunit_suite!`](crate::kunit_suite) registers a
//! list of such functions as one KUnit suite: every function becomes a `struct kunit_case` under
//! its own name, so KTAP reports pass, failure or skip per function.
//!
//! C header: [`include/kunit/test.h`](srctree/include/kunit/test.h)
//!
//! # Examples
//!
//! ```ignore
//! use kernel::kunit::suite::TestResult;
//! use kernel::{kunit_check, kunit_check_eq, kunit_skip};
//!
//! fn adds() -> TestResult {
//!     kunit_check_eq!(1 + 1, 2);
//!     Ok(())
//! }
//!
//! fn needs_feature() -> TestResult {
//!     kunit_skip!("feature not built in");
//! }
//!
//! kernel::kunit_suite!(rust_example, [adds, needs_feature]);
//! ```
//!
//! (`ignore`d here only because a doctest cannot register a suite of its own; the real suites of
//! `kernel::mm` use exactly this shape.)

use crate::{bindings, error::Error, str::CStr};

/// Why a test did not pass.
#[derive(Debug)]
pub enum TestError {
    /// The test failed; the reason was already printed as a KTAP diagnostic.
    Failed,
    /// The test does not apply here; the reason becomes the `# SKIP` comment.
    Skipped(&'static CStr),
}

/// What a test function returns: `Ok(())` means it passed.
pub type TestResult = core::result::Result<(), TestError>;

impl From<Error> for TestError {
    fn from(e: Error) -> Self {
        crate::pr_err!("    # unexpected error: {:?}\n", e);
        TestError::Failed
    }
}

/// Fails the current test (returns [`TestError::Failed`](crate::kunit::suite::TestError)) unless
/// `cond` holds.
///
/// Prints a KTAP diagnostic naming the file, line and condition.
#[macro_export]
macro_rules! kunit_check {
    ($cond:expr $(,)?) => {
        if !$cond {
            $crate::pr_err!(
                "    # ASSERTION FAILED at {}:{}: expected `{}`\n",
                file!(),
                line!(),
                stringify!($cond)
            );
            return Err($crate::kunit::suite::TestError::Failed);
        }
    };
    ($cond:expr, $($arg:tt)+) => {
        if !$cond {
            $crate::pr_err!(
                "    # ASSERTION FAILED at {}:{}: expected `{}`: {}\n",
                file!(),
                line!(),
                stringify!($cond),
                format_args!($($arg)+)
            );
            return Err($crate::kunit::suite::TestError::Failed);
        }
    };
}

/// Fails the current test unless `left == right`, printing both values otherwise.
#[macro_export]
macro_rules! kunit_check_eq {
    ($left:expr, $right:expr $(,)?) => {
        match (&$left, &$right) {
            (l, r) => {
                if !(*l == *r) {
                    $crate::pr_err!(
                        "    # ASSERTION FAILED at {}:{}: `{}` == `{}` ({:?} != {:?})\n",
                        file!(),
                        line!(),
                        stringify!($left),
                        stringify!($right),
                        l,
                        r
                    );
                    return Err($crate::kunit::suite::TestError::Failed);
                }
            }
        }
    };
}

/// Ends the current test as skipped, with `reason` (a string literal) as the KTAP comment.
#[macro_export]
macro_rules! kunit_skip {
    ($reason:literal) => {
        return Err($crate::kunit::suite::TestError::Skipped($crate::c_str!(
            $reason
        )))
    };
}

/// Runs one test function and records its outcome in `test`.
///
/// # Safety
///
/// `test` must be the `struct kunit` KUnit passed to the running case.
#[doc(hidden)]
pub unsafe fn run_case(test: *mut bindings::kunit, f: fn() -> TestResult) {
    let status = match f() {
        Ok(()) => return,
        Err(TestError::Failed) => bindings::kunit_status_KUNIT_FAILURE,
        Err(TestError::Skipped(reason)) => {
            // SAFETY: By the safety requirements `test` is valid, and only this task writes the
            // comment of its own running case.
            let comment = unsafe { &mut (*test).status_comment };
            let n = reason.len().min(comment.len() - 1);
            for (dst, src) in comment.iter_mut().zip(&reason.as_bytes()[..n]) {
                *dst = *src as _;
            }
            comment[n] = 0;
            bindings::kunit_status_KUNIT_SKIPPED
        }
    };
    // SAFETY: `test` is valid; KUnit reads `status` after the case returns (C uses `WRITE_ONCE`).
    unsafe { core::ptr::write_volatile(core::ptr::addr_of_mut!((*test).status), status) };
}

/// Builds one `struct kunit_case` (used by [`kunit_suite!`](crate::kunit_suite)).
#[doc(hidden)]
pub const fn case(
    name: &'static CStr,
    run: extern "C" fn(*mut bindings::kunit),
) -> bindings::kunit_case {
    // SAFETY: All-zero is a valid `kunit_case` (null pointers, `None` callbacks, zero attributes),
    // the same as the unnamed fields of a C designated initialiser.
    let mut c: bindings::kunit_case = unsafe { core::mem::zeroed() };
    c.run_case = Some(run);
    c.name = name.as_char_ptr();
    c
}

/// Builds one `struct kunit_suite` named `name` over the zero-terminated `cases`.
#[doc(hidden)]
pub const fn suite(name: &str, cases: *mut bindings::kunit_case) -> bindings::kunit_suite {
    // SAFETY: All-zero is a valid `kunit_suite`, as for a C static initialiser.
    let mut s: bindings::kunit_suite = unsafe { core::mem::zeroed() };
    let bytes = name.as_bytes();
    // Keep the terminating NUL: the name must be shorter than the C array.
    assert!(bytes.len() < s.name.len());
    let mut i = 0;
    while i < bytes.len() {
        s.name[i] = bytes[i] as _;
        i += 1;
    }
    s.test_cases = cases;
    s
}

/// Registers Rust test functions as one KUnit suite.
///
/// `kunit_suite!(suite_name, [test_a, test_b])` makes every listed `fn() -> TestResult` a test
/// case of KUnit suite `suite_name`, in order. Built-in suites run at boot, like C suites declared
/// with `kunit_test_suite()`.
#[macro_export]
macro_rules! kunit_suite {
    ($suite:ident, [$($test:ident),+ $(,)?]) => {
        const _: () = {
            const N: usize = [$(stringify!($test)),+].len();
            static mut CASES: [$crate::bindings::kunit_case; N + 1] = [
                $({
                    extern "C" fn run(test: *mut $crate::bindings::kunit) {
                        // SAFETY: KUnit calls this with the `struct kunit` of the running case.
                        unsafe { $crate::kunit::suite::run_case(test, $test) }
                    }
                    $crate::kunit::suite::case($crate::c_str!(stringify!($test)), run)
                },)+
                // SAFETY: The all-zero case terminates the array, as `{}` does in C.
                unsafe { core::mem::zeroed() },
            ];
            static mut SUITE: $crate::bindings::kunit_suite = $crate::kunit::suite::suite(
                stringify!($suite),
                core::ptr::addr_of_mut!(CASES).cast(),
            );
            // The executor finds built-in suites through this section, as for C's
            // `kunit_test_suites()`.
            #[used]
            #[link_section = ".kunit_test_suites"]
            static mut REGISTRATION: *mut $crate::bindings::kunit_suite =
                core::ptr::addr_of_mut!(SUITE);
        };
    };
}
