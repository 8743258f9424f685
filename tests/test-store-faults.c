/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store-faults"

/* unshare() and the CLONE_ flags. */
#define _GNU_SOURCE 1

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <utime.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "bp-account-store.h"
#include "bp-error.h"
#include "bp-salesforce-account.h"
#include "bp-secret-store.h"
#include "bp-test-gtk.h"
#include "bp-test-utils.h"
#include "bp-account-editor.h"
#include "bp-window.h"

/* Fault injection for the store: the disk full or read-only during Apply,
 * the process killed in the middle of saves, and something else than our
 * own file at the store's path.
 *
 * A full disk and a read-only folder are made for real where the kernel lets
 * this process have a mount namespace of its own (as root, or through a user
 * namespace): a small tmpfs gives ENOSPC, a read-only bind mount EROFS, even
 * for root. Where it does not, the tests fall back to RLIMIT_FSIZE (EFBIG,
 * as a full disk does for a write) or, not as root, to a folder without write
 * permission; each test says in its output which one it used. */

#define WAIT_MS 20000

/* ------------------------------------------------------------------ */
/* A mount namespace of our own                                        */

static gboolean can_mount;
static char *cannot_mount_reason;

static gboolean
write_proc_file (const char *path,
                 const char *contents)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  gssize length = strlen (contents);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = write (fd, contents, length) == length;
  close (fd);
  return ok;
}

/* Must run before any thread exists: a namespace is joined by the calling
 * thread, and the threads it starts afterwards. */
static void
enter_mount_namespace (void)
{
  uid_t uid = geteuid ();
  gid_t gid = getegid ();

  /* To try the fallbacks where mounting works. */
  if (g_getenv ("BP_TEST_NO_MOUNT") != NULL)
    {
      cannot_mount_reason = g_strdup ("BP_TEST_NO_MOUNT is set");
      return;
    }

  if (unshare (CLONE_NEWNS) != 0)
    {
      g_autofree char *uid_map = g_strdup_printf ("%u %u 1\n", (guint) uid, (guint) uid);
      g_autofree char *gid_map = g_strdup_printf ("%u %u 1\n", (guint) gid, (guint) gid);
      int saved_errno = errno;

      /* Not root: a user namespace that maps us to ourselves (not to root,
       * so that D-Bus still knows us) gives the right to mount in it. */
      if (unshare (CLONE_NEWUSER | CLONE_NEWNS) != 0)
        {
          cannot_mount_reason = g_strdup_printf ("no mount namespace (%s), no user namespace (%s)",
                                                 g_strerror (saved_errno), g_strerror (errno));
          return;
        }

      if (!write_proc_file ("/proc/self/setgroups", "deny")
          || !write_proc_file ("/proc/self/uid_map", uid_map)
          || !write_proc_file ("/proc/self/gid_map", gid_map))
        {
          cannot_mount_reason = g_strdup_printf ("could not map the user namespace: %s", g_strerror (errno));
          return;
        }
    }

  /* Our mounts must not show up outside this process. */
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    {
      cannot_mount_reason = g_strdup_printf ("could not make the mounts private: %s", g_strerror (errno));
      return;
    }

  can_mount = TRUE;
}

static gboolean
mount_small_tmpfs (const char *dir)
{
  if (mount ("bp-test-full", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0700") == 0)
    return TRUE;

  g_test_message ("mounting a tmpfs failed: %s", g_strerror (errno));
  return FALSE;
}

static gboolean
bind_read_only (const char *dir)
{
  if (mount (dir, dir, NULL, MS_BIND, NULL) != 0)
    {
      g_test_message ("bind-mounting %s failed: %s", dir, g_strerror (errno));
      return FALSE;
    }

  if (mount (NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) != 0)
    {
      g_test_message ("remounting %s read-only failed: %s", dir, g_strerror (errno));
      umount2 (dir, MNT_DETACH);
      return FALSE;
    }

  return TRUE;
}

/* Fills the file system of @dir with a file @dir/filler until ENOSPC. */
static void
fill_disk (const char *dir)
{
  g_autofree char *filler = g_build_filename (dir, "filler", NULL);
  char block[4096];
  int fd = open (filler, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  gboolean is_full = FALSE;

  g_assert_cmpint (fd, >=, 0);
  memset (block, 'x', sizeof block);
  for (guint i = 0; i < 1024 && !is_full; i++)
    {
      if (write (fd, block, sizeof block) < 0)
        {
          g_assert_cmpint (errno, ==, ENOSPC);
          is_full = TRUE;
        }
    }
  close (fd);
  g_assert_true (is_full);
}

/* The fallback: every file this process writes stops at @size bytes. */
static struct rlimit saved_fsize_limit;

static void
limit_file_size (rlim_t size)
{
  struct rlimit limit;

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved_fsize_limit), ==, 0);
  limit = saved_fsize_limit;
  limit.rlim_cur = size;
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
}

static void
unlimit_file_size (void)
{
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved_fsize_limit), ==, 0);
}

/* ------------------------------------------------------------------ */
/* Waiting for the store and the keyring                               */

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  BpTestOutcome *outcome = user_data;

  outcome->value = bp_secret_store_lookup_finish (BP_SECRET_STORE (object), result, &outcome->error);
  outcome->done = TRUE;
}

static gboolean
finish (BpTestOutcome  *outcome,
        GError  **error)
{
  bp_test_wait_until (&outcome->done, WAIT_MS);
  g_assert_true (outcome->done);
  if (outcome->error != NULL)
    g_propagate_error (error, outcome->error);
  return outcome->ok;
}

static gboolean
apply (BpAccountStore  *store,
       BpAccount       *draft,
       GError         **error)
{
  BpTestOutcome outcome = { 0 };

  bp_account_store_apply_async (store, draft, NULL, bp_test_applied_cb, &outcome);
  return finish (&outcome, error);
}

static gboolean
apply_batch (BpAccountStore  *store,
             GPtrArray       *drafts,
             GError         **error)
{
  BpTestOutcome outcome = { 0 };

  bp_account_store_apply_batch_async (store, drafts, NULL, bp_test_batch_applied_cb, &outcome);
  return finish (&outcome, error);
}

static gboolean
delete_account (BpAccountStore  *store,
                BpAccount       *account,
                GError         **error)
{
  BpTestOutcome outcome = { 0 };

  bp_account_store_delete_async (store, account, NULL, bp_test_deleted_cb, &outcome);
  return finish (&outcome, error);
}

/* The keyring's value, or NULL when it has none. */
static char *
keyring_lookup (BpSecretStore *secrets,
                const char    *account_id)
{
  BpTestOutcome outcome = { 0 };

  bp_secret_store_lookup_async (secrets, account_id, BP_SECRET_KIND_CONSUMER_SECRET, NULL,
                                looked_up_cb, &outcome);
  bp_test_wait_until (&outcome.done, WAIT_MS);
  g_assert_true (outcome.done);
  if (outcome.value == NULL)
    g_assert_error (outcome.error, BP_ERROR, BP_ERROR_SECRET_NOT_FOUND);
  g_clear_error (&outcome.error);
  return outcome.value;
}

/* ------------------------------------------------------------------ */
/* Accounts and files                                                  */

static BpAccount *
make_account (const char *name)
{
  BpSalesforceAccount *account = bp_salesforce_account_new ();

  bp_account_set_name (BP_ACCOUNT (account), name);
  bp_salesforce_account_set_url (account, "https://acme.my.salesforce.com/");
  bp_salesforce_account_set_consumer_key (account, "3MVG9consumer-key-of-the-connected-app");
  bp_salesforce_account_set_idp_login_url (account, "https://acme.my.salesforce.com/idp/login?app=0sp000000000001");
  return BP_ACCOUNT (account);
}

static BpAccountStore *
new_store (const char    *path,
           BpSecretStore *secrets)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return bp_account_store_new (file, secrets);
}

/* A fresh store read from @path, to see what the file says. */
static BpAccountStore *
reload (const char  *path,
        GError     **error)
{
  g_autoptr(BpSecretStore) secrets = bp_secret_store_new ();
  g_autoptr(BpAccountStore) store = new_store (path, secrets);

  bp_account_store_load (store, error);
  return g_steal_pointer (&store);
}

static char *
first_name (BpAccountStore *store)
{
  g_autoptr(BpAccount) account = g_list_model_get_item (G_LIST_MODEL (store), 0);

  return account != NULL ? g_strdup (bp_account_get_name (account)) : NULL;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The names in @dir besides @keep, sorted, one per line. */
static char *
list_other_files (const char *dir,
                  const char *keep)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    if (g_strcmp0 (name, keep) != 0)
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("\n", (char **) names->pdata);
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

/* ------------------------------------------------------------------ */
/* Disk full and read-only folder during Apply                         */

typedef enum
{
  FAULT_DISK_FULL,
  FAULT_READ_ONLY,
} Fault;

typedef struct
{
  char          *dir;       /* the test's temp dir */
  char          *mount;     /* where a tmpfs or a bind mount goes */
  char          *store_dir; /* the store's folder */
  char          *path;      /* accounts.json */
  BpSecretStore *secrets;
  BpAccountStore *store;
  Fault          fault;
  gboolean       is_mounted;
  gboolean       is_bound;
  gboolean       uses_fsize_limit;
  gboolean       uses_permissions;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->fault = GPOINTER_TO_INT (user_data);
  fixture->dir = bp_test_make_temp_dir ();
  fixture->mount = g_build_filename (fixture->dir, "mnt", NULL);
  fixture->store_dir = g_build_filename (fixture->mount, "bp-integration-accounts", NULL);
  fixture->path = g_build_filename (fixture->store_dir, "accounts.json", NULL);
  g_assert_cmpint (g_mkdir (fixture->mount, 0700), ==, 0);

  if (fixture->fault == FAULT_DISK_FULL && can_mount)
    fixture->is_mounted = mount_small_tmpfs (fixture->mount);

  fixture->secrets = bp_secret_store_new ();
  fixture->store = new_store (fixture->path, fixture->secrets);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->secrets);
  if (fixture->is_bound)
    g_assert_cmpint (umount2 (fixture->store_dir, MNT_DETACH), ==, 0);
  if (fixture->is_mounted)
    g_assert_cmpint (umount2 (fixture->mount, MNT_DETACH), ==, 0);
  bp_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->mount);
  g_free (fixture->store_dir);
  g_free (fixture->path);
}

/* Breaks the disk the way the fixture says, as really as this process may. */
static void
break_disk (Fixture *fixture)
{
  if (fixture->fault == FAULT_DISK_FULL && fixture->is_mounted)
    {
      g_test_message ("disk full: a 64 KiB tmpfs filled up (ENOSPC)");
      fill_disk (fixture->mount);
      return;
    }

  if (fixture->fault == FAULT_READ_ONLY && can_mount)
    {
      fixture->is_bound = bind_read_only (fixture->store_dir);
      if (fixture->is_bound)
        {
          g_test_message ("read-only folder: a read-only bind mount (EROFS)");
          return;
        }
    }

  if (fixture->fault == FAULT_READ_ONLY && geteuid () != 0)
    {
      g_test_message ("read-only folder: a folder without write permission (EACCES); %s",
                      cannot_mount_reason != NULL ? cannot_mount_reason : "mounting failed");
      g_assert_cmpint (g_chmod (fixture->store_dir, 0500), ==, 0);
      fixture->uses_permissions = TRUE;
      return;
    }

  /* As root, permission bits stop nothing: a file size limit does. */
  g_test_message ("%s: RLIMIT_FSIZE in this process (EFBIG); %s",
                  fixture->fault == FAULT_DISK_FULL ? "disk full" : "read-only folder",
                  cannot_mount_reason != NULL ? cannot_mount_reason : "mounting failed");
  limit_file_size (16);
  fixture->uses_fsize_limit = TRUE;
}

static void
repair_disk (Fixture *fixture)
{
  if (fixture->uses_fsize_limit)
    unlimit_file_size ();
  if (fixture->uses_permissions)
    g_assert_cmpint (g_chmod (fixture->store_dir, 0700), ==, 0);
  if (fixture->is_bound)
    {
      g_assert_cmpint (umount2 (fixture->store_dir, MNT_DETACH), ==, 0);
      fixture->is_bound = FALSE;
    }
  if (fixture->fault == FAULT_DISK_FULL && fixture->is_mounted)
    {
      g_autofree char *filler = g_build_filename (fixture->mount, "filler", NULL);

      g_assert_cmpint (g_unlink (filler), ==, 0);
    }
}

/* What the store says, for each way of breaking the disk. */
static void
assert_write_error (Fixture      *fixture,
                    const GError *error)
{
  g_autofree char *expected = NULL;

  g_assert_error (error, BP_ERROR, BP_ERROR_STORE_WRITE);
  g_assert_true (g_str_has_prefix (error->message,
                                   "The accounts file could not be written, so nothing was changed: "));

  if (fixture->uses_fsize_limit)
    expected = g_strdup_printf ("the file in %s would be larger than this system lets the application write "
                                "(a full disk or a file size limit).", fixture->store_dir);
  else if (fixture->uses_permissions)
    expected = g_strdup_printf ("writing in the folder %s is not permitted.", fixture->store_dir);
  else if (fixture->fault == FAULT_DISK_FULL)
    expected = g_strdup_printf ("the disk that holds %s is full. Free some space and try again.",
                                fixture->store_dir);
  else
    expected = g_strdup_printf ("the folder %s is on a read-only file system.", fixture->store_dir);

  if (strstr (error->message, expected) == NULL)
    g_error ("“%s” does not say “%s”", error->message, expected);
}

static void
test_apply_on_broken_disk (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(BpAccount) production = make_account ("Production");
  g_autoptr(BpAccount) draft = NULL;
  g_autoptr(BpAccountStore) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *strays = NULL;
  g_autofree char *name = NULL;
  BpAccount *saved;

  if (!bp_test_require_keyring ())
    return;

  bp_salesforce_account_set_consumer_secret (BP_SALESFORCE_ACCOUNT (production), "old-secret");
  g_assert_true (apply (fixture->store, production, &error));
  g_assert_no_error (error);
  before = bp_test_read_file (fixture->path, NULL);
  saved = g_list_model_get_item (G_LIST_MODEL (fixture->store), 0);
  g_object_unref (saved);   /* the store keeps it */

  /* The administrator renames the account and types a new secret. */
  draft = bp_account_copy (saved);
  bp_account_set_name (draft, "Renamed");
  bp_salesforce_account_set_consumer_secret (BP_SALESFORCE_ACCOUNT (draft), "new-secret");

  break_disk (fixture);
  g_assert_false (apply (fixture->store, draft, &error));
  if (fixture->uses_fsize_limit)
    unlimit_file_size ();   /* reading the file back is not limited; writing the log is */
  assert_write_error (fixture, error);
  g_clear_error (&error);

  /* Nothing changed: the file, the saved account, the keyring. */
  after = bp_test_read_file (fixture->path, NULL);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (bp_account_get_name (saved), ==, "Production");
  secret = keyring_lookup (fixture->secrets, bp_account_get_id (saved));
  g_assert_cmpstr (secret, ==, "old-secret");
  /* No temporary file was left behind. */
  strays = list_other_files (fixture->store_dir, "accounts.json");
  g_assert_cmpstr (strays, ==, "");

  /* Nothing typed is lost: the draft still holds it. */
  g_assert_cmpstr (bp_account_get_name (draft), ==, "Renamed");
  g_assert_cmpstr (bp_salesforce_account_get_consumer_secret (BP_SALESFORCE_ACCOUNT (draft)), ==, "new-secret");

  /* Delete fails the same way, and keeps the account and its secret. */
  if (fixture->uses_fsize_limit)
    limit_file_size (16);
  g_assert_false (delete_account (fixture->store, saved, &error));
  if (fixture->uses_fsize_limit)
    unlimit_file_size ();
  assert_write_error (fixture, error);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 1);
  g_clear_pointer (&secret, g_free);
  secret = keyring_lookup (fixture->secrets, bp_account_get_id (saved));
  g_assert_cmpstr (secret, ==, "old-secret");

  /* Once there is room again, the same draft applies. */
  repair_disk (fixture);
  g_assert_true (apply (fixture->store, draft, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (bp_account_get_name (saved), ==, "Renamed");
  g_clear_pointer (&secret, g_free);
  secret = keyring_lookup (fixture->secrets, bp_account_get_id (saved));
  g_assert_cmpstr (secret, ==, "new-secret");
  g_assert_cmpuint (file_mode (fixture->path), ==, 0600);

  reloaded = reload (fixture->path, &error);
  g_assert_no_error (error);
  name = first_name (reloaded);
  g_assert_cmpstr (name, ==, "Renamed");

  g_assert_true (delete_account (fixture->store, saved, &error));
  g_assert_no_error (error);
}

/* The same in the window: the message is shown where Apply was pressed, and
 * the form keeps what was typed until Apply works. */

static gboolean
is_button_for_action (GtkWidget     *widget,
                      gconstpointer  action)
{
  return GTK_IS_ACTIONABLE (widget)
         && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0;
}

static gboolean
is_apply_sensitive (BpWindow *window)
{
  GtkWidget *button = bp_test_find_widget (GTK_WIDGET (window), is_button_for_action, "win.apply");

  g_assert_nonnull (button);
  return gtk_widget_is_sensitive (button);
}

static gboolean
texts_contain (gpointer data)
{
  gpointer *args = data;
  g_autofree char *texts = bp_test_visible_texts (GTK_WIDGET (args[0]));

  return strstr (texts, args[1]) != NULL;
}

static gboolean
texts_lack (gpointer data)
{
  return !texts_contain (data);
}

static gboolean
is_mapped_editor (GtkWidget     *widget,
                  gconstpointer  data)
{
  return BP_IS_ACCOUNT_EDITOR (widget) && gtk_widget_get_mapped (widget);
}

static gboolean
is_column_view (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_COLUMN_VIEW (widget);
}

static gboolean
has_editor (gpointer window)
{
  return bp_test_find_widget (GTK_WIDGET (window), is_mapped_editor, NULL) != NULL;
}

static BpAccount *
window_draft (BpWindow *window)
{
  GtkWidget *editor = bp_test_find_widget (GTK_WIDGET (window), is_mapped_editor, NULL);

  g_assert_nonnull (editor);
  return bp_account_editor_get_draft (BP_ACCOUNT_EDITOR (editor));
}

static void
test_window_apply_on_full_disk (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(BpAccount) production = make_account ("Production");
  g_autoptr(BpAccountStore) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *name = NULL;
  const char *message_start = "The accounts file could not be written, so nothing was changed";
  gpointer args[2];
  BpWindow *window;

  g_assert_true (apply (fixture->store, production, &error));
  g_assert_no_error (error);
  before = bp_test_read_file (fixture->path, NULL);

  window = bp_window_new (NULL, fixture->store);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);

  /* The administrator opens the one account and renames it. */
  {
    GtkWidget *view = bp_test_find_widget (GTK_WIDGET (window), is_column_view, NULL);

    g_assert_nonnull (view);
    gtk_selection_model_select_item (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)), 0, TRUE);
    bp_test_wait_for (has_editor, window);
  }
  bp_account_set_name (window_draft (window), "Renamed in the window");
  bp_test_spin (50);
  g_assert_true (is_apply_sensitive (window));

  break_disk (fixture);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.apply", NULL);
  args[0] = window;
  args[1] = (gpointer) message_start;
  bp_test_wait_for (texts_contain, args);
  if (fixture->uses_fsize_limit)
    unlimit_file_size ();
  bp_test_spin (100);

  {
    g_autofree char *texts = bp_test_visible_texts (GTK_WIDGET (window));
    g_autofree char *expected = NULL;

    g_autofree char *shown = g_strndup (strstr (texts, message_start), strcspn (strstr (texts, message_start), "\n"));

    g_test_message ("the window says: %s", shown);
    if (fixture->uses_fsize_limit)
      expected = g_strdup_printf ("the file in %s would be larger than this system lets", fixture->store_dir);
    else
      expected = g_strdup_printf ("the disk that holds %s is full. Free some space and try again.",
                                  fixture->store_dir);
    g_assert_nonnull (strstr (shown, expected));
  }

  /* Nothing changed on disk, nothing typed was lost, Apply can be pressed again. */
  after = bp_test_read_file (fixture->path, NULL);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (bp_account_get_name (window_draft (window)), ==, "Renamed in the window");
  g_assert_true (is_apply_sensitive (window));

  repair_disk (fixture);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.apply", NULL);
  bp_test_wait_for (texts_lack, args);
  bp_test_spin (100);
  g_assert_false (is_apply_sensitive (window));

  reloaded = reload (fixture->path, &error);
  g_assert_no_error (error);
  name = first_name (reloaded);
  g_assert_cmpstr (name, ==, "Renamed in the window");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* ------------------------------------------------------------------ */
/* SIGKILL in the middle of saves                                      */

#define N_ACCOUNTS 200
#define N_KILLS    80

/* The child: saves the first account as "Version A" and "Version B" in
 * turn, for ever. The first time each version is on disk it copies the file
 * to PATH.A or PATH.B for the parent; it says "ready" once both are there. */
static int
run_save_loop (const char *path)
{
  g_autoptr(BpSecretStore) secrets = bp_secret_store_new ();
  g_autoptr(BpAccountStore) store = new_store (path, secrets);
  g_autoptr(GError) error = NULL;
  g_autofree char *reference_a = g_strconcat (path, ".A", NULL);
  g_autofree char *reference_b = g_strconcat (path, ".B", NULL);
  gboolean is_ready = FALSE;
  BpAccount *first;

  if (!bp_account_store_load (store, &error))
    g_error ("the child could not load the store: %s", error->message);
  first = g_list_model_get_item (G_LIST_MODEL (store), 0);
  g_object_unref (first);

  for (guint i = 0; ; i++)
    {
      g_autoptr(BpAccount) draft = bp_account_copy (first);
      const char *reference = i % 2 == 0 ? reference_a : reference_b;

      bp_account_set_name (draft, i % 2 == 0 ? "Version A" : "Version B");
      if (!apply (store, draft, &error))
        g_error ("the child could not save: %s", error->message);

      if (!g_file_test (reference, G_FILE_TEST_EXISTS))
        {
          g_autofree char *contents = NULL;
          gsize length = 0;

          g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
          g_assert_true (g_file_set_contents (reference, contents, length, NULL));
        }

      if (!is_ready && g_file_test (reference_a, G_FILE_TEST_EXISTS) && g_file_test (reference_b, G_FILE_TEST_EXISTS))
        {
          g_print ("ready\n");
          fflush (stdout);
          is_ready = TRUE;
        }
    }

  return 0;
}

/* ".accounts.json.XXXXXX.saving" */
static gboolean
is_temp_name (const char *name)
{
  const char *prefix = ".accounts.json.";

  if (!g_str_has_prefix (name, prefix) || !g_str_has_suffix (name, ".saving")
      || strlen (name) != strlen (prefix) + 6 + strlen (".saving"))
    return FALSE;

  for (guint i = 0; i < 6; i++)
    if (!g_ascii_isalnum (name[strlen (prefix) + i]))
      return FALSE;

  return TRUE;
}

static void
test_killed_while_saving (void)
{
  g_autofree char *dir = bp_test_make_temp_dir ();
  g_autofree char *store_dir = g_build_filename (dir, "bp-integration-accounts", NULL);
  g_autofree char *path = g_build_filename (store_dir, "accounts.json", NULL);
  g_autofree char *reference_a_path = g_strconcat (path, ".A", NULL);
  g_autofree char *reference_b_path = g_strconcat (path, ".B", NULL);
  g_autofree char *reference_a = NULL;
  g_autofree char *reference_b = NULL;
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(BpSecretStore) secrets = bp_secret_store_new ();
  g_autoptr(GPtrArray) drafts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  guint n_a = 0, n_b = 0, n_strays = 0;

  g_assert_nonnull (self_path);

  /* A store big enough that a save takes a while: ~200 KB. */
  {
    g_autoptr(BpAccountStore) store = new_store (path, secrets);

    for (guint i = 0; i < N_ACCOUNTS; i++)
      {
        g_autofree char *name = g_strdup_printf ("Account %03u", i);

        g_ptr_array_add (drafts, make_account (name));
      }
    g_assert_true (apply_batch (store, drafts, &error));
    g_assert_no_error (error);
  }

  for (guint kill_count = 0; kill_count < N_KILLS; kill_count++)
    {
      g_autoptr(GSubprocess) child = NULL;
      g_autoptr(GDataInputStream) output = NULL;
      g_autoptr(BpAccountStore) store = NULL;
      g_autofree char *line = NULL;
      g_autofree char *contents = NULL;
      g_autofree char *name = NULL;
      guint delay_us;

      child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, self_path, "--save-loop", path, NULL);
      g_assert_no_error (error);
      output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
      line = g_data_input_stream_read_line (output, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (line, ==, "ready");

      if (reference_a == NULL)
        {
          reference_a = bp_test_read_file (reference_a_path, NULL);
          reference_b = bp_test_read_file (reference_b_path, NULL);
          g_assert_cmpstr (reference_a, !=, reference_b);
        }

      /* At a different moment of a save each time (reproducible with --seed). */
      delay_us = g_test_rand_int_range (0, 40000);
      g_usleep (delay_us);
      g_subprocess_force_exit (child);
      g_subprocess_wait (child, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_signaled (child));
      g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

      /* Always the old or the new version, whole. */
      contents = bp_test_read_file (path, NULL);
      if (g_strcmp0 (contents, reference_a) == 0)
        n_a++;
      else if (g_strcmp0 (contents, reference_b) == 0)
        n_b++;
      else
        g_error ("after kill %u (%u µs in) the file is neither version:\n%.300s", kill_count, delay_us, contents);

      store = reload (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, N_ACCOUNTS);
      name = first_name (store);
      g_assert_true (g_strcmp0 (name, "Version A") == 0 || g_strcmp0 (name, "Version B") == 0);
      g_assert_cmpuint (file_mode (path), ==, 0600);
    }

  /* What the kills left beside the file: only temporary files of whole
   * saves-to-be (never a moved-aside "corrupt" copy), each private. */
  {
    g_autoptr(GDir) handle = g_dir_open (store_dir, 0, NULL);
    g_autoptr(BpAccountStore) store = NULL;
    g_autofree char *young = g_build_filename (store_dir, ".accounts.json.Young1.saving", NULL);
    g_autofree char *backup = g_build_filename (store_dir, "accounts.json.backup", NULL);
    g_autofree char *left = NULL;
    struct utimbuf old_times;
    const char *name;

    old_times.actime = old_times.modtime = time (NULL) - 120;
    while ((name = g_dir_read_name (handle)) != NULL)
      {
        g_autofree char *stray = g_build_filename (store_dir, name, NULL);

        if (g_str_equal (name, "accounts.json") || g_str_equal (name, "accounts.json.A")
            || g_str_equal (name, "accounts.json.B"))
          continue;
        if (!is_temp_name (name))
          g_error ("unexpected file after the kills: %s", name);
        g_assert_cmpuint (file_mode (stray), ==, 0600);
        /* As if the next start came two minutes later. */
        g_assert_cmpint (g_utime (stray, &old_times), ==, 0);
        n_strays++;
      }

    g_test_message ("%u kills: the file was version A %u times and version B %u times; "
                    "%u temporary files were left behind", N_KILLS, n_a, n_b, n_strays);

    /* The next load removes the abandoned ones, and not one that may belong
     * to a save under way in another process, nor the administrator's own
     * old copy. */
    g_assert_true (g_file_set_contents (young, "{}", -1, NULL));
    g_assert_true (g_file_set_contents (backup, reference_a, -1, NULL));
    g_assert_cmpint (g_chmod (backup, 0600), ==, 0);
    g_assert_cmpint (g_utime (backup, &old_times), ==, 0);
    store = reload (path, &error);
    g_assert_no_error (error);
    left = list_other_files (store_dir, "accounts.json");
    g_assert_cmpstr (left, ==, ".accounts.json.Young1.saving\naccounts.json.A\naccounts.json.B\naccounts.json.backup");
  }

  bp_test_remove_tree (dir);
}

/* ------------------------------------------------------------------ */
/* Something else at the store's path                                  */

typedef struct
{
  char           *dir;
  char           *store_dir;
  char           *path;
  char           *elsewhere;   /* a file outside the store's folder */
  BpSecretStore  *secrets;
} PathFixture;

static void
path_fixture_set_up (PathFixture   *fixture,
                     gconstpointer  user_data)
{
  fixture->dir = bp_test_make_temp_dir ();
  fixture->store_dir = g_build_filename (fixture->dir, "bp-integration-accounts", NULL);
  fixture->path = g_build_filename (fixture->store_dir, "accounts.json", NULL);
  fixture->elsewhere = g_build_filename (fixture->dir, "shared", "accounts.json", NULL);
  fixture->secrets = bp_secret_store_new ();
  g_assert_cmpint (g_mkdir_with_parents (fixture->store_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (fixture->elsewhere, 0755), ==, 0);
  g_assert_cmpint (g_rmdir (fixture->elsewhere), ==, 0);
}

static void
path_fixture_tear_down (PathFixture   *fixture,
                        gconstpointer  user_data)
{
  g_clear_object (&fixture->secrets);
  bp_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->store_dir);
  g_free (fixture->path);
  g_free (fixture->elsewhere);
}

/* Writes a store of two accounts at @path (through the store itself). */
static void
write_two_accounts (PathFixture *fixture,
                    const char  *path)
{
  g_autoptr(BpAccountStore) store = new_store (path, fixture->secrets);
  g_autoptr(GPtrArray) drafts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (drafts, make_account ("Production"));
  g_ptr_array_add (drafts, make_account ("UAT sandbox"));
  g_assert_true (apply_batch (store, drafts, &error));
  g_assert_no_error (error);
}

/* Loads the store at the fixture's path; checks the load error says @says
 * and that no change goes through, with that reason, leaving the path as
 * it was. Returns the store. */
static BpAccountStore *
assert_read_only (PathFixture *fixture,
                  const char  *says,
                  guint        n_accounts)
{
  g_autoptr(BpAccountStore) store = new_store (fixture->path, fixture->secrets);
  g_autoptr(BpAccount) draft = make_account ("Added while read-only");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) apply_error = NULL;

  g_assert_false (bp_account_store_load (store, &error));
  g_assert_error (error, BP_ERROR, BP_ERROR_STORE_READ);
  g_assert_true (g_str_has_prefix (error->message, "The accounts cannot be changed: "));
  if (strstr (error->message, says) == NULL)
    g_error ("“%s” does not say “%s”", error->message, says);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, n_accounts);

  g_assert_false (apply (store, draft, &apply_error));
  g_assert_error (apply_error, BP_ERROR, BP_ERROR_STORE_READ);
  g_assert_cmpstr (apply_error->message, ==, error->message);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, n_accounts);

  return g_steal_pointer (&store);
}

static void
test_symlink_to_file (PathFixture   *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(BpAccountStore) store = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *says = g_strdup_printf ("%s is a symbolic link (to %s)", fixture->path, fixture->elsewhere);
  g_autofree char *target = NULL;

  write_two_accounts (fixture, fixture->elsewhere);
  g_assert_cmpint (g_chmod (fixture->elsewhere, 0644), ==, 0);
  before = bp_test_read_file (fixture->elsewhere, NULL);
  g_assert_cmpint (symlink (fixture->elsewhere, fixture->path), ==, 0);

  /* The accounts are shown, so none seems lost; but nothing is written. */
  store = assert_read_only (fixture, says, 2);
  after = bp_test_read_file (fixture->elsewhere, NULL);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (file_mode (fixture->elsewhere), ==, 0644);
  target = g_file_read_link (fixture->path, NULL);
  g_assert_cmpstr (target, ==, fixture->elsewhere);
}

static void
test_symlink_dangling (PathFixture   *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(BpAccountStore) store = NULL;
  g_autofree char *says = g_strdup_printf ("%s is a symbolic link (to %s)", fixture->path, fixture->elsewhere);

  g_assert_cmpint (symlink (fixture->elsewhere, fixture->path), ==, 0);

  /* Saving would create a file wherever the link points. */
  store = assert_read_only (fixture, says, 0);
  g_assert_false (g_file_test (fixture->elsewhere, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_IS_SYMLINK));
}

static void
test_symlink_to_dev_null (PathFixture   *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(BpAccountStore) store = NULL;
  g_autofree char *says = g_strdup_printf ("%s is a symbolic link (to /dev/null)", fixture->path);
  g_autofree char *strays = NULL;

  g_assert_cmpint (symlink ("/dev/null", fixture->path), ==, 0);

  /* Not "corrupt" and moved aside: a link is not ours to move. */
  store = assert_read_only (fixture, says, 0);
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_IS_SYMLINK));
  strays = list_other_files (fixture->store_dir, "accounts.json");
  g_assert_cmpstr (strays, ==, "");
}

static void
test_directory_in_place (PathFixture   *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(BpAccountStore) store = NULL;
  g_autofree char *says = g_strdup_printf ("%s is not a regular file", fixture->path);

  g_assert_cmpint (g_mkdir (fixture->path, 0700), ==, 0);

  store = assert_read_only (fixture, says, 0);
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_IS_DIR));
}

/* A symbolic link put in place of the file after the store read it. */
static void
test_symlink_after_load (PathFixture   *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(BpAccountStore) store = new_store (fixture->path, fixture->secrets);
  g_autoptr(BpAccount) draft = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *says = NULL;
  BpAccount *saved;

  write_two_accounts (fixture, fixture->path);
  g_assert_true (bp_account_store_load (store, &error));
  g_assert_no_error (error);

  write_two_accounts (fixture, fixture->elsewhere);
  before = bp_test_read_file (fixture->elsewhere, NULL);
  g_assert_cmpint (g_unlink (fixture->path), ==, 0);
  g_assert_cmpint (symlink (fixture->elsewhere, fixture->path), ==, 0);

  saved = g_list_model_get_item (G_LIST_MODEL (store), 0);
  g_object_unref (saved);
  draft = bp_account_copy (saved);
  bp_account_set_name (draft, "Renamed");
  g_assert_false (apply (store, draft, &error));
  g_assert_error (error, BP_ERROR, BP_ERROR_STORE_WRITE);
  says = g_strdup_printf ("The accounts file could not be written, so nothing was changed: "
                          "%s is a symbolic link (to %s).", fixture->path, fixture->elsewhere);
  g_assert_true (g_str_has_prefix (error->message, says));

  after = bp_test_read_file (fixture->elsewhere, NULL);
  g_assert_cmpstr (after, ==, before);
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_IS_SYMLINK));
  g_assert_cmpstr (bp_account_get_name (saved), !=, "Renamed");
  g_assert_cmpstr (bp_account_get_name (draft), ==, "Renamed");
}

/* A file others may read is made private again, by loading and by saving. */
static void
test_loose_mode (PathFixture   *fixture,
                 gconstpointer  user_data)
{
  const guint modes[] = { 0644, 0666, 0604, 0640 };

  write_two_accounts (fixture, fixture->path);

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(BpAccountStore) store = new_store (fixture->path, fixture->secrets);
      g_autoptr(BpAccount) draft = NULL;
      g_autoptr(GError) error = NULL;
      BpAccount *saved;

      g_assert_cmpint (g_chmod (fixture->path, modes[i]), ==, 0);
      g_assert_true (bp_account_store_load (store, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);
      g_assert_cmpuint (file_mode (fixture->path), ==, 0600);

      g_assert_cmpint (g_chmod (fixture->path, modes[i]), ==, 0);
      saved = g_list_model_get_item (G_LIST_MODEL (store), 0);
      g_object_unref (saved);
      draft = bp_account_copy (saved);
      bp_account_set_name (draft, i % 2 == 0 ? "Renamed" : "Production");
      g_assert_true (apply (store, draft, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (file_mode (fixture->path), ==, 0600);
    }
}

/* A file that belongs to someone else: read, never replaced. */
static void
test_other_owner (PathFixture   *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(BpAccountStore) store = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *says = g_strdup_printf ("%s belongs to another user (uid 4242)", fixture->path);

  write_two_accounts (fixture, fixture->path);
  before = bp_test_read_file (fixture->path, NULL);

  /* Only root can give a file away; in CI the tests run as root. */
  if (chown (fixture->path, 4242, 4242) != 0)
    {
      g_test_skip_printf ("cannot give the file to another user: %s", g_strerror (errno));
      return;
    }

  store = assert_read_only (fixture, says, 2);
  after = bp_test_read_file (fixture->path, NULL);
  g_assert_cmpstr (after, ==, before);
}

/* ------------------------------------------------------------------ */
/* A keyring that never answers, seen from the window                  */

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;
  return G_SOURCE_CONTINUE;
}

static void
check_window_with_hung_keyring (void)
{
  g_autofree char *bus_name = g_strdup_printf ("com.brightpattern.IntegrationAccounts.Test.Hung%d", (int) getpid ());
  g_autofree char *fake_path = g_test_build_filename (G_TEST_BUILT, "bp-fake-secret-service", NULL);
  g_autofree char *dir = bp_test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "bp-integration-accounts", "accounts.json", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) fake = NULL;
  g_autoptr(GDataInputStream) fake_output = NULL;
  g_autoptr(BpSecretStore) secrets = NULL;
  g_autoptr(BpAccountStore) store = NULL;
  g_autoptr(GPtrArray) drafts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *hung = "The keyring service did not answer within 2 seconds.";
  const char *apply_failed = "The keyring could not be updated, so nothing was changed: "
                             "The keyring service did not answer within 2 seconds.";
  gpointer args[2];
  BpWindow *window;
  GtkWidget *view;
  guint frames = 0;
  gint64 started;

  /* Before anything here asks for the keyring: libsecret reads it once. */
  g_setenv ("SECRET_SERVICE_BUS_NAME", bus_name, TRUE);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  fake = g_subprocess_launcher_spawn (launcher, &error, fake_path, bus_name, NULL);
  g_assert_no_error (error);
  fake_output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  line = g_data_input_stream_read_line (fake_output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "ready");

  secrets = bp_secret_store_new ();
  bp_secret_store_set_timeout (secrets, 2000);
  store = new_store (path, secrets);
  g_ptr_array_add (drafts, make_account ("Production"));
  g_assert_true (apply_batch (store, drafts, &error));
  g_assert_no_error (error);
  before = bp_test_read_file (path, NULL);

  window = bp_window_new (NULL, store);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_add_tick_callback (GTK_WIDGET (window), count_frame_cb, &frames, NULL);

  /* Opening the account reads its consumer secret: the keyring hangs, the
   * window keeps drawing, and after the deadline it says what is wrong. */
  view = bp_test_find_widget (GTK_WIDGET (window), is_column_view, NULL);
  g_assert_nonnull (view);
  gtk_selection_model_select_item (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)), 0, TRUE);
  bp_test_wait_for (has_editor, window);
  frames = 0;
  started = g_get_monotonic_time ();
  args[0] = window;
  args[1] = (gpointer) hung;
  bp_test_wait_for (texts_contain, args);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 10 * G_USEC_PER_SEC);
  g_test_message ("%u frames drawn while the keyring did not answer a lookup", frames);
  g_assert_cmpuint (frames, >=, 10);

  /* The administrator types a secret anyway and applies: the store reads the
   * old one first, which hangs too; the edits stay. */
  bp_salesforce_account_set_consumer_secret (BP_SALESFORCE_ACCOUNT (window_draft (window)), "typed-while-hung");
  bp_test_spin (50);
  g_assert_true (is_apply_sensitive (window));
  frames = 0;
  started = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.apply", NULL);
  args[1] = (gpointer) apply_failed;
  bp_test_wait_for (texts_contain, args);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 1999 * 1000);
  g_test_message ("%u frames drawn while Apply waited for the keyring", frames);
  g_assert_cmpuint (frames, >=, 10);

  after = bp_test_read_file (path, NULL);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (bp_salesforce_account_get_consumer_secret (BP_SALESFORCE_ACCOUNT (window_draft (window))),
                   ==, "typed-while-hung");
  g_assert_true (is_apply_sensitive (window));

  gtk_window_destroy (GTK_WINDOW (window));
  g_subprocess_force_exit (fake);
  bp_test_remove_tree (dir);
}

static void
test_window_with_hung_keyring (void)
{
  if (g_test_subprocess ())
    {
      check_window_with_hung_keyring ();
      return;
    }

  if (!bp_test_require_session_bus ())
    return;

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDOUT |
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* ------------------------------------------------------------------ */
/* The keyring's module missing, seen from the window                  */

static void
check_window_without_keyring_module (void)
{
  g_autofree char *dir = bp_test_make_temp_dir ();
  g_autofree char *module_dir = g_build_filename (dir, "no-modules", NULL);
  g_autofree char *module_path = g_build_filename (module_dir, "libbp-keyring.so", NULL);
  g_autofree char *path = g_build_filename (dir, "bp-integration-accounts", "accounts.json", NULL);
  g_autoptr(BpSecretStore) secrets = NULL;
  g_autoptr(BpAccountStore) store = NULL;
  g_autoptr(GPtrArray) drafts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *apply_failed = NULL;
  gpointer args[2];
  BpWindow *window;
  GtkWidget *view;

  /* An installation without libbp-keyring.so: the loader looks here first. */
  g_assert_cmpint (g_mkdir (module_dir, 0700), ==, 0);
  g_setenv ("BP_MODULE_DIR", module_dir, TRUE);
  missing = g_strdup_printf ("The keyring cannot be used: %s could not be loaded: ", module_path);
  apply_failed = g_strdup_printf ("The keyring could not be updated, so nothing was changed: %s",
                                  missing);

  /* An account without secrets is saved without the keyring. */
  secrets = bp_secret_store_new ();
  store = new_store (path, secrets);
  g_ptr_array_add (drafts, make_account ("Production"));
  g_assert_true (apply_batch (store, drafts, &error));
  g_assert_no_error (error);
  before = bp_test_read_file (path, NULL);

  window = bp_window_new (NULL, store);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);

  /* Opening the account reads its consumer secret: the pane says why it
   * cannot, naming the module. */
  view = bp_test_find_widget (GTK_WIDGET (window), is_column_view, NULL);
  g_assert_nonnull (view);
  gtk_selection_model_select_item (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)), 0, TRUE);
  bp_test_wait_for (has_editor, window);
  args[0] = window;
  args[1] = missing;
  bp_test_wait_for (texts_contain, args);

  /* A secret typed anyway and applied: Apply says the same, the file is
   * unchanged and what was typed stays. */
  bp_salesforce_account_set_consumer_secret (BP_SALESFORCE_ACCOUNT (window_draft (window)), "typed-without-module");
  bp_test_spin (50);
  g_assert_true (is_apply_sensitive (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.apply", NULL);
  args[1] = apply_failed;
  bp_test_wait_for (texts_contain, args);

  after = bp_test_read_file (path, NULL);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (bp_salesforce_account_get_consumer_secret (BP_SALESFORCE_ACCOUNT (window_draft (window))),
                   ==, "typed-without-module");
  g_assert_true (is_apply_sensitive (window));

  gtk_window_destroy (GTK_WINDOW (window));
  bp_test_remove_tree (dir);
}

static void
test_window_without_keyring_module (void)
{
  if (g_test_subprocess ())
    {
      check_window_without_keyring_module ();
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDOUT |
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* ------------------------------------------------------------------ */

int
main (int   argc,
      char *argv[])
{
  gboolean has_display;

  if (argc == 3 && g_str_equal (argv[1], "--save-loop"))
    return run_save_loop (argv[2]);

  enter_mount_namespace ();

  g_test_init (&argc, &argv, NULL);
  has_display = gtk_init_check ();

  g_test_add ("/store-faults/disk-full", Fixture, GINT_TO_POINTER (FAULT_DISK_FULL),
              fixture_set_up, test_apply_on_broken_disk, fixture_tear_down);
  g_test_add ("/store-faults/read-only-folder", Fixture, GINT_TO_POINTER (FAULT_READ_ONLY),
              fixture_set_up, test_apply_on_broken_disk, fixture_tear_down);
  if (has_display)
    g_test_add ("/store-faults/window-disk-full", Fixture, GINT_TO_POINTER (FAULT_DISK_FULL),
                fixture_set_up, test_window_apply_on_full_disk, fixture_tear_down);
  else
    g_test_add_func ("/store-faults/window-disk-full", bp_test_gtk_cannot_start);
  if (has_display)
    {
      g_test_add_func ("/store-faults/window-keyring-hangs", test_window_with_hung_keyring);
      g_test_add_func ("/store-faults/window-keyring-module-missing", test_window_without_keyring_module);
    }
  g_test_add_func ("/store-faults/killed-while-saving", test_killed_while_saving);

#define ADD(path, func) \
  g_test_add (path, PathFixture, NULL, path_fixture_set_up, func, path_fixture_tear_down)

  ADD ("/store-faults/symlink-to-file", test_symlink_to_file);
  ADD ("/store-faults/symlink-dangling", test_symlink_dangling);
  ADD ("/store-faults/symlink-to-dev-null", test_symlink_to_dev_null);
  ADD ("/store-faults/directory-in-place", test_directory_in_place);
  ADD ("/store-faults/symlink-after-load", test_symlink_after_load);
  ADD ("/store-faults/loose-mode", test_loose_mode);
  ADD ("/store-faults/other-owner", test_other_owner);

#undef ADD

  return g_test_run ();
}
