#pragma once
// Bounded single-producer/single-consumer ring of trivially copyable records: wait-free push
// and pop, no allocation after construction, so the control loop's tick may push into it.
// (Kept here until control/loop provides a shared SPSC queue.)
#include <atomic>
#include <cstddef>
#include <memory>
#include <new>
#include <span>
#include <type_traits>

namespace edc::journal {

template <class T>
class SampleRing {
    static_assert(std::is_trivially_copyable_v<T>);

public:
    // Capacity is rounded up to a power of two.
    explicit SampleRing(std::size_t capacity)
        : mask_(round_up(capacity) - 1), slots_(std::make_unique<T[]>(mask_ + 1)) {}

    [[nodiscard]] std::size_t capacity() const noexcept { return mask_ + 1; }

    // Producer only. False when full (the caller counts what it could not queue).
    bool push(const T& value) noexcept {
        const std::size_t head = head_.load(std::memory_order_relaxed);
        if (head - tail_cache_ > mask_) {
            tail_cache_ = tail_.load(std::memory_order_acquire);
            if (head - tail_cache_ > mask_) return false;
        }
        slots_[head & mask_] = value;
        head_.store(head + 1, std::memory_order_release);
        return true;
    }

    // Consumer only: copies up to out.size() records, returns how many.
    std::size_t pop(std::span<T> out) noexcept {
        const std::size_t tail = tail_.load(std::memory_order_relaxed);
        const std::size_t available = head_.load(std::memory_order_acquire) - tail;
        const std::size_t n = available < out.size() ? available : out.size();
        for (std::size_t i = 0; i < n; ++i) out[i] = slots_[(tail + i) & mask_];
        tail_.store(tail + n, std::memory_order_release);
        return n;
    }

    // Either side; a snapshot.
    [[nodiscard]] std::size_t size() const noexcept {
        return head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire);
    }

private:
    static std::size_t round_up(std::size_t n) noexcept {
        std::size_t p = 2;
        while (p < n) p <<= 1U;
        return p;
    }

    const std::size_t mask_;
    std::unique_ptr<T[]> slots_;
    alignas(64) std::atomic<std::size_t> head_{0};  // written by the producer
    std::size_t tail_cache_ = 0;                    // producer's last view of tail_
    alignas(64) std::atomic<std::size_t> tail_{0};  // written by the consumer
};

}  // namespace edc::journal
