/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  BP_SEVERITY_WARNING,   /* shown, never blocks saving */
  BP_SEVERITY_ERROR,     /* blocks saving */
} BpSeverity;

/**
 * BpProblem:
 * @property: the GObject property of the account the problem is about ("name", "url", ...)
 * @severity: whether it blocks saving
 * @message: a translated sentence that says what is wrong and what to do
 *
 * One finding of bp_account_validate().
 */
typedef struct
{
  char       *property;
  BpSeverity  severity;
  char       *message;
} BpProblem;

#define BP_TYPE_PROBLEM (bp_problem_get_type ())

GType      bp_problem_get_type (void) G_GNUC_CONST;
BpProblem *bp_problem_new      (const char *property,
                                BpSeverity  severity,
                                const char *message);
BpProblem *bp_problem_copy     (const BpProblem *problem);
void       bp_problem_free     (BpProblem *problem);

/* A GPtrArray of BpProblem (with bp_problem_free as its free function). */
GPtrArray       *bp_problems_new           (void);
void             bp_problems_add           (GPtrArray  *problems,
                                            const char *property,
                                            BpSeverity  severity,
                                            const char *format,
                                            ...) G_GNUC_PRINTF (4, 5);
gboolean         bp_problems_has_errors    (GPtrArray  *problems);
const BpProblem *bp_problems_find          (GPtrArray  *problems,
                                            const char *property);
char            *bp_problems_to_string     (GPtrArray  *problems,
                                            BpSeverity  min_severity);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BpProblem, bp_problem_free)

G_END_DECLS
