#pragma once
// Loops that GCC vectorises, compiled once per instruction set and picked at load time, so they
// run as wide as the machine (the addon's baseline is x86-64-v2, 4 lanes): put NS_WIDE_LOOPS on
// the function that holds them (not on a template: GCC clones only plain functions).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define NS_WIDE_LOOPS __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NS_WIDE_LOOPS
#endif
