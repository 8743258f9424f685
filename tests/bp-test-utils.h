/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Under build-aux/test (BP_TEST_SESSION=1) a missing piece of the headless
 * session fails the test, so a broken environment can never show green;
 * run by hand without it, the test is skipped with the reason. Each returns
 * FALSE when the caller must return at once. */
gboolean  bp_test_require_session_bus (void);
gboolean  bp_test_require_keyring     (void);
gboolean  bp_test_require_display     (void);

/* A fresh directory under the test's temp dir, removed by bp_test_remove_tree(). */
char     *bp_test_make_temp_dir       (void);
void      bp_test_remove_tree         (const char *path);

/* Iterates the default main context until *done is TRUE or the timeout passes. */
void      bp_test_wait_until          (gboolean   *done,
                                       guint       timeout_ms);

/* Runs argv (no shell) and returns its stdout; fails the test on error. */
char     *bp_test_run_command         (const char * const *argv);

/* Reads the whole file; fails the test when it cannot. */
char     *bp_test_read_file           (const char *path,
                                       gsize      *length);

/* A self-signed certificate (EC P-256, made with GnuTLS now) that expires
 * at @not_after and is valid from a year before it, or from a month ago if
 * that is earlier; as PEM. */
char     *bp_test_make_certificate_pem (GDateTime  *not_after);

/* How many times longer than normal a time bound may take: BP_TEST_TIME_FACTOR,
 * which build-aux/test --asan and the valgrind setup set (both make every
 * malloc many times slower); 1 otherwise. */
guint     bp_test_time_factor         (void);

/* What an asynchronous store or keyring call ended with, for the callbacks
 * below and bp_test_wait_until (&outcome.done, ...). The caller frees
 * error and value. */
typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
  char     *value;
} BpTestOutcome;

/* GAsyncReadyCallbacks of BpAccountStore's apply, apply-batch and delete;
 * user_data is a BpTestOutcome. */
void      bp_test_applied_cb          (GObject      *object,
                                       GAsyncResult *result,
                                       gpointer      user_data);
void      bp_test_batch_applied_cb    (GObject      *object,
                                       GAsyncResult *result,
                                       gpointer      user_data);
void      bp_test_deleted_cb          (GObject      *object,
                                       GAsyncResult *result,
                                       gpointer      user_data);

/* Asserts that the haystack does not contain the needle anywhere. */
#define bp_test_assert_no_substring(haystack, length, needle) \
  g_assert_null (g_strstr_len ((haystack), (length), (needle)))

G_END_DECLS
