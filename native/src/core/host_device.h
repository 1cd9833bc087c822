#pragma once
// NS_HOST_DEVICE: a function both backends compile — inline C++ on the cpu, __host__ __device__
// under nvcc — for the definitions that must give the same bits on both (Note [philox], Note
// [sort keys]).
#ifndef NS_HOST_DEVICE
#if defined(__CUDACC__)
#define NS_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define NS_HOST_DEVICE inline __attribute__((always_inline))
#endif
#endif
