/* presso-ui-util.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dates as the practice reads and types them (DD/MM/YYYY), and small widget helpers.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

char      *presso_format_date         (const char *iso_date);
char      *presso_date_from_text      (const char *text);
char      *presso_format_date_time    (GDateTime  *utc);
GtkWidget *presso_find_child_by_id    (GtkWidget  *root,
                                       const char *buildable_id);

G_END_DECLS
