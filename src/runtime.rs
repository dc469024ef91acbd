//! What `std` would provide to the published module, in far fewer bytes: a panic handler that
//! traps without formatting anything (`std`'s pulls in the whole formatting machinery), and an
//! allocator with power-of-two size classes (`std`'s dlmalloc is 8 KB of code).
//!
//! Nothing on the request path panics by design (errors are values); a panic here would be a bug,
//! and trapping is what `panic = "abort"` does anyway.
//!
//! The allocator: each size class (8 bytes to 32 MiB) keeps a free list threaded through its free
//! blocks; new blocks are cut from pages taken with `memory.grow`, aligned to their size so any
//! alignment up to the size is met. Memory is reused, never returned (wasm memory cannot shrink).
//! Up to half of a block can be slack, which is fine for the small strings and vectors this crate
//! allocates.
#![allow(unsafe_code)]

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::cell::Cell;
use core::ptr;

#[cfg(target_feature = "atomics")]
compile_error!("the module allocator assumes one thread: build without the atomics target feature");

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    wasm32::unreachable()
}

const PAGE: usize = 65_536;
/// Size classes 2^3 … 2^25.
const CLASSES: usize = 23;
const MIN_SHIFT: u32 = 3;

struct Allocator {
    /// Head of each class's free list (0: empty).
    free: [Cell<usize>; CLASSES],
    /// The unused part of the last pages taken.
    next: Cell<usize>,
    end: Cell<usize>,
}

// SAFETY: wasm32 without the atomics feature (checked above) runs one thread, so the cells are
// never touched concurrently.
unsafe impl Sync for Allocator {}

#[global_allocator]
static ALLOCATOR: Allocator =
    Allocator { free: [const { Cell::new(0) }; CLASSES], next: Cell::new(0), end: Cell::new(0) };

/// The class index and block size for `layout`, or `None` when it is too large.
fn class_of(layout: Layout) -> Option<(usize, usize)> {
    let size = layout.size().max(layout.align()).max(1 << MIN_SHIFT).checked_next_power_of_two()?;
    let index = (size.trailing_zeros() - MIN_SHIFT) as usize;
    (index < CLASSES).then_some((index, size))
}

impl Allocator {
    /// Cuts a new block of `size` bytes (a power of two) from the current pages, taking more
    /// pages when needed; null when memory cannot grow.
    fn carve(&self, size: usize) -> *mut u8 {
        let start = (self.next.get() + size - 1) & !(size - 1);
        if start != 0 && start + size <= self.end.get() {
            self.next.set(start + size);
            return start as *mut u8;
        }
        let pages = (2 * size).div_ceil(PAGE);
        let previous = wasm32::memory_grow(0, pages);
        if previous == usize::MAX {
            return ptr::null_mut();
        }
        if previous * PAGE != self.end.get() {
            // Not contiguous with the pages we had (the first call): start afresh.
            self.next.set(previous * PAGE);
        }
        self.end.set((previous + pages) * PAGE);
        self.carve(size)
    }
}

unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some((index, size)) = class_of(layout) else { return ptr::null_mut() };
        let head = self.free[index].get();
        if head == 0 {
            return self.carve(size);
        }
        // SAFETY: `head` is a free block of this class; its first word holds the next free block.
        self.free[index].set(unsafe { *(head as *const usize) });
        head as *mut u8
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        if let Some((index, _)) = class_of(layout) {
            // SAFETY: `block` was allocated for `layout` (GlobalAlloc's contract), so it is at least
            // 8 bytes and aligned to 8: room for the link to the next free block.
            unsafe { *(block as *mut usize) = self.free[index].get() };
            self.free[index].set(block as usize);
        }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return ptr::null_mut();
        };
        if class_of(layout) == class_of(new_layout) {
            return block;
        }
        // SAFETY: as in `GlobalAlloc::realloc`'s default: a new block, the bytes copied, the old freed.
        unsafe {
            let moved = self.alloc(new_layout);
            if !moved.is_null() {
                ptr::copy_nonoverlapping(block, moved, layout.size().min(new_size));
                self.dealloc(block, layout);
            }
            moved
        }
    }
}
