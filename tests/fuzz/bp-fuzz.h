/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

G_BEGIN_DECLS

/* The entry points of a libFuzzer target. Each target defines
 * LLVMFuzzerTestOneInput(); clang's -fsanitize=fuzzer provides main(), and
 * standalone-main.c replays a corpus through the same function with gcc. */
int  LLVMFuzzerTestOneInput (const uint8_t *data,
                             size_t         size);

/* Makes a GLib critical or warning abort: one reached from fuzz input is a
 * bug (a g_return_if_fail() our own code should never trip), and the fuzzer
 * only notices a crash. Also sets the C locale. */
void bp_fuzz_init           (void);

/* A NUL-terminated copy of the input, for the parsers that want a string. */
char *bp_fuzz_dup_input     (const uint8_t *data,
                             size_t         size);

G_END_DECLS
