#pragma once
// Lock-free single-producer/single-consumer ring: the only way data crosses between the
// real-time loop and the rest of the program. Capacity is a power of two fixed at
// construction; push and pop never allocate, block or lock. Exactly one thread may push and
// exactly one (other) thread may pop.
#include <atomic>
#include <cstddef>
#include <memory>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace edc::loop {

template <class T>
class SpscQueue {
    static_assert(std::is_nothrow_move_assignable_v<T> && std::is_default_constructible_v<T>,
                  "SpscQueue holds default-constructible, nothrow-movable values");

public:
    // Throws std::invalid_argument unless capacity is a power of two >= 2 (a configuration error).
    explicit SpscQueue(std::size_t capacity) : slots_(new T[check(capacity)]), mask_(capacity - 1) {}

    SpscQueue(const SpscQueue&) = delete;
    SpscQueue& operator=(const SpscQueue&) = delete;

    [[nodiscard]] std::size_t capacity() const noexcept { return mask_ + 1; }

    // Producer side. False when full (the value is left untouched).
    bool try_push(T value) noexcept {
        const std::size_t head = head_.load(std::memory_order_relaxed);
        if (head - tail_cache_ > mask_) {
            tail_cache_ = tail_.load(std::memory_order_acquire);
            if (head - tail_cache_ > mask_) return false;
        }
        slots_[head & mask_] = std::move(value);
        head_.store(head + 1, std::memory_order_release);
        return true;
    }

    // Consumer side. False when empty.
    bool try_pop(T& out) noexcept {
        const std::size_t tail = tail_.load(std::memory_order_relaxed);
        if (tail == head_cache_) {
            head_cache_ = head_.load(std::memory_order_acquire);
            if (tail == head_cache_) return false;
        }
        out = std::move(slots_[tail & mask_]);
        tail_.store(tail + 1, std::memory_order_release);
        return true;
    }

    // Either side; exact only when the other side is idle.
    [[nodiscard]] std::size_t size_approx() const noexcept {
        return head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire);
    }

private:
    static std::size_t check(std::size_t capacity) {
        if (capacity < 2 || (capacity & (capacity - 1)) != 0)
            throw std::invalid_argument("SpscQueue capacity must be a power of two >= 2");
        return capacity;
    }

    static constexpr std::size_t line = 64;  // keep producer and consumer indices on separate cache lines

    std::unique_ptr<T[]> slots_;
    std::size_t mask_;
    alignas(line) std::atomic<std::size_t> head_{0};  // written by the producer
    std::size_t tail_cache_ = 0;                      // producer's last view of tail_
    alignas(line) std::atomic<std::size_t> tail_{0};  // written by the consumer
    std::size_t head_cache_ = 0;                      // consumer's last view of head_
};

}  // namespace edc::loop
