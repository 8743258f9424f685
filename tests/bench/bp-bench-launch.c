/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-bench-launch"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

/* Starts one program for build-aux/bench's start-up figures and prints one
 * JSON line about it:
 *
 *   bp-bench-launch COMMAND [ARGS...]
 *   {"first_frame_us": 61234, "content_frame_us": 63000, "complete_frame_us": 70000,
 *    "renderer": "GskCairoRenderer", "maxrss_kb": 28000}
 *
 * The child reads the CLOCK_MONOTONIC time (µs) just before execvp() and
 * finds it in BP_BENCH_EXEC_TIME: the program (Integration Accounts, or the
 * bare window) prints "bp-bench: first-frame-us=… content-frame-us=…
 * complete-frame-us=… renderer=…" once its list is complete, and quits. Peak RSS is the child's
 * ru_maxrss from wait4(). A child that says nothing within 60 s is killed. */

#define TIMEOUT_S 60

int
main (int    argc,
      char **argv)
{
  int out[2];
  pid_t pid;
  struct rusage usage;
  int status = 0;
  GString *output = g_string_new (NULL);
  char buffer[4096];
  ssize_t n;
  const char *line;
  gint64 first = -1;
  gint64 content = -1;
  gint64 complete = -1;
  char renderer[128] = "unknown";

  if (argc < 2)
    {
      g_printerr ("usage: %s COMMAND [ARGS...]\n", argv[0]);
      return 2;
    }

  if (pipe (out) != 0)
    g_error ("pipe: %s", g_strerror (errno));

  pid = fork ();
  if (pid < 0)
    g_error ("fork: %s", g_strerror (errno));

  if (pid == 0)
    {
      struct timespec now;
      char value[32];

      dup2 (out[1], STDOUT_FILENO);
      close (out[0]);
      close (out[1]);
      alarm (TIMEOUT_S);

      /* g_get_monotonic_time() is CLOCK_MONOTONIC in µs on Linux. */
      clock_gettime (CLOCK_MONOTONIC, &now);
      g_snprintf (value, sizeof value, "%" G_GINT64_FORMAT,
                  (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000);
      setenv ("BP_BENCH_EXEC_TIME", value, 1);
      execvp (argv[1], argv + 1);
      _exit (127);
    }

  close (out[1]);
  while ((n = read (out[0], buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      g_string_append_len (output, buffer, n);
  close (out[0]);

  while (wait4 (pid, &status, 0, &usage) < 0)
    if (errno != EINTR)
      g_error ("wait4: %s", g_strerror (errno));

  line = strstr (output->str, "bp-bench: ");
  if (line == NULL
      || sscanf (line, "bp-bench: first-frame-us=%" G_GINT64_FORMAT " content-frame-us=%" G_GINT64_FORMAT
                 " complete-frame-us=%" G_GINT64_FORMAT " renderer=%127s", &first, &content, &complete, renderer) != 4)
    {
      g_printerr ("bp-bench-launch: %s printed no probe line (status %d)\n", argv[1], status);
      return 1;
    }

  printf ("{\"first_frame_us\": %" G_GINT64_FORMAT ", \"content_frame_us\": %" G_GINT64_FORMAT
          ", \"complete_frame_us\": %" G_GINT64_FORMAT
          ", \"renderer\": \"%s\", \"maxrss_kb\": %ld, \"exit_status\": %d}\n",
          first, content, complete, renderer, usage.ru_maxrss,
          WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status));
  g_string_free (output, TRUE);

  return 0;
}
