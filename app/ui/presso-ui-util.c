/* presso-ui-util.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "presso-ui"
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "presso-ui-util.h"

/**
 * presso_format_date:
 * @iso_date: (nullable): "YYYY-MM-DD"
 *
 * Returns: (transfer full) (nullable): "DD/MM/YYYY", @iso_date itself when it has another
 *   shape, or NULL for NULL or ""
 */
char *
presso_format_date (const char *iso_date)
{
  int y, m, d;
  char end;

  if (iso_date == NULL || iso_date[0] == '\0')
    return NULL;
  if (sscanf (iso_date, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3)
    return g_strdup (iso_date);
  return g_strdup_printf ("%02d/%02d/%04d", d, m, y);
}

/**
 * presso_date_from_text:
 * @text: what the user typed: "DD/MM/YYYY" (also with '.' or '-', or one-digit day and month),
 *   or "YYYY-MM-DD"
 *
 * Turns a typed date into the "YYYY-MM-DD" the records hold, without judging it: a date that
 * does not exist ("31/02/1990" → "1990-02-31") or text of another shape is passed on as it is,
 * for presso_client_validate() to name the problem.
 *
 * Returns: (transfer full) (nullable): NULL when @text is blank
 */
char *
presso_date_from_text (const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  int y, m, d, n = 0;
  char sep1, sep2;

  if (stripped[0] == '\0')
    return NULL;
  if (sscanf (stripped, "%2d%c%2d%c%4d%n", &d, &sep1, &m, &sep2, &y, &n) == 5
      && (size_t) n == strlen (stripped) && sep1 == sep2 && strchr ("/.-", sep1) != NULL
      && y >= 1000)
    return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
  return g_steal_pointer (&stripped);
}

/**
 * presso_format_date_time:
 * @utc: (nullable): a time
 *
 * Returns: (transfer full) (nullable): "DD/MM/YYYY HH:MM" in local time
 */
char *
presso_format_date_time (GDateTime *utc)
{
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return NULL;
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%d/%m/%Y %H:%M");
}

/**
 * presso_find_child_by_id:
 * @root: a widget
 * @buildable_id: the id a template gave a widget
 *
 * Looks for a descendant of @root built from a template or .ui file with this id (tests use
 * it to reach real widgets).
 *
 * Returns: (transfer none) (nullable): the widget
 */
GtkWidget *
presso_find_child_by_id (GtkWidget  *root,
                         const char *buildable_id)
{
  const char *id = gtk_buildable_get_buildable_id (GTK_BUILDABLE (root));

  if (g_strcmp0 (id, buildable_id) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = presso_find_child_by_id (child, buildable_id);

      if (found != NULL)
        return found;
    }
  return NULL;
}
