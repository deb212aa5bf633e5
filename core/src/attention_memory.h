// Private to the core: storage for the attention kernels' tables that are read at random.
// The pool kernel reads a 512 KB lane table (128 pages of 4 KB) and the content rows at random,
// one lane row per key: with 4 KB pages nearly every key misses the first-level TLB. Tables of
// 64 KB and more therefore go on 2 MB-aligned memory that the kernel is asked to back with
// transparent huge pages (madvise, Linux); where it does not, they are ordinary memory.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace ropescope {

// An allocator that puts blocks of at least kHugeThreshold bytes on 2 MB-aligned, huge-page
// advised memory (rounded up to whole 2 MB); smaller blocks come from operator new.
template <class T>
struct HugePageAllocator {
    using value_type = T;
    static constexpr std::size_t kHugePage = std::size_t{1} << 21;
    static constexpr std::size_t kHugeThreshold = std::size_t{1} << 16;

    HugePageAllocator() = default;
    template <class U>
    HugePageAllocator(const HugePageAllocator<U>&) {}

    T* allocate(std::size_t n) {
        const std::size_t bytes = n * sizeof(T);
        if (bytes < kHugeThreshold) return static_cast<T*>(::operator new(bytes));
        const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
        void* p = std::aligned_alloc(kHugePage, rounded);
        if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        madvise(p, rounded, MADV_HUGEPAGE);  // advice only: without huge pages the memory still works
#endif
        return static_cast<T*>(p);
    }
    void deallocate(T* p, std::size_t n) {
        if (n * sizeof(T) < kHugeThreshold) ::operator delete(p);
        else std::free(p);
    }
    template <class U>
    bool operator==(const HugePageAllocator<U>&) const {
        return true;
    }
};

// A float table read at random by the kernels.
using KernelTable = std::vector<float, HugePageAllocator<float>>;

}  // namespace ropescope
