/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-problem"

#include "config.h"

#include "bp-problem.h"

G_DEFINE_BOXED_TYPE (BpProblem, bp_problem, bp_problem_copy, bp_problem_free)

BpProblem *
bp_problem_new (const char *property,
                BpSeverity  severity,
                const char *message)
{
  BpProblem *problem;

  g_return_val_if_fail (property != NULL, NULL);
  g_return_val_if_fail (message != NULL, NULL);

  problem = g_new0 (BpProblem, 1);
  problem->property = g_strdup (property);
  problem->severity = severity;
  problem->message = g_strdup (message);

  return problem;
}

BpProblem *
bp_problem_copy (const BpProblem *problem)
{
  g_return_val_if_fail (problem != NULL, NULL);

  return bp_problem_new (problem->property, problem->severity, problem->message);
}

void
bp_problem_free (BpProblem *problem)
{
  if (problem == NULL)
    return;

  g_free (problem->property);
  g_free (problem->message);
  g_free (problem);
}

GPtrArray *
bp_problems_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) bp_problem_free);
}

void
bp_problems_add (GPtrArray  *problems,
                 const char *property,
                 BpSeverity  severity,
                 const char *format,
                 ...)
{
  g_autofree char *message = NULL;
  va_list args;

  g_return_if_fail (problems != NULL);
  g_return_if_fail (property != NULL);
  g_return_if_fail (format != NULL);

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (problems, bp_problem_new (property, severity, message));
}

gboolean
bp_problems_has_errors (GPtrArray *problems)
{
  g_return_val_if_fail (problems != NULL, FALSE);

  for (guint i = 0; i < problems->len; i++)
    {
      const BpProblem *problem = g_ptr_array_index (problems, i);

      if (problem->severity == BP_SEVERITY_ERROR)
        return TRUE;
    }

  return FALSE;
}

/**
 * bp_problems_find:
 * @problems: a GPtrArray of BpProblem
 * @property: a property name
 *
 * Returns: (nullable) (transfer none): the most severe problem of @property,
 *   the first one found among equally severe ones, or %NULL when it has none
 */
const BpProblem *
bp_problems_find (GPtrArray  *problems,
                  const char *property)
{
  const BpProblem *found = NULL;

  g_return_val_if_fail (problems != NULL, NULL);
  g_return_val_if_fail (property != NULL, NULL);

  for (guint i = 0; i < problems->len; i++)
    {
      const BpProblem *problem = g_ptr_array_index (problems, i);

      if (g_strcmp0 (problem->property, property) != 0)
        continue;

      if (found == NULL || problem->severity > found->severity)
        found = problem;
    }

  return found;
}

/**
 * bp_problems_to_string:
 * @problems: a GPtrArray of BpProblem
 * @min_severity: the least severe problems to include
 *
 * Returns: (transfer full): the messages of the problems at least as severe as
 *   @min_severity, one a line, in order; an empty string when there are none
 */
char *
bp_problems_to_string (GPtrArray  *problems,
                       BpSeverity  min_severity)
{
  GString *text;

  g_return_val_if_fail (problems != NULL, NULL);

  text = g_string_new (NULL);

  for (guint i = 0; i < problems->len; i++)
    {
      const BpProblem *problem = g_ptr_array_index (problems, i);

      if (problem->severity < min_severity)
        continue;

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, problem->message);
    }

  return g_string_free (text, FALSE);
}
