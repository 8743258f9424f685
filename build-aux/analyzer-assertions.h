/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Force-included (-include) by build-aux/analyze into the gcc -fanalyzer
 * build only; never part of a normal build.
 *
 * GLib 2.74 tells only clang's analyzer that a failed g_assert_nonnull(),
 * g_assert_cmp*() or g_assert_error() does not come back (G_ANALYZER_NORETURN
 * is __attribute__((analyzer_noreturn)) under __clang_analyzer__ and nothing
 * under gcc), because g_test_set_nonfatal_assertions() can make them return.
 * Our tests never call it: a failed assertion ends the test. Without this,
 * gcc -fanalyzer reports every use of a value after the assertion that
 * checked it ("dereference of NULL 'page'" right after
 * g_assert_nonnull (page)). These declarations repeat GLib's, with the
 * attribute gcc merges into them; the types are spelt without GLib's
 * typedefs so that this file includes nothing (each .c defines G_LOG_DOMAIN
 * before it includes glib.h).
 */
#pragma once

struct _GError;

__attribute__((noreturn)) void g_assertion_message (const char *domain, const char *file, int line,
                                                    const char *func, const char *message);
__attribute__((noreturn)) void g_assertion_message_cmpstr (const char *domain, const char *file, int line,
                                                           const char *func, const char *expr,
                                                           const char *arg1, const char *cmp,
                                                           const char *arg2);
__attribute__((noreturn)) void g_assertion_message_cmpstrv (const char *domain, const char *file, int line,
                                                            const char *func, const char *expr,
                                                            const char * const *arg1,
                                                            const char * const *arg2,
                                                            unsigned long first_wrong_idx);
__attribute__((noreturn)) void g_assertion_message_cmpnum (const char *domain, const char *file, int line,
                                                           const char *func, const char *expr,
                                                           long double arg1, const char *cmp,
                                                           long double arg2, char numtype);
__attribute__((noreturn)) void g_assertion_message_error (const char *domain, const char *file, int line,
                                                          const char *func, const char *expr,
                                                          const struct _GError *error,
                                                          unsigned int error_domain, int error_code);
