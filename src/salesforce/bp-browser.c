/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-browser"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "bp-browser.h"
#include "bp-error.h"

static void
browser_exited_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GSubprocess *process = G_SUBPROCESS (object);

  /* Reaps the child. Many browsers hand the URL to a running instance and exit. */
  if (g_subprocess_wait_finish (process, result, NULL))
    g_debug ("the browser command exited with status %d",
             g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1);
}

/* argv of one $BROWSER entry with the URI in it; NULL if the entry is empty or unparsable. */
static GStrv
build_argv (const char *entry,
            const char *uri)
{
  g_auto(GStrv) words = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  gboolean has_placeholder = FALSE;
  int n_words = 0;

  if (!g_shell_parse_argv (entry, &n_words, &words, NULL) || n_words == 0)
    return NULL;

  builder = g_strv_builder_new ();
  for (int i = 0; i < n_words; i++)
    {
      if (strcmp (words[i], "%s") == 0)
        {
          g_strv_builder_add (builder, uri);
          has_placeholder = TRUE;
        }
      else
        {
          g_strv_builder_add (builder, words[i]);
        }
    }

  if (!has_placeholder)
    g_strv_builder_add (builder, uri);

  return g_strv_builder_end (builder);
}

static gboolean
open_with_browser_variable (const char  *browser,
                            const char  *uri,
                            GError     **error)
{
  g_auto(GStrv) entries = g_strsplit (browser, ":", -1);

  for (guint i = 0; entries[i] != NULL; i++)
    {
      g_auto(GStrv) argv = build_argv (entries[i], uri);
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GError) spawn_error = NULL;

      if (argv == NULL)
        continue;

      process = g_subprocess_newv ((const char * const *) argv, G_SUBPROCESS_FLAGS_NONE, &spawn_error);
      if (process == NULL)
        {
          /* The command line holds the URL: name the program only. */
          g_debug ("$BROWSER entry %u (%s) did not start: %s", i, argv[0], spawn_error->message);
          continue;
        }

      g_debug ("opened the authorize URL with $BROWSER entry %u (%s)", i, argv[0]);
      g_subprocess_wait_async (process, NULL, browser_exited_cb, NULL);
      return TRUE;
    }

  g_set_error (error, BP_ERROR, BP_ERROR_BROWSER,
               _("The browser command in $%s could not be started. Copy the authorization link "
                 "into a browser instead."),
               BP_BROWSER_ENV);
  return FALSE;
}

static void
default_browser_launched_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      g_debug ("the default browser could not be opened: %s", error->message);
      g_task_return_new_error (task, BP_ERROR, BP_ERROR_BROWSER,
                               _("No web browser could be opened. Copy the authorization link "
                                 "into a browser instead."));
      return;
    }

  g_debug ("opened the authorize URL with the default browser");
  g_task_return_boolean (task, TRUE);
}

void
bp_browser_open_async (const char          *uri,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *browser;

  g_return_if_fail (uri != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_browser_open_async);

  browser = g_getenv (BP_BROWSER_ENV);
  if (browser != NULL && *browser != '\0')
    {
      g_autoptr(GError) error = NULL;

      if (open_with_browser_variable (browser, uri, &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_app_info_launch_default_for_uri_async (uri, NULL, cancellable, default_browser_launched_cb,
                                           g_steal_pointer (&task));
}

gboolean
bp_browser_open_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bp_browser_open_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
